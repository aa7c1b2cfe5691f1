// Token renewal math of Vault's LifetimeWatcher, as pure functions.
// Also used for renewable secret leases, which follow the same rule.
import type { Random } from '../../shared/backoff.ts';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.ts';

/** setTimeout's ceiling: a longer delay would fire at once (a tight loop), so every delay is capped. */
export const MAX_TIMER_MS = 2_147_483_647;

/** grace = 10 % of the lease + random 0–10 %, in ms. */
export function graceMs(leaseSeconds: number, random: Random): number {
  const leaseMs = leaseSeconds * 1000;
  return Math.round(0.1 * leaseMs + random() * 0.1 * leaseMs);
}

export type RenewStep =
  | { readonly action: 'sleep'; readonly delayMs: number }
  /** The lease stopped growing (max TTL near) or is too short: log in again / re-read now. */
  | { readonly action: 'expire' };

/**
 * After a successful renewal that left `remainingSeconds`: sleep ⅔·R + ⅓·grace, unless R is
 * within grace or would be after the sleep (R ≤ grace or R − S ≤ grace).
 */
export function afterRenewal(remainingSeconds: number, grace: number): RenewStep {
  const remainingMs = remainingSeconds * 1000;
  const sleepMs = Math.round((2 / 3) * remainingMs + grace / 3);
  if (remainingMs <= grace || remainingMs - sleepMs <= grace) return { action: 'expire' };
  return { action: 'sleep', delayMs: Math.min(MAX_TIMER_MS, sleepMs) };
}

/** A non-renewable token: no renew calls; log in again after ⅔ of what remains. */
export function nonRenewableTokenDelay(remainingSeconds: number): number {
  return Math.min(MAX_TIMER_MS, Math.round((2 / 3) * remainingSeconds * 1000));
}

/** Renewal error backoff: 10 s, ×2, cap 5 m, ±50 % (LifetimeWatcher's error backoff). */
export const RENEW_ERROR_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 10_000, maxMs: 300_000, multiplier: 2, jitter: 0.5, mode: 'spread' });

/**
 * After renewal attempt `attempt` (0-based) failed: wait the backoff but never past the lease's
 * end; once the lease is over, give up (the caller logs in again / re-reads).
 */
export function afterRenewalError(attempt: number, msUntilExpiry: number, random: Random): RenewStep {
  if (msUntilExpiry <= 0) return { action: 'expire' };
  return { action: 'sleep', delayMs: Math.min(msUntilExpiry, backoffDelay(RENEW_ERROR_BACKOFF, attempt, random)) };
}

/** Auto-auth login backoff: min_backoff doubling to max_backoff, each reduced by 0–25 %. */
export function loginBackoffPolicy(minBackoffMs: number, maxBackoffMs: number): BackoffPolicy {
  return Object.freeze({ initialMs: minBackoffMs, maxMs: maxBackoffMs, multiplier: 2, jitter: 0.25, mode: 'reduce' });
}
