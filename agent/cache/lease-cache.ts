// The lease cache (`cache {}`): responses to proxied requests that carry a
// renewable lease or create a renewable token are kept, keyed by the whole request (cache-key.ts),
// and renewed by the agent on Vault's LifetimeWatcher schedule; an identical request gets the kept
// response instead of a new lease. An entry leaves when its lease stops extending or cannot be
// renewed, when its token is revoked or replaced, or on `/agent/v1/cache-clear`. As Vault Agent
// does, responses that are not renewable are not cached. Bounded: entry count, body size, and the
// bytes of all entries together.
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import type { Random } from '../../shared/backoff.ts';
import type { Logger } from '../../shared/logger.ts';
import { afterRenewal, afterRenewalError, graceMs } from '../schedule/token-schedule.ts';

export interface CachedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  /** ms since the epoch the response arrived (the `Age` header counts from here). */
  readonly storedAt: number;
}

/** What a response says about itself, read by cacheable.ts. */
export interface Renewable {
  /** The token the request was made with (renews a lease; its revocation evicts the entry). */
  readonly requestToken: string;
  /** `/v1/...` path of the request (cache-clear `request_path`). */
  readonly requestPath: string;
  /** Set for a leased secret. */
  readonly leaseId?: string;
  /** Set for a response that created a token (renewed with itself). */
  readonly createdToken?: string;
  readonly createdAccessor?: string;
  /** Seconds. */
  readonly leaseDuration: number;
}

export interface CacheRenewal {
  /** Remaining lease in seconds after the renewal. */
  lease(token: string, leaseId: string): Promise<number>;
  token(token: string): Promise<number>;
}

export type ClearRequest =
  | { readonly type: 'all' }
  | { readonly type: 'lease' | 'token' | 'token_accessor' | 'request_path'; readonly value: string };

export interface LeaseCacheOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly renew: CacheRenewal;
  readonly log: Logger;
  readonly maxEntries?: number;
  readonly maxBodyBytes?: number;
  /** All entries together: keys (the request text) and bodies. */
  readonly maxTotalBytes?: number;
}

interface Entry {
  readonly key: string;
  readonly response: CachedResponse;
  readonly about: Renewable;
  expiresAt: number;
  timer: TimerHandle | undefined;
}

export const DEFAULT_MAX_ENTRIES = 4096;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_TOTAL_BYTES = 16 * 1024 * 1024;

const entryBytes = (key: string, response: CachedResponse): number => key.length + response.body.length;

export class LeaseCache {
  readonly #o: LeaseCacheOptions;
  readonly #entries = new Map<string, Entry>();
  #stopped = false;
  #bytes = 0;

  constructor(options: LeaseCacheOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CachedResponse | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= this.#o.clock.now()) {
      this.#evict(e, 'expired');
      return undefined;
    }
    return e.response;
  }

  /** Keeps the response and starts renewing it; false when it is over the bounds (not kept). */
  store(key: string, response: CachedResponse, about: Renewable): boolean {
    if (this.#stopped || response.body.length > (this.#o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) return false;
    if (!this.#entries.has(key) && this.#entries.size >= (this.#o.maxEntries ?? DEFAULT_MAX_ENTRIES)) return false;
    const old = this.#entries.get(key);
    if (old !== undefined) this.#evict(old, 'replaced');
    const bytes = entryBytes(key, response);
    if (this.#bytes + bytes > (this.#o.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES)) return false;
    this.#bytes += bytes;
    const entry: Entry = {
      key,
      response,
      about,
      expiresAt: response.storedAt + about.leaseDuration * 1000,
      timer: undefined,
    };
    this.#entries.set(key, entry);
    // LifetimeWatcher renews at once, then on the ⅔ rule.
    void this.#renew(entry, 0);
    return true;
  }

  /** `/agent/v1/cache-clear`; returns how many entries left. */
  clear(request: ClearRequest): number {
    const match = (e: Entry): boolean => {
      switch (request.type) {
        case 'all':
          return true;
        case 'lease':
          return e.about.leaseId === request.value;
        case 'token':
          return e.about.requestToken === request.value || e.about.createdToken === request.value;
        case 'token_accessor':
          return e.about.createdAccessor === request.value;
        case 'request_path':
          return e.about.requestPath.startsWith(request.value);
      }
    };
    let n = 0;
    for (const e of [...this.#entries.values()]) {
      if (match(e)) {
        this.#evict(e, 'cleared');
        n++;
      }
    }
    return n;
  }

  stop(): void {
    this.#stopped = true;
    for (const e of this.#entries.values()) e.timer?.cancel();
    this.#entries.clear();
    this.#bytes = 0;
  }

  async #renew(entry: Entry, errors: number): Promise<void> {
    const { about } = entry;
    let remaining: number;
    try {
      remaining =
        about.leaseId !== undefined
          ? await this.#o.renew.lease(about.requestToken, about.leaseId)
          : await this.#o.renew.token(about.createdToken ?? '');
    } catch (err) {
      if (this.#entries.get(entry.key) !== entry) return;
      const step = afterRenewalError(errors, entry.expiresAt - this.#o.clock.now(), this.#o.random);
      this.#o.log.warn(
        {
          event: 'cache-renew-failed',
          path: about.requestPath,
          err: { type: (err as Error).name, message: (err as Error).message },
        },
        'cached lease renewal failed',
      );
      if (step.action === 'expire') this.#evict(entry, 'renew-failed');
      else this.#schedule(entry, step.delayMs, errors + 1);
      return;
    }
    if (this.#entries.get(entry.key) !== entry) return;
    entry.expiresAt = this.#o.clock.now() + remaining * 1000;
    const step = afterRenewal(remaining, graceMs(about.leaseDuration, this.#o.random));
    if (step.action === 'expire') this.#evict(entry, 'lease-ending');
    else this.#schedule(entry, step.delayMs, 0);
  }

  #schedule(entry: Entry, delayMs: number, errors: number): void {
    entry.timer = this.#o.clock.setTimer(delayMs, () => {
      entry.timer = undefined;
      void this.#renew(entry, errors);
    });
  }

  #evict(entry: Entry, reason: string): void {
    entry.timer?.cancel();
    if (this.#entries.get(entry.key) === entry) {
      this.#entries.delete(entry.key);
      this.#bytes -= entryBytes(entry.key, entry.response);
    }
    this.#o.log.debug({ event: 'cache-evict', path: entry.about.requestPath, reason }, 'cache entry removed');
  }
}
