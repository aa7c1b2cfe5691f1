// Holds every secret the templates asked for, keyed by request key: one fetch per key however many
// templates use it, concurrent callers share the in-flight fetch. Each entry then lives on its own
// timer: renewable leases renewed on the ⅔ rule, everything else re-read on its schedule
// Fetch failures retry with backoff; the last good data is kept meanwhile.
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import type { Random } from '../../shared/backoff.ts';
import { backoffDelay } from '../../shared/backoff.ts';
import type { Logger } from '../../shared/logger.ts';
import { toError } from '../../shared/errors.ts';
import type { SecretRequest, VaultResponse } from '../render/engine.ts';
import type { VaultClient } from '../vault/client.ts';
import { FetchFailedError, VaultError } from '../errors.ts';
import type { SecretFetcher } from './fetcher.ts';
import { planRefresh, fetchRetryDelay } from '../schedule/refresh-schedule.ts';
import { afterRenewal, graceMs } from '../schedule/token-schedule.ts';
import { Sleeper } from '../schedule/sleeper.ts';
import { errSummary } from '../auth/token-manager.ts';
import { reusablePkiCert } from './pki-reuse.ts';

export interface TokenSource {
  token(): Promise<string>;
  invalidate(token: string): void;
}

export interface FetchPolicy {
  /** Retries per fetch (vault.retry.num_retries resolved: 12 by default, 0 = none). */
  readonly numRetries: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly staticIntervalMs: number;
  readonly threshold: number;
}

export interface DependencyManagerDeps {
  readonly client: VaultClient;
  readonly fetcher: SecretFetcher;
  readonly tokens: TokenSource;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly policy: FetchPolicy;
  /** Init-container mode: fetch only; no renewals or re-reads (the sidecar takes those over). */
  readonly fetchOnly?: boolean;
  /** Some entry has new data: templates should render again. */
  readonly onChange: () => void;
  /** A background re-fetch ran out of retries (the caller decides: exit or keep going). */
  readonly onFetchFailure: (err: FetchFailedError) => void;
  /** Reads a template's current destination file (pkiCert reuse); undefined when absent. */
  readonly readDestination?: (path: string) => string | undefined;
}

/** What the init container leaves for the sidecar (and the sidecar keeps for its own restarts). */
export interface PersistedEntry {
  readonly request: SecretRequest;
  readonly response: VaultResponse;
  readonly kvV1: boolean;
  readonly fetchedAt: number;
}

interface Entry {
  readonly request: SecretRequest;
  response?: VaultResponse;
  kvV1: boolean;
  fetchedAt: number;
  timer?: TimerHandle;
  inflight?: Promise<void>;
  /** Lease renewal bookkeeping (renewable leases only). */
  grace?: number;
  priorLease?: number;
  /** Consecutive background failures (long backoff after the retry budget is spent). */
  failures: number;
}

/** After the retry budget: try again on a 1 s → 5 m backoff (Vault restarts its engine so). */
const RESTART_BACKOFF = Object.freeze({ initialMs: 1000, maxMs: 300_000, multiplier: 2, jitter: 0.25, mode: 'reduce' as const });

export class DependencyManager {
  readonly #deps: DependencyManagerDeps;
  readonly #entries = new Map<string, Entry>();
  readonly #sleeper: Sleeper;

  constructor(deps: DependencyManagerDeps) {
    this.#deps = deps;
    this.#sleeper = new Sleeper(deps.clock);
  }

  lookup(request: SecretRequest): VaultResponse | undefined {
    return this.#entries.get(request.key)?.response;
  }

