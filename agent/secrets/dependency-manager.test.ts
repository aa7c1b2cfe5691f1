import { describe, expect, it } from '@jest/globals';
import { DependencyManager, type TokenSource } from './dependency-manager.ts';
import { SecretFetcher } from './fetcher.ts';
import { VaultClient } from '../vault/client.ts';
import { secretRequestKey, type SecretRequest } from '../render/engine.ts';
import { InMemoryVault } from '../../test/fakes/in-memory-vault.ts';
import { ManualClock, settle } from '../../test/fakes/manual-clock.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import type { FetchFailedError } from '../errors.ts';

const req = (path: string): SecretRequest => ({ kind: 'secret', path, params: {}, key: secretRequestKey('secret', path, {}) });

function setup(numRetries = 2) {
  const clock = new ManualClock();
  const vault = new InMemoryVault(clock, { leaseTtl: 30, leaseMaxTtl: 120, tokenTtl: 86_400, tokenMaxTtl: 86_400 });
  const client = new VaultClient({ transport: vault, clock, random: () => 0.5 });
  const changes: number[] = [];
  const failures: FetchFailedError[] = [];
  let token = '';
  const tokens: TokenSource = { token: () => Promise.resolve(token), invalidate: () => undefined };
  const deps = new DependencyManager({
    client, fetcher: new SecretFetcher(client), tokens, clock, random: () => 0.5, log: createLogSink().log,
    policy: { numRetries, retryInitialMs: 250, retryMaxMs: 60_000, staticIntervalMs: 300_000, threshold: 0.9 },
    onChange: () => changes.push(clock.now()), onFetchFailure: (e) => failures.push(e),
  });
  return { clock, vault, deps, changes, failures, login: async () => { token = (await client.login({ mountPath: 'auth/kubernetes', role: 'app', jwt: 'jwt-fixture' })).clientToken; } };
}

describe('DependencyManager', () => {
  it('fetches a path once however many callers ask at the same time', async () => {
    const t = setup();
    await t.login();
    t.vault.kv2.set('app', { a: 1 });
    await Promise.all([t.deps.ensure([req('secret/app'), req('secret/app')]), t.deps.ensure([req('secret/app')])]);
    expect(t.vault.count('GET', 'secret/data/app')).toBe(1);
    expect(t.deps.lookup(req('secret/app'))?.data).toEqual({ data: { a: 1 }, metadata: { version: 1, deletion_time: '', destroyed: false } });
    t.deps.stop();
  });

  it('retries a failed fetch 250 ms, 500 ms, ... and then reports the path', async () => {
    const t = setup(2);
    await t.login();
    const p = t.deps.ensure([req('secret/missing')]).then(() => new Error('resolved'), (e: unknown) => e as Error);
    await t.clock.advance(1000);
    expect((await p).message).toBe('no secret exists at secret/missing');
    expect(t.vault.count('GET', 'secret/data/missing')).toBe(3);
    expect(t.clock.requested).toEqual([250, 500]);
  });

  it('re-reads a KV v1 secret without ttl at the static interval, and signals the change', async () => {
    const t = setup();
    await t.login();
    t.vault.kv1.set('legacy', { k: 'v1' });
    await t.deps.ensure([req('kv/legacy')]);
    expect(t.clock.pending()).toEqual([270_000]);
    t.vault.kv1.set('legacy', { k: 'v2' });
    await t.clock.advance(270_000);
    expect(t.deps.lookup(req('kv/legacy'))?.data).toEqual({ k: 'v2' });
    expect(t.changes).toHaveLength(1);
    t.deps.stop();
  });

  it('re-reads leased secrets after a token change and stops timers of entries no template uses', async () => {
    const t = setup();
    await t.login();
    t.vault.kv2.set('app', { a: 1 });
    await t.deps.ensure([req('database/creds/app'), req('secret/app')]);
    await t.clock.advance(0);
    await t.login();
    t.deps.tokenChanged();
    await t.clock.advance(0);
    expect(t.vault.count('GET', 'database/creds/app')).toBe(2);
    expect(t.vault.count('GET', 'secret/data/app')).toBe(1);
    t.deps.retain(new Set([req('secret/app').key]));
    expect(t.clock.pending()).toEqual([270_000]);
    t.deps.stop();
    await settle();
  });

  it('keeps the last data when a re-read runs out of retries and tries again later', async () => {
    const t = setup(1);
    await t.login();
    t.vault.kv2.set('app', { a: 1 });
    await t.deps.ensure([req('secret/app')]);
    t.vault.sealed = true;
    await t.clock.advance(270_000 + 250);
    expect(t.failures.map((f) => f.path)).toEqual(['secret/app']);
    expect(t.deps.lookup(req('secret/app'))?.data).toEqual({ data: { a: 1 }, metadata: { version: 1, deletion_time: '', destroyed: false } });
    // Restart backoff 1 s reduced by 12.5 %.
    expect(t.clock.pending()).toEqual([875]);
    t.vault.sealed = false;
    await t.clock.advance(875);
    expect(t.changes).toHaveLength(1);
    t.deps.stop();
  });
});
