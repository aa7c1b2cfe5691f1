// sys/health, sealing, fault injection (from code and over /_test/ HTTP), and request recording.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { vaultCall } from './test-client.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let server: VaultTestServer;

beforeEach(async () => {
  server = await startVaultServer({ now: () => T0, seed: { root_token: 'root', secrets: { secret: { type: 'kv', version: 2, data: { a: { k: 'v' } } } } } });
});

afterEach(async () => {
  await server.close();
});

const read = (): Promise<number> => vaultCall(server.url, 'GET', '/v1/secret/data/a', { token: 'root' }).then((r) => r.status);
const control = (method: string, name: string, body?: unknown, token = 'root'): Promise<{ status: number; body: unknown }> =>
  vaultCall(server.url, method, `/_test/${name}`, { token, ...(body === undefined ? {} : { body }) }).then((r) => ({ status: r.status, body: r.body }));

describe('sys/health', () => {
  it('answers 200 with Vault\'s body when active', async () => {
    const res = await vaultCall(server.url, 'GET', '/v1/sys/health');
    const b = res.body as { cluster_name: string; cluster_id: string };
    expect(b.cluster_name).toMatch(/^vault-cluster-[0-9a-f]{8}$/);
    expect(res.text).toBe(
      `{"initialized":true,"sealed":false,"standby":false,"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":${T0 / 1000},"version":"1.17.3","enterprise":false,"cluster_name":"${b.cluster_name}","cluster_id":"${b.cluster_id}","echo_duration_ms":0,"clock_skew_ms":0,"replication_primary_canary_age_ms":0}\n`,
    );
  });

  it('answers 503 without cluster fields when sealed, and honours the code overrides', async () => {
    server.faults.seal();
    const res = await vaultCall(server.url, 'GET', '/v1/sys/health');
    expect({ status: res.status, text: res.text }).toEqual({
      status: 503,
      text: `{"initialized":true,"sealed":true,"standby":true,"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":${T0 / 1000},"version":"1.17.3","enterprise":false,"echo_duration_ms":0,"clock_skew_ms":0,"replication_primary_canary_age_ms":0}\n`,
    });
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health?sealedcode=299')).status).toBe(299);
  });

  it('answers 429 as a standby unless standbyok', async () => {
    server.faults.setStandby(true);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health')).status).toBe(429);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health?standbyok=true')).status).toBe(200);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health?standbycode=299')).status).toBe(299);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health?activecode=204')).status).toBe(429);
  });

  it('answers HEAD with the status only', async () => {
    server.faults.seal();
    const res = await vaultCall(server.url, 'HEAD', '/v1/sys/health');
    expect({ status: res.status, text: res.text }).toEqual({ status: 503, text: '' });
  });
});

