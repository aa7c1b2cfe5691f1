import { describe, expect, it } from '@jest/globals';
import { Runner, type RunOutcome, type RunnerDeps } from './runner.ts';
import { VaultClient } from './vault/client.ts';
import { InMemoryVault } from '../test/fakes/in-memory-vault.ts';
import { ManualClock, settle } from '../test/fakes/manual-clock.ts';
import { MemoryOutput } from '../test/fakes/memory-output.ts';
import { placeholderEngine } from '../test/fakes/placeholder-engine.ts';
import { agentSettings, templateSettings } from '../test/fakes/agent-settings.ts';
import { createLogSink } from '../test/helpers/log-sink.ts';
import type { AgentSettings } from './config/settings.ts';

const SENTINEL = 'S3NT1NEL-do-not-log';
const fixedRandom = (): number => 0.5;

function setup(overrides: Partial<AgentSettings> = {}, vaultOptions: ConstructorParameters<typeof InMemoryVault>[1] = {}) {
  const clock = new ManualClock();
  const vault = new InMemoryVault(clock, vaultOptions);
  const output = new MemoryOutput();
  const sink = createLogSink('trace');
  const files = new Map<string, string>([['/sa/token', 'jwt-fixture\n']]);
  const readyMarks: string[] = [];
  const deps = (s: Partial<AgentSettings> = overrides): RunnerDeps => ({
    settings: agentSettings(s),
    client: new VaultClient({ transport: vault, clock, random: fixedRandom }),
    clock, random: fixedRandom, log: sink.log,
    readFile: (p) => {
      const stored = output.read(p) ?? files.get(p);
      if (stored === undefined) throw new Error(`ENOENT ${p}`);
      return stored;
    },
    output,
    markReady: (p) => { readyMarks.push(p); return Promise.resolve(); },
    engines: () => Promise.resolve(placeholderEngine),
    env: () => undefined,
  });
  const make = (s: Partial<AgentSettings> = overrides) => new Runner(deps(s));
  return { clock, vault, output, sink, files, readyMarks, make, deps };
}

const dbTemplate = templateSettings(0, '/vault/secrets/db', 'user=[[database/creds/app#Data.username]] pw=[[database/creds/app#Data.password]]\n');
const kvTemplate = templateSettings(1, '/vault/secrets/kv', 'pw=[[secret/app#Data.data.password]]\n', { command: 'reload-app' });
const kvTwice = templateSettings(2, '/vault/secrets/kv-again', '[[secret/app#Data.data.password]]/[[secret/app#Data.data.password]]\n');

describe('Runner in init mode (exit_after_auth)', () => {
  it('logs in, renews once, fetches each distinct path once, writes every file and exits 0', async () => {
    const t = setup({ exitAfterAuth: true, templates: [dbTemplate, kvTemplate, kvTwice], readyFile: '/state/ready' });
    t.vault.kv2.set('app', { password: SENTINEL });
    const outcome = await t.make().run();
    expect(outcome).toEqual({ code: 0 });
    expect(t.output.read('/vault/secrets/db')).toBe('user=user-2 pw=pw-2\n');
    expect(t.output.read('/vault/secrets/kv')).toBe(`pw=${SENTINEL}\n`);
    expect(t.output.read('/vault/secrets/kv-again')).toBe(`${SENTINEL}/${SENTINEL}\n`);
    expect(t.output.files.get('/home/vault/.vault-token')).toEqual({ content: 'hvs.token-1', mode: 0o640 });
    expect(t.output.commands).toEqual(['reload-app']);
    expect(t.readyMarks).toEqual(['/state/ready']);
    expect([...t.vault.requests].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { method: 'PUT', path: 'auth/kubernetes/login' },
      { method: 'PUT', path: 'auth/token/renew-self' },
      { method: 'GET', path: 'database/creds/app' },
      { method: 'GET', path: 'secret/data/app' },
      { method: 'GET', path: 'sys/internal/ui/mounts/database/creds/app' },
      { method: 'GET', path: 'sys/internal/ui/mounts/secret/app' },
    ]);
    expect(t.sink.lines.join('\n')).not.toContain(SENTINEL);
    expect(t.sink.lines.join('\n')).not.toContain('hvs.token-1');
  });

  it('sends the login before loading a template engine, and lets I/O run before each template compiles', async () => {
    const t = setup();
    t.vault.kv2.set('app', { password: SENTINEL });
    const seenAtLoad: string[][] = [];
    let yields = 0;
    const yieldsAtLoad: number[] = [];
    const runner = new Runner({
      ...t.deps({ exitAfterAuth: true, templates: [dbTemplate, kvTemplate] }),
      engines: () => {
        seenAtLoad.push(t.vault.requests.map((r) => r.path));
        yieldsAtLoad.push(yields);
        return Promise.resolve(placeholderEngine);
      },
      yieldToIo: () => {
        yields += 1;
        return new Promise((resolve) => setImmediate(resolve));
      },
    });
    expect(await runner.run()).toEqual({ code: 0 });
    // The login request is out before the first engine load (the CPU work it overlaps).
    expect(seenAtLoad[0]?.[0]).toBe('auth/kubernetes/login');
    expect(seenAtLoad).toHaveLength(2);
    // A turn before each template (the fetcher takes its own later, after the preflight).
    expect(yieldsAtLoad).toEqual([1, 2]);
  });

  it('exits 1 naming the path when a secret does not exist, after the configured retries', async () => {
    const t = setup({ exitAfterAuth: true, templates: [kvTemplate] });
    const run = t.make().run();
    await t.clock.advance(10_000);
    const outcome: RunOutcome = await run;
    expect(outcome.code).toBe(1);
    expect(outcome.error?.message).toBe('1 template(s) not rendered:\n  /vault/secrets/kv: no secret exists at secret/app');
    expect(t.vault.count('GET', 'secret/data/app')).toBe(3);
    expect(t.output.files.has('/vault/secrets/kv')).toBe(false);
  });

  it('exits 1 with the login problem when exit_on_err is set', async () => {
    const t = setup({ exitAfterAuth: true, templates: [kvTemplate], auth: { ...agentSettings().auth, role: 'wrong', exitOnErr: true } });
    const outcome = await t.make().run();
    expect(outcome.code).toBe(1);
    expect(outcome.error?.message).toBe('login to auth/kubernetes as role "wrong" failed: vault auth/kubernetes/login: status 400: invalid role name "wrong"');
  });

  it('retries login with the auto-auth backoff when exit_on_err is not set', async () => {
    const t = setup({ exitAfterAuth: true, templates: [kvTemplate] });
    t.vault.kv2.set('app', { password: 'x' });
    t.vault.dropNext = 3;
    const run = t.make().run();
    await t.clock.advance(10_000);
    expect((await run).code).toBe(0);
    // Random 0.5 takes off 12.5 %: 875, 1750, 3500 ms.
    expect(t.clock.requested.slice(0, 3)).toEqual([875, 1750, 3500]);
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(4);
  });
});

