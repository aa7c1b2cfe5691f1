import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../test/fakes/manual-clock.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import { LeaseCache, type CachedResponse, type CacheRenewal } from './lease-cache.ts';
import { cacheableResponse } from './cacheable.ts';
import { cacheKey } from './cache-key.ts';

const SENTINEL = 'sentinel-Zc81-token';

/** Vault as the renewals see it: each lease has a remaining TTL; renew extends it up to a max. */
class LeaseTable implements CacheRenewal {
  readonly calls: string[] = [];
  failing = false;
  readonly clock: ManualClock;
  readonly maxEnd: number;
  constructor(clock: ManualClock, maxEnd: number) {
    this.clock = clock;
    this.maxEnd = maxEnd;
  }
  lease(_token: string, leaseId: string): Promise<number> {
    this.calls.push(`lease ${leaseId}`);
    if (this.failing) return Promise.reject(new Error('status 503'));
    return Promise.resolve(Math.max(0, Math.min(60, (this.maxEnd - this.clock.now()) / 1000)));
  }
  token(token: string): Promise<number> {
    this.calls.push(`token ${token === SENTINEL ? 'child' : '?'}`);
    return Promise.resolve(60);
  }
}

const response = (clock: ManualClock, body = '{"lease_id":"db/creds/app/1"}'): CachedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(body),
  storedAt: clock.now(),
});

function setUp(maxEnd = Infinity): { clock: ManualClock; table: LeaseTable; cache: LeaseCache; lines: string[] } {
  const clock = new ManualClock();
  const table = new LeaseTable(clock, maxEnd === Infinity ? Infinity : clock.now() + maxEnd);
  const sink = createLogSink();
  return {
    clock,
    table,
    cache: new LeaseCache({ clock, random: () => 0, renew: table, log: sink.log, maxEntries: 2, maxBodyBytes: 100 }),
    lines: sink.lines,
  };
}

describe('lease cache', () => {
  it('renews a cached lease at once and on the ⅔ rule, and serves it until the lease stops extending', async () => {
    const { clock, table, cache } = setUp(200_000);
    expect(
      cache.store('k', response(clock), {
        requestToken: 't',
        requestPath: '/v1/db/creds/app',
        leaseId: 'db/creds/app/1',
        leaseDuration: 60,
      }),
    ).toBe(true);
    await clock.advance(0);
    expect(table.calls).toEqual(['lease db/creds/app/1']);
    // 60 s left, grace 6 s: next renewal at ⅔·60 + 2 = 42 s.
    expect(clock.pending()).toEqual([42_000]);
    await clock.advance(42_000);
    expect(table.calls).toHaveLength(2);
    expect(cache.get('k')?.body.toString()).toBe('{"lease_id":"db/creds/app/1"}');
    // Max TTL at 200 s: renewals stop extending it, the entry leaves; the next request goes to Vault.
    await clock.advance(200_000);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops an entry whose renewals keep failing until its lease is over', async () => {
    const { clock, table, cache, lines } = setUp();
    table.failing = true;
    cache.store('k', response(clock), {
      requestToken: SENTINEL,
      requestPath: '/v1/db/creds/app',
      leaseId: 'l1',
      leaseDuration: 30,
    });
    await clock.advance(29_000);
    expect(cache.get('k')).toBeDefined();
    await clock.advance(2_000);
    expect(cache.get('k')).toBeUndefined();
    expect(lines.join('\n')).not.toContain(SENTINEL);
  });

  it('renews a created token with itself; clears by lease, token, accessor, path or all', async () => {
    const { clock, table, cache } = setUp();
    cache.store('a', response(clock), {
      requestToken: 't',
      requestPath: '/v1/auth/token/create',
      createdToken: SENTINEL,
      createdAccessor: 'acc',
      leaseDuration: 60,
    });
    cache.store('b', response(clock), {
      requestToken: 't',
      requestPath: '/v1/db/creds/app',
      leaseId: 'l1',
      leaseDuration: 60,
    });
    await clock.advance(0);
    expect(table.calls).toEqual(['token child', 'lease l1']);
    expect(cache.clear({ type: 'token_accessor', value: 'acc' })).toBe(1);
    expect(cache.clear({ type: 'request_path', value: '/v1/db/' })).toBe(1);
    cache.store('c', response(clock), { requestToken: 't', requestPath: '/v1/x', leaseId: 'l2', leaseDuration: 60 });
    expect(cache.clear({ type: 'lease', value: 'other' })).toBe(0);
    expect(cache.clear({ type: 'token', value: 't' })).toBe(1);
    cache.store('d', response(clock), { requestToken: 't', requestPath: '/v1/x', leaseId: 'l3', leaseDuration: 60 });
    expect(cache.clear({ type: 'all' })).toBe(1);
    expect(clock.pending()).toEqual([]);
  });

  it('stays bounded in bytes: keys and bodies together', () => {
    const clock = new ManualClock();
    const cache = new LeaseCache({
      clock,
      random: () => 0,
      renew: new LeaseTable(clock, Infinity),
      log: createLogSink().log,
      maxTotalBytes: 100,
    });
    const about = { requestToken: 't', requestPath: '/v1/x', leaseId: 'l', leaseDuration: 60 };
    expect(cache.store('k1', response(clock, 'x'.repeat(40)), about)).toBe(true);
    expect(cache.store('k2', response(clock, 'x'.repeat(40)), about)).toBe(true);
    expect(cache.store('k3', response(clock, 'x'.repeat(40)), about)).toBe(false);
    expect(cache.clear({ type: 'all' })).toBe(2);
    expect(cache.store('k3', response(clock, 'x'.repeat(40)), about)).toBe(true);
    cache.stop();
  });

  it('stays bounded: entry count and body size', () => {
    const { clock, cache } = setUp();
    const about = { requestToken: 't', requestPath: '/v1/x', leaseId: 'l', leaseDuration: 60 };
    expect(cache.store('big', response(clock, 'x'.repeat(101)), about)).toBe(false);
    expect([
      cache.store('1', response(clock), about),
      cache.store('2', response(clock), about),
      cache.store('3', response(clock), about),
    ]).toEqual([true, true, false]);
    expect(cache.size).toBe(2);
  });
});

