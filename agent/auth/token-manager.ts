// Auto-auth: log in with the configured method (login-method.ts), renew the token on the
// LifetimeWatcher schedule, log in again near max TTL, on lasting renewal errors, or when
// templating sees "invalid token". Tokens that come back already used up
// (lease_duration 0 or less, renewals that give nothing) make the next logins back off instead of
// looping. The token is handed to sinks and listeners, never to the logger.
import type { Clock } from '../../shared/clock.ts';
import type { Random } from '../../shared/backoff.ts';
import { backoffDelay } from '../../shared/backoff.ts';
import type { Logger } from '../../shared/logger.ts';
import { toError } from '../../shared/errors.ts';
import type { AuthSettings, SinkSettings } from '../config/settings.ts';
import type { TokenInfo, VaultClient } from '../vault/client.ts';
import { AuthError, VaultError } from '../errors.ts';
import { Sleeper } from '../schedule/sleeper.ts';
import type { LoginMethod, LoginRequest } from './login-method.ts';
import {
  afterRenewal,
  afterRenewalError,
  graceMs,
  loginBackoffPolicy,
  nonRenewableTokenDelay,
} from '../schedule/token-schedule.ts';

export interface TokenManagerDeps {
  readonly client: VaultClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly auth: AuthSettings;
  readonly sinks: readonly SinkSettings[];
  /** The auth method: what to send for each login. */
  readonly method: LoginMethod;
  /** Sends the logins (cert auth: a client presenting the method's certificate); default `client`. */
  readonly loginClient?: VaultClient;
  readonly writeSink: (path: string, token: string, mode: number) => Promise<unknown>;
  /** Init-container mode: one login and one renew-self, no renewal loop. */
  readonly once: boolean;
}

export interface CurrentToken {
  readonly token: string;
  readonly accessor: string;
  /** ms since the epoch; Infinity for a token without TTL. */
  readonly expiresAt: number;
  readonly renewable: boolean;
  readonly leaseSeconds: number;
}

type TokenListener = (token: CurrentToken, previous: CurrentToken | undefined) => void;

