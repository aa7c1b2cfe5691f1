// When to look at a fetched secret again, as a pure function of the response.
import type { Random } from '../../shared/backoff.ts';
import type { SecretRequest, VaultResponse } from '../render/engine.ts';
import { MAX_TIMER_MS } from './token-schedule.ts';
import { plainNumber } from '../vault/json-number.ts';

export interface RefreshInputs {
  readonly request: SecretRequest;
  readonly response: VaultResponse;
  /** ms since the epoch when the response arrived. */
  readonly fetchedAt: number;
  /** `template_config.static_secret_render_interval`, ms. */
  readonly staticIntervalMs: number;
  /** `template_config.lease_renewal_threshold`, 0 < t < 1. */
  readonly threshold: number;
  /** From the KV preflight: the path is on a KV v1 mount. */
  readonly kvV1: boolean;
}

export type RefreshPlan =
  /** Renewable lease: renew it now (first time) and then on the ⅔ rule. */
  | { readonly kind: 'renew'; readonly delayMs: number; readonly reason: 'renewable-lease' }
  | { readonly kind: 'refetch'; readonly delayMs: number; readonly reason: RefetchReason };

export type RefetchReason = 'leased' | 'static' | 'list' | 'certificate' | 'pki-cert' | 'rotating-static-role';

/** threshold ± 0.05, or the exact threshold if the stagger would leave (0, 1). */
export function staggeredThreshold(threshold: number, random: Random): number {
  const t = threshold + (random() * 0.1 - 0.05);
  return t > 0 && t < 1 ? t : threshold;
}

function cap(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.round(ms)));
}

function dataRecord(response: VaultResponse): Record<string, unknown> {
  const d = response.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

export function planRefresh(inputs: RefreshInputs, random: Random): RefreshPlan {
  const { request, response } = inputs;
  const data = dataRecord(response);
  // Numbers in `data` may arrive as exact-text JsonNumber values (agent/vault/json-number.ts).
  const expiration = plainNumber(data['expiration']);
  const ttl = plainNumber(data['ttl']);
  if (request.kind === 'secrets') return { kind: 'refetch', delayMs: cap(inputs.staticIntervalMs), reason: 'list' };
  if (request.kind === 'pkiCert' && expiration !== undefined) {
    // Rotation at NotBefore + threshold × validity; issuance time stands in for NotBefore.
    const validity = expiration * 1000 - inputs.fetchedAt;
    return { kind: 'refetch', delayMs: cap(validity * inputs.threshold), reason: 'pki-cert' };
  }
  if (response.renewable && response.lease_id !== '') return { kind: 'renew', delayMs: 0, reason: 'renewable-lease' };
  if (response.lease_id === '' && typeof data['certificate'] === 'string' && expiration !== undefined) {
    const base = expiration * 1000 - inputs.fetchedAt;
    return { kind: 'refetch', delayMs: cap(base * (0.85 + random() * 0.1)), reason: 'certificate' };
  }
  if (response.lease_id === '' && data['rotation_period'] !== undefined && ttl !== undefined && ttl > 0) {
    return { kind: 'refetch', delayMs: cap((ttl + 1) * 1000), reason: 'rotating-static-role' };
  }
  // KV v1 without a `ttl` key reports the mount default (32 days); poll it like a static secret
  // instead of practically never.
  const kvV1WithoutTtl = inputs.kvV1 && data['ttl'] === undefined;
  if (response.lease_duration > 0 && !kvV1WithoutTtl) {
    return { kind: 'refetch', delayMs: cap(response.lease_duration * 1000 * staggeredThreshold(inputs.threshold, random)), reason: 'leased' };
  }
  return { kind: 'refetch', delayMs: cap(inputs.staticIntervalMs * staggeredThreshold(inputs.threshold, random)), reason: 'static' };
}

/** Template fetch retry: 250 ms doubling to 1 m (or auto-auth min/max_backoff when set). */
export function fetchRetryDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}