describe('what the cache keeps', () => {
  const req = { token: 't', path: '/v1/x' };
  it('keeps renewable leases and renewable created tokens, nothing else', () => {
    expect(cacheableResponse(200, { lease_id: 'l', renewable: true, lease_duration: 60 }, req)).toEqual({
      requestToken: 't',
      requestPath: '/v1/x',
      leaseId: 'l',
      leaseDuration: 60,
    });
    expect(cacheableResponse(200, { lease_id: 'l', renewable: false, lease_duration: 60 }, req)).toBeUndefined();
    expect(cacheableResponse(200, { lease_id: '', data: { password: 'p' } }, req)).toBeUndefined();
    expect(cacheableResponse(404, { lease_id: 'l', renewable: true, lease_duration: 60 }, req)).toBeUndefined();
    expect(
      cacheableResponse(
        200,
        { lease_id: '', auth: { client_token: 'c', accessor: 'a', renewable: true, lease_duration: 30 } },
        req,
      ),
    ).toEqual({
      requestToken: 't',
      requestPath: '/v1/x',
      createdToken: 'c',
      createdAccessor: 'a',
      leaseDuration: 30,
    });
    expect(
      cacheableResponse(200, { auth: { client_token: 'c', renewable: false, lease_duration: 30 } }, req),
    ).toBeUndefined();
  });

  it('does not key requests with large bodies (they are not cached)', () => {
    expect(cacheKey('PUT', '/v1/x', {}, Buffer.alloc(64 * 1024 + 1), 't')).toBeUndefined();
    expect(cacheKey('PUT', '/v1/x', {}, Buffer.alloc(64 * 1024), 't')).toEqual(expect.any(String));
  });

  it('keys on the whole request and the token sent', () => {
    const h = { 'x-vault-request': ['true'], 'user-agent': ['app'] };
    const k = cacheKey('GET', '/v1/db/creds/app', h, Buffer.alloc(0), 't1');
    expect(
      cacheKey(
        'GET',
        '/v1/db/creds/app',
        { 'user-agent': ['app'], 'x-vault-request': ['true'], 'x-vault-index': ['i'] },
        Buffer.alloc(0),
        't1',
      ),
    ).toBe(k);
    expect(
      new Set([
        k,
        cacheKey('GET', '/v1/db/creds/app', h, Buffer.alloc(0), 't2'),
        cacheKey('PUT', '/v1/db/creds/app', h, Buffer.alloc(0), 't1'),
        cacheKey('GET', '/v1/db/creds/app?x=1', h, Buffer.alloc(0), 't1'),
        cacheKey('GET', '/v1/db/creds/app', h, Buffer.from('{}'), 't1'),
        cacheKey('GET', '/v1/db/creds/app', { ...h, 'x-vault-namespace': ['ns1'] }, Buffer.alloc(0), 't1'),
      ]).size,
    ).toBe(6);
  });
});