export class TokenManager {
  readonly #deps: TokenManagerDeps;
  readonly #sleeper: Sleeper;
  readonly #listeners: TokenListener[] = [];
  #current: CurrentToken | undefined;
  #waiters: ((token: string) => void)[] = [];
  #invalidated = false;
  #lastSunk = '';
  /** Consecutive tokens that lasted less than min_backoff. */
  #shortLived = 0;
  #renewedOnce: () => void = () => undefined;
  readonly #firstRenewal = new Promise<void>((resolve) => {
    this.#renewedOnce = resolve;
  });

  constructor(deps: TokenManagerDeps) {
    this.#deps = deps;
    this.#sleeper = new Sleeper(deps.clock);
  }

  onToken(listener: TokenListener): void {
    this.#listeners.push(listener);
  }

  get current(): CurrentToken | undefined {
    return this.#current;
  }

  /** The current token, waiting for a login when there is none. */
  token(): Promise<string> {
    const t = this.#current;
    if (t !== undefined && !this.#invalidated) return Promise.resolve(t.token);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Templating saw 403 "invalid token" for this token: log in again (self-healing). */
  invalidate(token: string): void {
    if (this.#current?.token !== token || this.#invalidated) return;
    this.#invalidated = true;
    this.#deps.log.info({ event: 'token-invalid' }, 'vault says the token is invalid; logging in again');
    this.#sleeper.wake();
  }

  /**
   * Runs the auth loop. Resolves once the first token is in place (the loop goes on in the
   * background until stop()); rejects when login fails and `exit_on_err` is set. `onFatal`
   * receives a later login failure under `exit_on_err`.
   */
  start(options: { adopt?: string; onFatal: (err: Error) => void }): Promise<void> {
    return new Promise((resolve, reject) => {
      let first = true;
      const loop = async (): Promise<void> => {
        let adopt = options.adopt;
        while (!this.#sleeper.stopped) {
          const got = adopt !== undefined ? await this.#adopt(adopt) : await this.#loginWithBackoff();
          adopt = undefined;
          if (got === undefined) continue;
          const loggedInAt = this.#deps.clock.now();
          await this.#install(got);
          if (first) {
            first = false;
            resolve();
          }
          await this.#watch(got);
          await this.#paceShortLivedToken(loggedInAt, got.leaseSeconds);
          if (this.#deps.once) {
            // Init mode: no renewal loop, but a token rejected by templating still gets replaced.
            this.#renewedOnce();
            if (!this.#invalidated) await this.#sleeper.sleep(2_147_483_647);
            if (!this.#invalidated) return;
          }
        }
      };
      loop().catch((err: unknown) => {
        const e = toError(err);
        if (first) reject(e);
        else options.onFatal(e);
      });
    });
  }

  stop(): void {
    this.#sleeper.stop();
    this.#renewedOnce();
  }

  /** Init mode: settles after the one renew-self that follows the login (or when stopped). */
  firstRenewal(): Promise<void> {
    return this.#firstRenewal;
  }

  /** Revokes the current token (and with it every lease it created). */
  async revoke(): Promise<void> {
    const t = this.#current;
    if (t === undefined) return;
    await this.#deps.client.revokeSelf(t.token);
    this.#deps.log.info({ event: 'token-revoked', accessor: t.accessor }, 'token revoked');
  }

  async #adopt(token: string): Promise<CurrentToken | undefined> {
    try {
      const info = await this.#deps.client.lookupSelf(token);
      if (info.ttl <= 0 && info.renewable) return undefined;
      this.#deps.log.info(
        { event: 'token-adopted', accessor: info.accessor, ttl: info.ttl },
        'adopted the init container token',
      );
      return {
        token,
        accessor: info.accessor,
        expiresAt: info.ttl > 0 ? this.#deps.clock.now() + info.ttl * 1000 : Infinity,
        renewable: info.renewable,
        leaseSeconds: info.ttl,
      };
    } catch (err) {
      this.#deps.log.info(
        { event: 'token-adopt-failed', err: errSummary(err) },
        'handed-over token not usable; logging in',
      );
      return undefined;
    }
  }

  async #loginWithBackoff(): Promise<CurrentToken | undefined> {
    const { auth, log, clock, random, method } = this.#deps;
    const policy = loginBackoffPolicy(auth.minBackoffMs, auth.maxBackoffMs);
    for (let attempt = 0; !this.#sleeper.stopped; attempt++) {
      try {
        const info = await this.#send(await method.login());
        log.info(
          {
            event: 'login',
            method: auth.type,
            mount: auth.mountPath,
            accessor: info.accessor,
            ttl: info.leaseDuration,
          },
          'authenticated',
        );
        const ttl = info.leaseDuration;
        return {
          token: info.clientToken,
          accessor: info.accessor,
          expiresAt: ttl > 0 && Number.isFinite(ttl) ? clock.now() + ttl * 1000 : Infinity,
          renewable: info.renewable,
          leaseSeconds: ttl,
        };
      } catch (err) {
        const e = toError(err);
        if (auth.exitOnErr) throw new AuthError(`login to ${method.label} failed: ${e.message}`, { cause: e });
        const delay = backoffDelay(policy, attempt, random);
        log.warn(
          { event: 'login-failed', method: auth.type, mount: auth.mountPath, err: errSummary(e), retryInMs: delay },
          'error authenticating',
        );
        await this.#sleeper.sleep(delay);
      }
    }
    return undefined;
  }

  async #send(request: LoginRequest): Promise<TokenInfo> {
    const client = this.#deps.loginClient ?? this.#deps.client;
    const namespace = this.#deps.auth.namespace;
    if (request.kind === 'login')
      return client.loginWith({
        path: request.path,
        body: request.body,
        ...(namespace !== undefined ? { namespace } : {}),
      });
    // token_file: lookup-self proves the token is valid and tells its TTL (Vault Agent does the same).
    const info = await client.lookupSelf(request.token, namespace);
    return {
      clientToken: request.token,
      accessor: info.accessor,
      leaseDuration: info.ttl,
      renewable: info.renewable,
      warnings: [],
    };
  }

  /**
   * A token that lasted less than min_backoff (lease_duration 0 or negative, renewals giving 0, a
   * token templating rejects at once) is replaced at once the first time (after the login backoff
   * when its lease was 0 or less), then only after the backoff, doubling up to max_backoff: a
   * server handing out such tokens gets a few logins a minute, not thousands a second. Tokens that
   * last reset the count.
   */
  async #paceShortLivedToken(loggedInAt: number, leaseSeconds: number): Promise<void> {
    const { auth, clock, random, log } = this.#deps;
    if (clock.now() - loggedInAt >= auth.minBackoffMs) {
      this.#shortLived = 0;
      return;
    }
    const n = this.#shortLived++;
    // A lease of 0 (or less, or not a number) was dead on arrival: wait even before the next login,
    // as Vault Agent waits a second after a lease_duration 0 token.
    const dead = !(leaseSeconds > 0 && Number.isFinite(leaseSeconds));
    if ((n === 0 && !dead) || this.#sleeper.stopped) return;
    const delay = backoffDelay(loginBackoffPolicy(auth.minBackoffMs, auth.maxBackoffMs), dead ? n : n - 1, random);
    log.warn(
      { event: 'token-short-lived', count: n + 1, retryInMs: delay },
      'the last tokens did not last; waiting before the next login',
    );
    // An "invalid token" report wakes the sleeper; the pause must still be served in full.
    const until = clock.now() + delay;
    while (!this.#sleeper.stopped && clock.now() < until) await this.#sleeper.sleep(until - clock.now());
  }

  async #install(token: CurrentToken): Promise<void> {
    const previous = this.#current;
    this.#current = token;
    this.#invalidated = false;
    if (token.token !== this.#lastSunk) {
      for (const sink of this.#deps.sinks) {
        try {
          await this.#deps.writeSink(sink.path, token.token, sink.mode);
        } catch (err) {
          this.#deps.log.error(
            { event: 'sink-failed', path: sink.path, err: errSummary(err) },
            'token sink write failed',
          );
        }
      }
      this.#lastSunk = token.token;
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(token.token);
    if (previous?.token !== token.token) for (const l of this.#listeners) l(token, previous);
  }

  /** LifetimeWatcher: returns when it is time to log in again. */
  async #watch(token: CurrentToken): Promise<void> {
    const { client, clock, random, log } = this.#deps;
    if (token.expiresAt === Infinity && !token.renewable) {
      if (!this.#deps.once) await this.#sleeper.sleep(2_147_483_647);
      return;
    }
    let grace = graceMs(token.leaseSeconds, random);
    let prior = token.leaseSeconds;
    let delay = 0;
    let errors = 0;
    for (;;) {
      if (this.#invalidated || this.#sleeper.stopped) return;
      if (delay > 0 && !(await this.#sleeper.sleep(delay))) return;
      if (!token.renewable) {
        if (this.#deps.once) return;
        await this.#sleeper.sleep(nonRenewableTokenDelay((token.expiresAt - clock.now()) / 1000));
        return;
      }
      try {
        const r = await client.renewSelf(token.token);
        errors = 0;
        if (r.leaseDuration > prior) grace = graceMs(r.leaseDuration, random);
        prior = r.leaseDuration;
        this.#current = { ...token, expiresAt: clock.now() + r.leaseDuration * 1000 };
        log.debug({ event: 'token-renewed', ttl: r.leaseDuration }, 'renewed auth token');
        if (this.#deps.once) return;
        const step = afterRenewal(r.leaseDuration, grace);
        if (step.action === 'expire') {
          log.info({ event: 'token-max-ttl', ttl: r.leaseDuration }, 'token near its max TTL; logging in again');
          return;
        }
        delay = step.delayMs;
      } catch (err) {
        if (this.#deps.once) return;
        if (err instanceof VaultError && err.invalidToken) return;
        if (err instanceof VaultError && (err.status === 403 || err.status === 400)) {
          // No permission for renew-self, or not renewable: treat as non-renewable (vault#22575).
          log.warn(
            { event: 'token-renew-refused', err: errSummary(err) },
            'token cannot be renewed; will log in again before it expires',
          );
          await this.#sleeper.sleep(nonRenewableTokenDelay(Math.max(0, (token.expiresAt - clock.now()) / 1000)));
          return;
        }
        const step = afterRenewalError(errors++, (this.#current?.expiresAt ?? 0) - clock.now(), random);
        log.warn(
          {
            event: 'token-renew-failed',
            err: errSummary(err),
            ...(step.action === 'sleep' ? { retryInMs: step.delayMs } : {}),
          },
          'token renewal failed',
        );
        if (step.action === 'expire') return;
        delay = step.delayMs;
      }
    }
  }
}

/** Log-safe error fields: code, status, path and message (messages never carry secrets). */
export function errSummary(err: unknown): Record<string, unknown> {
  const e = toError(err);
  // Without a prototype: pino's `err` serializer takes any object with a message for an error and
  // would overwrite `type` with its constructor's name ("Object").
  return Object.assign(Object.create(null) as Record<string, unknown>, {
    type: e.name,
    message: e.message,
    ...(err instanceof VaultError ? { status: err.status, path: err.path } : {}),
  });
}
