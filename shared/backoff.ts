// Capped exponential backoff. Randomness is injected so tests can assert exact delays.

export type Random = () => number;

export interface BackoffPolicy {
  /** First delay, ms. */
  readonly initialMs: number;
  /** Cap on any single delay, ms. */
  readonly maxMs: number;
  /** Growth factor per attempt (2 = doubling). */
  readonly multiplier: number;
  /**
   * How the delay is randomised: `reduce` takes off up to `jitter` of it (Vault's auto-auth: up
   * to 25 % less), `spread` scales by 1 ± jitter (Vault's LifetimeWatcher: ±50 %).
   */
  readonly jitter: number;
  readonly mode: 'reduce' | 'spread';
}

/** Delay before retry number `attempt` (0-based), in ms, never above maxMs. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: Random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, attempt));
  const r = random();
  const factor = policy.mode === 'reduce' ? 1 - policy.jitter * r : 1 + policy.jitter * (2 * r - 1);
  return Math.min(policy.maxMs, Math.max(0, Math.round(base * factor)));
}