describe('faults', () => {
  it('sealed: every other request gets 503 Vault is sealed until unsealed', async () => {
    server.faults.seal();
    const res = await vaultCall(server.url, 'GET', '/v1/secret/data/a', { token: 'root' });
    expect({ status: res.status, text: res.text }).toEqual({ status: 503, text: '{"errors":["Vault is sealed"]}\n' });
    server.faults.unseal();
    expect(await read()).toBe(200);
  });

  it('failNext fails exactly the next N requests, sys/health excepted', async () => {
    server.faults.failNext(2);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health')).status).toBe(200);
    const res = await vaultCall(server.url, 'GET', '/v1/secret/data/a', { token: 'root' });
    expect({ status: res.status, body: res.body }).toEqual({ status: 500, body: { errors: ['internal error'] } });
    expect([await read(), await read()]).toEqual([500, 200]);
  });

  it.each([
    [429, { errors: ['request path "secret/data/a": rate limit quota exceeded'] }, { 'retry-after': '1' }],
    [503, { errors: ['Vault is sealed'] }, {}],
    [502, { errors: ['upstream connection error'] }, {}],
    [412, { errors: ['required index state not present'] }, {}],
  ])('failNext with %s answers like Vault', async (status, body, headers: Record<string, string>) => {
    server.faults.failNext(1, status);
    const res = await vaultCall(server.url, 'GET', '/v1/secret/data/a', { token: 'root' });
    expect({ status: res.status, body: res.body }).toEqual({ status, body });
    for (const [k, v] of Object.entries(headers)) expect(res.headers.get(k)).toBe(v);
  });

  it('failNext with 307 redirects to the same URL', async () => {
    server.faults.failNext(1, 307);
    const res = await fetch(`${server.url}/v1/secret/data/a?x=1`, { headers: { 'x-vault-token': 'root' }, redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([307, `${server.url}/v1/secret/data/a?x=1`]);
    expect(await read()).toBe(200);
  });

  it('rejects nonsense fault settings', () => {
    expect(() => { server.faults.failNext(-1); }).toThrow(RangeError);
    expect(() => { server.faults.failNext(1, 200); }).toThrow(RangeError);
    expect(() => { server.faults.setLatency(-5); }).toThrow(RangeError);
  });

  it('latency delays answers by at least the set time', async () => {
    server.faults.setLatency(150);
    const start = performance.now();
    expect(await read()).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('reset unseals and clears failures', async () => {
    server.faults.seal();
    server.faults.failNext(5);
    server.faults.setStandby(true);
    server.faults.reset();
    expect(await read()).toBe(200);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health')).status).toBe(200);
  });
});

describe('request recording', () => {
  it('records method, path without query, time and status, never bodies or tokens', async () => {
    await vaultCall(server.url, 'PUT', '/v1/secret/data/b?x=secret-query', { token: 'root', body: { data: { password: 'sentinel-body' } } });
    await vaultCall(server.url, 'GET', '/v1/sys/health');
    await control('GET', 'requests');
    expect(server.requests).toEqual([
      { method: 'PUT', path: '/v1/secret/data/b', time: T0, status: 200 },
      { method: 'GET', path: '/v1/sys/health', time: T0, status: 200 },
    ]);
    expect(JSON.stringify(server.requests)).not.toMatch(/sentinel|secret-query|root/);
  });

  it('serves the raw LIST method on a keep-alive-less connection', async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/v1/secret/metadata/`, { method: 'LIST', headers: { 'x-vault-token': 'root' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }); });
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect((JSON.parse(text) as { data: unknown }).data).toEqual({ keys: ['a'] });
  });
});

describe('/_test/ controls over HTTP', () => {
  it('need the root token', async () => {
    expect(await control('POST', 'seal', undefined, 'not-root')).toEqual({ status: 403, body: { errors: ['permission denied'] } });
    expect(await read()).toBe(200);
  });

  it('seal, unseal, fail-next, latency, standby, reset, revoke-all-tokens', async () => {
    expect(await control('POST', 'seal')).toEqual({ status: 204, body: undefined });
    expect(await read()).toBe(503);
    expect((await control('POST', 'unseal')).status).toBe(204);
    expect((await control('POST', 'fail-next', { count: 1, status: 502 })).status).toBe(204);
    expect([await read(), await read()]).toEqual([502, 200]);
    expect(await control('POST', 'fail-next', { count: 'x' })).toEqual({ status: 400, body: { errors: ['failNext: count must be a non-negative integer'] } });
    expect((await control('POST', 'latency', { ms: 0 })).status).toBe(204);
    expect((await control('POST', 'standby', { standby: true })).status).toBe(204);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/health')).status).toBe(429);
    expect((await control('POST', 'reset')).status).toBe(204);
    expect((await control('POST', 'revoke-all-tokens')).status).toBe(204);
    expect(await read()).toBe(200);
  });

  it('writes KV data and lists leases, tokens and requests', async () => {
    expect((await control('PUT', 'kv', { mount: 'secret', path: 'a', data: { k: 'v2' } })).status).toBe(204);
    const res = await vaultCall(server.url, 'GET', '/v1/secret/data/a', { token: 'root' });
    expect((res.body as { data: unknown }).data).toMatchObject({ data: { k: 'v2' }, metadata: { version: 2 } });
    expect(await control('PUT', 'kv', { mount: 'nope', path: 'a', data: {} })).toEqual({ status: 400, body: { errors: ['no KV mount at "nope"'] } });
    expect(await control('GET', 'leases')).toEqual({ status: 200, body: { leases: [] } });
    const tokens = (await control('GET', 'tokens')).body as { tokens: { expiresAt: unknown; revoked: boolean; leaseCount: number }[] };
    expect(tokens.tokens.map((t) => [t.expiresAt, t.revoked, t.leaseCount])).toEqual([[null, false, 0]]);
    expect(await control('GET', 'requests')).toEqual({ status: 200, body: { requests: [{ method: 'GET', path: '/v1/secret/data/a', time: T0, status: 200 }] } });
    expect((await control('GET', 'nothing')).status).toBe(404);
  });
});

describe('routing', () => {
  it('answers unknown routes 404 with Vault\'s text, a bad JSON body 400, paths outside /v1 404', async () => {
    const nomount = await vaultCall(server.url, 'GET', '/v1/nomount/data/x/y', { token: 'root' });
    expect({ status: nomount.status, body: nomount.body }).toEqual({ status: 404, body: { errors: ['no handler for route "nomount/data/x/y". route entry not found.'] } });
    const bad = await fetch(`${server.url}/v1/secret/data/a`, { method: 'PUT', headers: { 'x-vault-token': 'root' }, body: '{"data": sentinel' });
    expect([bad.status, await bad.text()]).toEqual([400, '{"errors":["failed to parse JSON input: request body is not a JSON object"]}\n']);
    expect((await vaultCall(server.url, 'GET', '/ui/')).status).toBe(404);
  });
});
