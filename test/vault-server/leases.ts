// Leases of dynamic secrets. A lease dies when revoked, when it expires, or with the token that
// created it (Vault revokes a token's leases when the token is revoked or expires).
import { newLeaseSuffix } from './ids.ts';
import { extendLease, type ExtendResult } from './ttl.ts';
import type { TokenEntry, TokenStore } from './tokens.ts';

export interface LeaseEntry {
  readonly id: string;
  /** The request path that created it, e.g. database/creds/db-app. */
  readonly path: string;
  readonly token: TokenEntry;
  readonly issueMs: number;
  readonly defaultTtl: number;
  readonly maxExpireMs: number;
  readonly renewable: boolean;
  expireMs: number;
  lastRenewalMs: number | null;
  revoked: boolean;
}

export type LeaseState = 'live' | 'expired' | 'gone';

export class LeaseStore {
  readonly #now: () => number;
  readonly #tokens: TokenStore;
  readonly #byId = new Map<string, LeaseEntry>();

  constructor(now: () => number, tokens: TokenStore) {
    this.#now = now;
    this.#tokens = tokens;
  }

  create(opts: { path: string; token: TokenEntry; ttl: number; maxTtl: number; renewable: boolean }): LeaseEntry {
    const now = this.#now();
    const ttl = Math.min(opts.ttl, opts.maxTtl);
    const lease: LeaseEntry = {
      id: `${opts.path}/${newLeaseSuffix()}`, path: opts.path, token: opts.token, issueMs: now, defaultTtl: opts.ttl,
      maxExpireMs: now + opts.maxTtl * 1000, renewable: opts.renewable, expireMs: now + ttl * 1000,
      lastRenewalMs: null, revoked: false,
    };
    this.#byId.set(lease.id, lease);
    return lease;
  }

  /** Revoked leases, and leases of dead tokens, are gone (Vault deletes them). */
  state(lease: LeaseEntry): LeaseState {
    if (this.isRevoked(lease)) return 'gone';
    return this.#now() < lease.expireMs ? 'live' : 'expired';
  }

  isRevoked(lease: LeaseEntry): boolean {
    return lease.revoked || !this.#tokens.isLive(lease.token);
  }

  get(id: string): LeaseEntry | undefined {
    return this.#byId.get(id);
  }

  renew(lease: LeaseEntry, incrementSeconds: number): ExtendResult {
    const state = this.state(lease);
    if (state === 'gone') return { ok: false, error: 'lease not found' };
    if (state === 'expired') return { ok: false, error: 'lease expired' };
    if (!lease.renewable) return { ok: false, error: 'lease is not renewable' };
    const now = this.#now();
    const result = extendLease({ now, incrementSeconds, defaultTtl: lease.defaultTtl, maxExpireMs: lease.maxExpireMs });
    if (result.ok) {
      lease.expireMs = result.value.expireMs;
      lease.lastRenewalMs = now;
    }
    return result;
  }

  revoke(lease: LeaseEntry): void {
    lease.revoked = true;
  }

  revokeByToken(token: TokenEntry): void {
    for (const lease of this.#byId.values()) if (lease.token === token) lease.revoked = true;
  }

  all(): readonly LeaseEntry[] {
    return [...this.#byId.values()];
  }
}
