// Dynamic database credentials with real leases: renew (capped at max_ttl), expiry, revoke, lookup,
// and the cascade from tokens to leases.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { makeServiceAccountJwt } from './jwt.ts';
import { normalizeIds, vaultCall, type CallResult } from './test-client.ts';
import { FORMATS } from './ids.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let server: VaultTestServer;

beforeEach(async () => {
  clock = T0;
  server = await startVaultServer({
    now: () => clock,
    seed: {
      secrets: { database: { type: 'database', roles: { 'db-app': { default_ttl: '30s', max_ttl: 100 } } } },
      auth: { kubernetes: { type: 'kubernetes', roles: { app: { bound_service_account_names: ['app'], bound_service_account_namespaces: ['default'], token_ttl: 600 } } } },
    },
  });
});

afterEach(async () => {
  await server.close();
});

async function appToken(): Promise<string> {
  const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role: 'app', jwt: makeServiceAccountJwt({ namespace: 'default', serviceAccount: 'app', now: clock }) } });
  return (res.body as { auth: { client_token: string } }).auth.client_token;
}

const call = (token: string, method: string, path: string, body?: unknown): Promise<CallResult> =>
  vaultCall(server.url, method, path, { token, ...(body === undefined ? {} : { body }) });

const renew = async (token: string, leaseId: string, increment = 0): Promise<{ status: number; body: unknown }> => {
  const res = await call(token, 'PUT', '/v1/sys/leases/renew', { lease_id: leaseId, increment });
  return { status: res.status, body: normalizeIds(res.body) };
};

const renewed = (leaseId: string, ttl: number, warnings: string[] | null = null): unknown => ({
  status: 200,
  body: { request_id: '<uuid>', lease_id: leaseId, renewable: true, lease_duration: ttl, data: null, wrap_info: null, warnings, auth: null, mount_type: 'system' },
});

describe('database/creds', () => {
  it('issues new credentials and a new renewable lease on every read', async () => {
    const token = await appToken();
    const a = await call(token, 'GET', '/v1/database/creds/db-app');
    const b = await call(token, 'GET', '/v1/database/creds/db-app');
    const body = normalizeIds(a.body) as { lease_id: string; data: { username: string; password: string } };
    expect(body.lease_id).toMatch(/^database\/creds\/db-app\/[A-Za-z0-9]{24}$/);
    expect(body.lease_id.split('/').pop()).toMatch(FORMATS.leaseSuffix);
    expect(body.data.username).toMatch(new RegExp(`^v-kubernet-db-app-[A-Za-z0-9]{20}-${T0 / 1000}$`));
    expect(body.data.password).toMatch(/^A1a-[A-Za-z0-9]{16}$/);
    expect(body).toEqual({
      request_id: '<uuid>', lease_id: body.lease_id, renewable: true, lease_duration: 30, data: body.data,
      wrap_info: null, warnings: null, auth: null, mount_type: 'database',
    });
    const other = b.body as typeof body;
    expect([other.lease_id === body.lease_id, other.data.username === body.data.username, other.data.password === body.data.password]).toEqual([false, false, false]);
    expect(server.leases()).toEqual([
      { id: body.lease_id, path: 'database/creds/db-app', expiresAt: T0 + 30_000, revoked: false },
      { id: other.lease_id, path: 'database/creds/db-app', expiresAt: T0 + 30_000, revoked: false },
    ]);
  });

  it('answers 400 for an unknown role and 405 for a write', async () => {
    const r = await call(server.rootToken, 'GET', '/v1/database/creds/nope');
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: { errors: ['unknown role: nope'] } });
    const w = await call(server.rootToken, 'PUT', '/v1/database/creds/db-app', {});
    expect({ status: w.status, body: w.body }).toEqual({ status: 405, body: { errors: ['1 error occurred:\n\t* unsupported operation\n\n'] } });
  });
});