describe('Runner as a sidecar', () => {
  it('renews the dynamic lease on the ⅔ rule, re-reads it when it stops extending, re-renders and reruns nothing else', async () => {
    const t = setup({ templates: [dbTemplate] }, { leaseTtl: 30, leaseMaxTtl: 90, tokenTtl: 600, tokenMaxTtl: 6000 });
    const runner = t.make();
    const run = runner.run();
    await t.clock.advance(0);
    expect(t.output.read('/vault/secrets/db')).toBe('user=user-2 pw=pw-2\n');
    expect(t.vault.count('PUT', 'sys/leases/renew')).toBe(1); // immediately after the first read
    // grace = 0.15·30 s = 4.5 s; sleep = 20 s + 1.5 s = 21.5 s.
    await t.clock.advance(21_500);
    expect(t.vault.count('PUT', 'sys/leases/renew')).toBe(2);
    await t.clock.advance(21_500 * 2);
    // At t=64.5 s the lease (max 90 s) has 25.5 s left; next renew at 86 s returns 4 s → re-read.
    await t.clock.advance(30_000);
    expect(t.vault.count('GET', 'database/creds/app')).toBe(2);
    expect(t.output.read('/vault/secrets/db')).toBe('user=user-3 pw=pw-3\n');
    runner.stop();
    expect(await run).toEqual({ code: 0 });
    expect(t.clock.pending()).toEqual([]);
  });

  it('logs in again near the token max TTL and re-reads leased secrets, keeping static ones', async () => {
    const t = setup({ templates: [dbTemplate, kvTemplate] }, { tokenTtl: 30, tokenMaxTtl: 60, leaseTtl: 600, leaseMaxTtl: 6000 });
    t.vault.kv2.set('app', { password: 'static' });
    const runner = t.make();
    const run = runner.run();
    await t.clock.advance(0);
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(1);
    await t.clock.advance(60_000);
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(2);
    expect(t.output.files.get('/home/vault/.vault-token')?.content).toBe('hvs.token-3');
    expect(t.vault.count('GET', 'database/creds/app')).toBe(2);
    expect(t.vault.count('GET', 'secret/data/app')).toBe(1);
    runner.stop();
    await run;
  });

  it('picks up a changed static secret at the static interval and runs the command only on change', async () => {
    const t = setup({ templates: [kvTemplate] });
    t.vault.kv2.set('app', { password: 'one' });
    const runner = t.make();
    const run = runner.run();
    await t.clock.advance(0);
    expect(t.output.commands).toEqual(['reload-app']);
    await t.clock.advance(270_000); // 300 s × 0.9
    expect(t.vault.count('GET', 'secret/data/app')).toBe(2);
    expect(t.output.commands).toEqual(['reload-app']);
    t.vault.kv2.set('app', { password: 'two' });
    await t.clock.advance(270_000);
    expect(t.output.read('/vault/secrets/kv')).toBe('pw=two\n');
    expect(t.output.commands).toEqual(['reload-app', 'reload-app']);
    runner.stop();
    await run;
  });

  it('keeps the last files while Vault is sealed and recovers when it is back', async () => {
    const t = setup({ templates: [kvTemplate], vault: { ...agentSettings().vault, numRetries: 12 } });
    t.vault.kv2.set('app', { password: 'one' });
    const runner = t.make();
    const run = runner.run();
    await t.clock.advance(0);
    t.vault.sealed = true;
    t.vault.kv2.set('app', { password: 'two' });
    await t.clock.advance(270_000 + 10_000);
    expect(t.output.read('/vault/secrets/kv')).toBe('pw=one\n');
    const during = t.vault.requests.length;
    t.vault.sealed = false;
    await t.clock.advance(60_000);
    expect(t.output.read('/vault/secrets/kv')).toBe('pw=two\n');
    // Backoff, not a tight loop: a handful of requests over 70 s.
    expect(during).toBeLessThan(30);
    runner.stop();
    await run;
  });

  it('logs in again when a fetch is refused with "invalid token" (self-healing) and carries on', async () => {
    const t = setup({ templates: [kvTemplate] }, { tokenTtl: 3600, tokenMaxTtl: 36_000 });
    t.vault.kv2.set('app', { password: 'one' });
    const runner = t.make();
    const run = runner.run();
    await t.clock.advance(0);
    for (const tok of t.vault.tokens.values()) tok.revoked = true;
    t.vault.kv2.set('app', { password: 'two' });
    await t.clock.advance(270_000 + 250);
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(2);
    expect(t.output.read('/vault/secrets/kv')).toBe('pw=two\n');
    expect(t.sink.entries().map((e) => e['event'])).toContain('token-invalid');
    runner.stop();
    await run;
  });

  it('exits 1 naming the path when a re-read runs out of retries and exit_on_retry_failure is set', async () => {
    const t = setup({ templates: [kvTemplate], templateConfig: { ...agentSettings().templateConfig, exitOnRetryFailure: true }, vault: { ...agentSettings().vault, numRetries: 1 } });
    t.vault.kv2.set('app', { password: 'one' });
    const run = t.make().run();
    await t.clock.advance(0);
    t.vault.sealed = true;
    await t.clock.advance(270_000 + 250);
    const outcome = await run;
    expect(outcome.code).toBe(1);
    expect(outcome.error?.message).toBe('fetching secret/app failed after 2 attempt(s): vault secret/data/app: status 503: Vault is sealed');
    expect(t.output.read('/vault/secrets/kv')).toBe('pw=one\n');
  });

  it('revokes its token on shutdown when asked', async () => {
    const t = setup({ templates: [dbTemplate], revokeOnShutdown: true });
    const runner = t.make();
    const run = runner.run();
    await t.clock.advance(0);
    runner.stop();
    await run;
    expect(t.vault.count('PUT', 'auth/token/revoke-self')).toBe(1);
    expect([...t.vault.leases.values()].every((l) => l.revoked)).toBe(true);
  });
});

