import { describe, expect, it } from '@jest/globals';
import { TokenManager } from './token-manager.ts';
import { VaultClient } from '../vault/client.ts';
import { InMemoryVault } from '../../test/fakes/in-memory-vault.ts';
import { ManualClock, settle } from '../../test/fakes/manual-clock.ts';
import { agentSettings } from '../../test/fakes/agent-settings.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import type { VaultHttpRequest, VaultHttpResponse, VaultTransport } from '../vault/client.ts';
import { kubernetesMethod } from './methods/kubernetes.ts';

/** Counts logins; after `limit` of them it stops answering, so a login loop ends instead of hanging the test. */
class LoginCounter implements VaultTransport {
  logins = 0;
  readonly #inner: VaultTransport;
  readonly #limit: number;
  constructor(inner: VaultTransport, limit: number) {
    this.#inner = inner;
    this.#limit = limit;
  }
  send(request: VaultHttpRequest): Promise<VaultHttpResponse> {
    if (request.path.endsWith('/login') && ++this.logins > this.#limit) return new Promise(() => undefined);
    return this.#inner.send(request);
  }
  close(): void {}
}

function setup(
  vaultOptions: ConstructorParameters<typeof InMemoryVault>[1],
  options: { once?: boolean; jwt?: () => string | undefined; exitOnErr?: boolean } = {},
) {
  const clock = new ManualClock();
  const vault = new InMemoryVault(clock, vaultOptions);
  const transport = new LoginCounter(vault, 200);
  const sinks: { path: string; token: string; mode: number }[] = [];
  const logs = createLogSink('trace');
  let jwtReads = 0;
  const auth = { ...agentSettings().auth, exitOnErr: options.exitOnErr ?? false };
  const files = {
    read:
      options.jwt ??
      (() => {
        jwtReads++;
        return ' jwt-fixture\n';
      }),
    remove: () => undefined,
  };
  const manager = new TokenManager({
    client: new VaultClient({ transport, clock, random: () => 0.5 }),
    clock,
    random: () => 0.5,
    log: logs.log,
    auth,
    sinks: [
      { path: '/a', mode: 0o640 },
      { path: '/b', mode: 0o600 },
    ],
    method: kubernetesMethod(auth, files),
    writeSink: (path, token, mode) => {
      sinks.push({ path, token, mode });
      return Promise.resolve(true);
    },
    once: options.once ?? false,
  });
  return { clock, vault, transport, sinks, manager, logs, jwtReads: () => jwtReads };
}

describe('TokenManager', () => {
  it('logs in, writes every sink, renews at once and then every ⅔·TTL + ⅓·grace with exact delays', async () => {
    const t = setup({ tokenTtl: 60, tokenMaxTtl: 3600 });
    await t.manager.start({ onFatal: () => undefined });
    expect(t.sinks).toEqual([
      { path: '/a', token: 'hvs.token-1', mode: 0o640 },
      { path: '/b', token: 'hvs.token-1', mode: 0o600 },
    ]);
    await settle();
    expect(t.vault.count('PUT', 'auth/token/renew-self')).toBe(1);
    // grace = 6 s + 0.5·6 s = 9 s; sleep = 40 s + 3 s = 43 s.
    expect(t.clock.pending()).toEqual([43_000]);
    await t.clock.advance(43_000);
    expect(t.vault.count('PUT', 'auth/token/renew-self')).toBe(2);
    expect(t.clock.pending()).toEqual([43_000]);
    t.manager.stop();
    expect(t.clock.pending()).toEqual([]);
  });

  it('logs in again when renewals stop extending the token (max TTL), re-reading the JWT file', async () => {
    const t = setup({ tokenTtl: 60, tokenMaxTtl: 100 });
    const tokens: string[] = [];
    t.manager.onToken((tok) => tokens.push(tok.token));
    await t.manager.start({ onFatal: () => undefined });
    await t.clock.advance(43_000); // renew → 57 s left (max 100 s): 57 > 36 → sleep 41 s
    await t.clock.advance(41_000); // at 84 s: 16 s left ≤ 4·grace → log in again
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(2);
    expect(tokens).toEqual(['hvs.token-1', 'hvs.token-2']);
    expect(t.jwtReads()).toBe(2);
    expect(t.sinks.map((s) => s.token)).toEqual(['hvs.token-1', 'hvs.token-1', 'hvs.token-2', 'hvs.token-2']);
    t.manager.stop();
  });

  it('logs in again at once when templating reports "invalid token"', async () => {
    const t = setup({ tokenTtl: 60, tokenMaxTtl: 3600 });
    await t.manager.start({ onFatal: () => undefined });
    await settle();
    t.manager.invalidate('not-the-current-token');
    await settle();
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(1);
    t.manager.invalidate('hvs.token-1');
    expect(await t.manager.token()).toBe('hvs.token-2');
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(2);
    t.manager.stop();
  });

  it('backs off renewal errors (10 s, ±50 %) but never past the lease end, then logs in again', async () => {
    const t = setup({ tokenTtl: 60, tokenMaxTtl: 3600 });
    await t.manager.start({ onFatal: () => undefined });
    await settle();
    t.vault.sealed = true;
    await t.clock.advance(43_000); // renewal fails: 17 s left → wait 10 s
    expect(t.clock.pending()).toEqual([10_000]);
    await t.clock.advance(10_000); // fails: 7 s left → wait min(20 s, 7 s)
    expect(t.clock.pending()).toEqual([7_000]);
    t.vault.sealed = false;
    await t.clock.advance(7_000);
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(2);
    t.manager.stop();
  });

  it('rejects start() with the login problem under exit_on_err, naming mount and role, never the JWT', async () => {
    const t = setup({}, { exitOnErr: true, jwt: () => 'wrong-jwt-SENTINEL' });
    await expect(t.manager.start({ onFatal: () => undefined })).rejects.toThrow(
      'login to auth/kubernetes as role "app" failed: vault auth/kubernetes/login: status 403: permission denied',
    );
    expect(t.logs.lines.join('')).not.toContain('SENTINEL');
  });

  it('logs a failed login with the error class, status and path (not "Object")', async () => {
    const t = setup({}, { jwt: () => 'wrong-jwt' });
    void t.manager.start({ onFatal: () => undefined });
    await settle();
    const failed = t.logs.entries().find((e) => e['event'] === 'login-failed');
    expect(failed?.['err']).toMatchObject({
      type: 'VaultError',
      message: 'vault auth/kubernetes/login: status 403: permission denied',
      status: 403,
      path: 'auth/kubernetes/login',
    });
    t.manager.stop();
  });

  it('names the token file when it cannot be read', async () => {
    const t = setup({}, { exitOnErr: true, jwt: () => undefined });
    await expect(t.manager.start({ onFatal: () => undefined })).rejects.toThrow(
      'login to auth/kubernetes as role "app" failed: cannot read the service-account token file /sa/token (it does not exist)',
    );
  });

  it('in init mode renews once and stops renewing', async () => {
    const t = setup({ tokenTtl: 60, tokenMaxTtl: 3600 }, { once: true });
    await t.manager.start({ onFatal: () => undefined });
    await t.manager.firstRenewal();
    await t.clock.advance(3_600_000);
    expect(t.vault.count('PUT', 'auth/token/renew-self')).toBe(1);
    t.manager.stop();
  });

  it('backs off logins when Vault hands out tokens with lease_duration 0 instead of looping', async () => {
    // TTL 0: the login says lease_duration 0 and the token is dead at once (renew-self: invalid token).
    const t = setup({ tokenTtl: 0, tokenMaxTtl: 0 });
    await t.manager.start({ onFatal: () => undefined });
    await t.clock.advance(2_000);
    // Each next login waits: 875 ms (1 s less 12.5 %), then 1750 ms: two logins in 2 s.
    expect(t.transport.logins).toBe(2);
    expect(t.clock.pending()).toEqual([625]);
    await t.clock.advance(60_000);
    expect(t.transport.logins).toBeLessThanOrEqual(8);
    expect(t.logs.lines.join('')).toContain('"event":"token-short-lived"');
    t.manager.stop();
  });
});