describe('sys/leases', () => {
  it('renews by the default TTL or the increment, capped at max_ttl with a warning', async () => {
    const token = await appToken();
    const leaseId = (await call(token, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string };
    const id = leaseId.lease_id;
    clock += 20_000;
    expect(await renew(token, id)).toEqual(renewed(id, 30));
    expect(await renew(token, id, 10)).toEqual(renewed(id, 10));
    clock += 5_000;
    expect(await renew(token, id, 3600)).toEqual(renewed(id, 75, ['TTL of "1h" exceeded the effective max_ttl of "1m15s"; TTL value is capped accordingly']));
    expect(server.leases()[0]?.expiresAt).toBe(T0 + 100_000);
    clock = T0 + 100_000;
    expect(await renew(token, id)).toEqual({ status: 400, body: { errors: ['lease expired'] } });
  });

  it('accepts the lease id as a path suffix', async () => {
    const id = ((await call(server.rootToken, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string }).lease_id;
    const res = await call(server.rootToken, 'PUT', `/v1/sys/leases/renew/${id}`, {});
    expect({ status: res.status, body: normalizeIds(res.body) }).toEqual(renewed(id, 30));
  });

  it.each([
    [{}, 'lease_id must be specified'],
    [{ lease_id: 'database/creds/db-app/nope' }, 'lease not found'],
    [{ lease_id: 'auth/kubernetes/login/abc' }, 'tokens cannot be renewed through this endpoint'],
  ])('refuses %p: %s', async (body, message) => {
    const res = await call(server.rootToken, 'PUT', '/v1/sys/leases/renew', body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { errors: [message] } });
  });

  it('revokes (204) and a revoked lease is not found', async () => {
    const id = ((await call(server.rootToken, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string }).lease_id;
    const res = await call(server.rootToken, 'PUT', '/v1/sys/leases/revoke', { lease_id: id });
    expect({ status: res.status, text: res.text }).toEqual({ status: 204, text: '' });
    expect(await renew(server.rootToken, id)).toEqual({ status: 400, body: { errors: ['lease not found'] } });
    expect(server.leases()[0]?.revoked).toBe(true);
  });

  it('looks a lease up', async () => {
    const id = ((await call(server.rootToken, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string }).lease_id;
    clock += 10_000;
    const res = await call(server.rootToken, 'PUT', '/v1/sys/leases/lookup', { lease_id: id });
    expect((normalizeIds(res.body) as { data: unknown }).data).toEqual({
      expire_time: '2026-01-01T12:00:30Z', id, issue_time: '2026-01-01T12:00:00Z', last_renewal: null, renewable: true, ttl: 20,
    });
  });

  it('revokes a token\'s leases when the token expires or all tokens are revoked, not others\'', async () => {
    const short = await appToken();
    const mine = ((await call(short, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string }).lease_id;
    const rootLease = ((await call(server.rootToken, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string }).lease_id;
    clock += 20_000;
    expect(server.leases().map((l) => l.revoked)).toEqual([false, false]);
    server.faults.revokeAllTokens();
    expect(server.leases().map((l) => [l.id, l.revoked])).toEqual([[mine, true], [rootLease, false]]);
    expect((await call(short, 'GET', '/v1/auth/token/lookup-self')).status).toBe(403);
    expect((await renew(server.rootToken, mine)).status).toBe(400);
  });

  it('kills the leases of a token that expired', async () => {
    const token = await appToken();
    const id = ((await call(token, 'GET', '/v1/database/creds/db-app')).body as { lease_id: string }).lease_id;
    for (let t = 20_000; t < 600_000; t += 20_000) {
      clock = T0 + t;
      if (t < 100_000) expect((await renew(token, id)).status).toBe(200);
    }
    clock = T0 + 600_000;
    expect(server.tokens().filter((t) => t.leaseCount > 0).map((t) => ({ revoked: t.revoked, expiresAt: t.expiresAt }))).toEqual([{ revoked: false, expiresAt: T0 + 600_000 }]);
    expect(server.leases()[0]?.revoked).toBe(true);
  });
});