describe('init-to-sidecar hand-off', () => {
  it('the sidecar adopts the token and leases: no login, no new lease, no rewrite, no command', async () => {
    const state = { stateDir: '/state' };
    const t = setup({ ...state, exitAfterAuth: true, templates: [dbTemplate, kvTemplate] });
    t.vault.kv2.set('app', { password: SENTINEL });
    expect((await t.make().run()).code).toBe(0);
    expect(t.output.files.get('/state/agent-state.json')?.mode).toBe(0o600);
    const leasesAfterInit = t.vault.leases.size;
    const writes = t.output.writes.length;
    const requestsAfterInit = t.vault.requests.length;
    const sidecar = t.make({ ...state, templates: [dbTemplate, kvTemplate] });
    const run = sidecar.run();
    await t.clock.advance(0);
    expect(t.vault.leases.size).toBe(leasesAfterInit);
    expect(t.vault.requests.slice(requestsAfterInit).map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET auth/token/lookup-self', 'PUT auth/token/renew-self', 'PUT sys/leases/renew',
    ]);
    // Rendered files are unchanged, so nothing is rewritten and no command runs.
    expect(t.output.writes.slice(writes)).toEqual([]);
    expect(t.output.commands).toEqual(['reload-app']);
    sidecar.stop();
    await run;
    expect(t.sink.lines.join('\n')).not.toContain(SENTINEL);
  });

  it('falls back to a normal login when the handed-over token is no longer valid', async () => {
    const state = { stateDir: '/state' };
    const t = setup({ ...state, exitAfterAuth: true, templates: [dbTemplate] });
    expect((await t.make().run()).code).toBe(0);
    for (const tok of t.vault.tokens.values()) tok.revoked = true;
    const sidecar = t.make({ ...state, templates: [dbTemplate] });
    const run = sidecar.run();
    await settle();
    await t.clock.advance(0);
    expect(t.vault.count('PUT', 'auth/kubernetes/login')).toBe(2);
    expect(t.vault.count('GET', 'database/creds/app')).toBe(2);
    sidecar.stop();
    await run;
  });
});