  /**
   * Fetches every request that has no data yet (shared in-flight fetches); throws FetchFailedError.
   * `destination` is the file of the template asking (a valid pkiCert there is reused).
   */
  async ensure(requests: readonly SecretRequest[], destination?: string): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const request of requests) {
      let entry = this.#entries.get(request.key);
      if (entry === undefined) {
        entry = { request, kvV1: false, fetchedAt: 0, failures: 0 };
        this.#entries.set(request.key, entry);
      }
      if (entry.response !== undefined) continue;
      if (request.kind === 'pkiCert' && destination !== undefined && entry.inflight === undefined && this.#reuseCert(entry, destination)) continue;
      entry.inflight ??= this.#fetchInto(entry).finally(() => {
        if (entry !== undefined) delete entry.inflight;
      });
      waits.push(entry.inflight);
    }
    const results = await Promise.allSettled(waits);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  #reuseCert(entry: Entry, destination: string): boolean {
    const text = this.#deps.readDestination?.(destination);
    const reused = text === undefined ? undefined : reusablePkiCert(text, entry.request, this.#deps.clock.now());
    if (reused === undefined) return false;
    entry.response = reused.response;
    entry.fetchedAt = reused.issuedAt;
    const plan = this.#plan(entry);
    const delayMs = Math.max(0, plan.delayMs - (this.#deps.clock.now() - reused.issuedAt));
    this.#deps.log.info({ event: 'pki-cert-reused', path: entry.request.path, destination, nextInMs: delayMs }, 'certificate in the destination file is still valid; reusing it');
    this.#schedule(entry, plan.kind, delayMs);
    return true;
  }

  /** Forget entries no template uses any more (their timers stop). */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, entry] of this.#entries) {
      if (keys.has(key) || entry.inflight !== undefined) continue;
      entry.timer?.cancel();
      this.#entries.delete(key);
    }
  }

  /** A new token after re-login: leases of the old token die with it, so re-read leased secrets. */
  tokenChanged(): void {
    this.#deps.fetcher.forgetMounts();
    for (const entry of this.#entries.values()) {
      if (entry.response !== undefined && entry.response.lease_id !== '') this.#schedule(entry, 'refetch', 0);
    }
  }

  snapshot(): PersistedEntry[] {
    const out: PersistedEntry[] = [];
    for (const e of this.#entries.values()) {
      if (e.response !== undefined) out.push({ request: e.request, response: e.response, kvV1: e.kvV1, fetchedAt: e.fetchedAt });
    }
    return out;
  }

  /** Takes over entries fetched by the init container: renew leases now, re-read others when due. */
  adopt(entries: readonly PersistedEntry[]): void {
    const now = this.#deps.clock.now();
    for (const p of entries) {
      const entry: Entry = { request: p.request, response: p.response, kvV1: p.kvV1, fetchedAt: p.fetchedAt, failures: 0 };
      this.#entries.set(p.request.key, entry);
      const plan = this.#plan(entry);
      if (plan.kind === 'renew') this.#schedule(entry, 'renew', 0);
      else this.#schedule(entry, 'refetch', Math.max(0, plan.delayMs - (now - p.fetchedAt)));
    }
  }

  stop(): void {
    this.#sleeper.stop();
    for (const e of this.#entries.values()) e.timer?.cancel();
  }

  async #fetchInto(entry: Entry): Promise<void> {
    const fetched = await this.#fetchWithRetry(entry.request);
    entry.response = fetched.response;
    entry.kvV1 = fetched.kvV1;
    entry.fetchedAt = this.#deps.clock.now();
    entry.failures = 0;
    delete entry.grace;
    delete entry.priorLease;
    const plan = this.#plan(entry);
    this.#deps.log.debug({ event: 'secret-fetched', path: entry.request.path, kind: entry.request.kind, reason: plan.reason, nextInMs: plan.delayMs }, 'secret fetched');
    this.#schedule(entry, plan.kind, plan.delayMs);
  }

  #plan(entry: Entry): ReturnType<typeof planRefresh> {
    const { policy, random } = this.#deps;
    return planRefresh(
      { request: entry.request, response: entry.response!, fetchedAt: entry.fetchedAt, staticIntervalMs: policy.staticIntervalMs, threshold: policy.threshold, kvV1: entry.kvV1 },
      random,
    );
  }

  async #fetchWithRetry(request: SecretRequest): Promise<{ response: VaultResponse; kvV1: boolean }> {
    const { policy, tokens, log, fetcher } = this.#deps;
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.token();
      try {
        return await fetcher.fetch(token, request);
      } catch (err) {
        if (err instanceof VaultError && err.invalidToken) tokens.invalidate(token);
        const e = toError(err);
        if (attempt >= policy.numRetries || this.#sleeper.stopped) {
          throw err instanceof FetchFailedError ? err : new FetchFailedError(request.path, `fetching ${request.path} failed after ${attempt + 1} attempt(s): ${e.message}`, { cause: e });
        }
        const delay = fetchRetryDelay(attempt, policy.retryInitialMs, policy.retryMaxMs);
        log.warn({ event: 'fetch-retry', path: request.path, attempt: attempt + 1, retryInMs: delay, err: errSummary(e) }, 'secret fetch failed; retrying');
        await this.#sleeper.sleep(delay);
      }
    }
  }

  #schedule(entry: Entry, kind: 'renew' | 'refetch', delayMs: number): void {
    entry.timer?.cancel();
    if (this.#deps.fetchOnly === true) return;
    entry.timer = this.#deps.clock.setTimer(delayMs, () => {
      delete entry.timer;
      if (this.#sleeper.stopped || this.#entries.get(entry.request.key) !== entry) return;
      const work = kind === 'renew' ? this.#renew(entry) : this.#refetch(entry);
      work.catch((err: unknown) => {
        this.#deps.log.error({ event: 'refresh-error', path: entry.request.path, err: errSummary(err) }, 'secret refresh failed');
      });
    });
  }

  async #renew(entry: Entry): Promise<void> {
    const { client, tokens, random, log } = this.#deps;
    const response = entry.response;
    if (response === undefined) return;
    const token = await tokens.token();
    try {
      const r = await client.renewLease(token, response.lease_id);
      if (entry.priorLease === undefined || r.leaseDuration > entry.priorLease) entry.grace = graceMs(r.leaseDuration, random);
      entry.priorLease = r.leaseDuration;
      entry.response = { ...response, lease_duration: r.leaseDuration, renewable: r.renewable };
      const step = r.renewable ? afterRenewal(r.leaseDuration, entry.grace ?? 0) : ({ action: 'expire' } as const);
      if (step.action === 'expire') {
        log.info({ event: 'lease-not-extended', path: entry.request.path, ttl: r.leaseDuration }, 'lease can no longer be extended; reading new credentials');
        await this.#refetch(entry);
        return;
      }
      log.debug({ event: 'lease-renewed', path: entry.request.path, ttl: r.leaseDuration, nextInMs: step.delayMs }, 'lease renewed');
      this.#schedule(entry, 'renew', step.delayMs);
    } catch (err) {
      if (err instanceof VaultError && err.invalidToken) tokens.invalidate(token);
      log.info({ event: 'lease-renew-failed', path: entry.request.path, err: errSummary(err) }, 'lease renewal failed; reading new credentials');
      await this.#refetch(entry);
    }
  }

  async #refetch(entry: Entry): Promise<void> {
    if (entry.inflight !== undefined) return;
    const work = this.#fetchInto(entry);
    entry.inflight = work.then(
      () => undefined,
      () => undefined,
    );
    try {
      await work;
      this.#deps.onChange();
    } catch (err) {
      if (this.#sleeper.stopped) return;
      const e = err instanceof FetchFailedError ? err : new FetchFailedError(entry.request.path, toError(err).message, { cause: err });
      const delay = backoffDelay(RESTART_BACKOFF, entry.failures++, this.#deps.random);
      this.#deps.log.error({ event: 'fetch-gave-up', path: entry.request.path, err: errSummary(e), retryInMs: delay }, 'secret fetch failed after retries; keeping the last data');
      this.#deps.onFetchFailure(e);
      this.#schedule(entry, 'refetch', delay);
    } finally {
      delete entry.inflight;
    }
  }
}
