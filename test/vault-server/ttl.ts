// Vault's lease extension rule (framework.LeaseExtend), shared by token renewal and lease renewal:
// the new TTL is the increment (or the default TTL when 0), capped at what is left of the max TTL,
// with Vault's warning when the cap applies.
import { humanDuration } from './time-format.ts';

export interface Extension {
  readonly expireMs: number;
  /** Whole seconds, as `lease_duration` reports them. */
  readonly ttl: number;
  readonly warnings: readonly string[];
}

export type ExtendResult = { readonly ok: true; readonly value: Extension } | { readonly ok: false; readonly error: string };

export function extendLease(opts: { now: number; incrementSeconds: number; defaultTtl: number; maxExpireMs: number }): ExtendResult {
  const requested = opts.incrementSeconds > 0 ? opts.incrementSeconds : opts.defaultTtl;
  const leftMs = opts.maxExpireMs - opts.now;
  if (leftMs <= 0) return { ok: false, error: 'past the max TTL, cannot renew' };
  if (requested * 1000 <= leftMs) {
    return { ok: true, value: { expireMs: opts.now + requested * 1000, ttl: requested, warnings: [] } };
  }
  const capped = Math.floor(leftMs / 1000);
  const warning = `TTL of ${JSON.stringify(humanDuration(requested))} exceeded the effective max_ttl of ${JSON.stringify(humanDuration(capped))}; TTL value is capped accordingly`;
  return { ok: true, value: { expireMs: opts.maxExpireMs, ttl: capped, warnings: [warning] } };
}

/** Vault's `increment` field: seconds as a number or numeric string, or a Go duration. */
export function parseIncrement(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return 0;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return Math.floor(raw);
  if (typeof raw !== 'string') return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw);
  if (m === null) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
