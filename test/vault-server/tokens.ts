// The token store: service tokens from logins and the root token. Validity is computed from the
// injectable clock on every use, so an expired token is refused without any timer.
import { newAccessor, newServiceToken } from './ids.ts';
import { extendLease, type ExtendResult } from './ttl.ts';

/** Vault's system default and max TTL (768h). */
export const SYSTEM_MAX_TTL = 2_764_800;

export interface TokenEntry {
  readonly id: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly meta: Readonly<Record<string, string>> | null;
  readonly displayName: string;
  /** The login path that created it, e.g. auth/kubernetes/login. */
  readonly path: string;
  readonly entityId: string;
  readonly issueMs: number;
  /** TTL in seconds at creation (the role's token_ttl); 0 for the root token. */
  readonly creationTtl: number;
  /** null: never expires (root). */
  expireMs: number | null;
  readonly maxExpireMs: number | null;
  readonly renewable: boolean;
  lastRenewalMs: number | null;
  revoked: boolean;
}

export interface NewToken {
  readonly policies: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly displayName: string;
  readonly path: string;
  readonly entityId: string;
  readonly ttl: number;
  readonly maxTtl: number;
}

export class TokenStore {
  readonly #now: () => number;
  readonly #byId = new Map<string, TokenEntry>();

  constructor(now: () => number) {
    this.#now = now;
  }

  createRoot(id: string | undefined): TokenEntry {
    const entry: TokenEntry = {
      id: id ?? newServiceToken(), accessor: newAccessor(), policies: ['root'], meta: null, displayName: 'root',
      path: 'auth/token/root', entityId: '', issueMs: this.#now(), creationTtl: 0, expireMs: null, maxExpireMs: null,
      renewable: false, lastRenewalMs: null, revoked: false,
    };
    this.#byId.set(entry.id, entry);
    return entry;
  }

  create(t: NewToken): TokenEntry {
    const issueMs = this.#now();
    const maxTtl = Math.min(t.maxTtl, SYSTEM_MAX_TTL);
    const ttl = Math.min(t.ttl, maxTtl);
    const entry: TokenEntry = {
      id: newServiceToken(), accessor: newAccessor(), policies: t.policies, meta: t.meta, displayName: t.displayName,
      path: t.path, entityId: t.entityId, issueMs, creationTtl: ttl, expireMs: issueMs + ttl * 1000,
      maxExpireMs: issueMs + maxTtl * 1000, renewable: true, lastRenewalMs: null, revoked: false,
    };
    this.#byId.set(entry.id, entry);
    return entry;
  }

  isLive(entry: TokenEntry): boolean {
    return !entry.revoked && (entry.expireMs === null || this.#now() < entry.expireMs);
  }

  /** The live token with this id, or undefined for unknown, revoked and expired tokens. */
  find(id: string): TokenEntry | undefined {
    const entry = this.#byId.get(id);
    return entry !== undefined && this.isLive(entry) ? entry : undefined;
  }

  byAccessor(accessor: string): TokenEntry | undefined {
    for (const t of this.#byId.values()) if (t.accessor === accessor) return t;
    return undefined;
  }

  renew(entry: TokenEntry, incrementSeconds: number): ExtendResult {
    if (!entry.renewable || entry.maxExpireMs === null) return { ok: false, error: 'lease is not renewable' };
    const now = this.#now();
    const result = extendLease({ now, incrementSeconds, defaultTtl: entry.creationTtl, maxExpireMs: entry.maxExpireMs });
    if (result.ok) {
      entry.expireMs = result.value.expireMs;
      entry.lastRenewalMs = now;
    }
    return result;
  }

  /** Seconds left, as lookup-self's `ttl` reports them (0 for root). */
  remaining(entry: TokenEntry): number {
    return entry.expireMs === null ? 0 : Math.max(0, Math.floor((entry.expireMs - this.#now()) / 1000));
  }

  all(): readonly TokenEntry[] {
    return [...this.#byId.values()];
  }
}
