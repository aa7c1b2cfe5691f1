// Kubernetes login and the token self endpoints over real HTTP on 127.0.0.1, with an injected clock.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { makeServiceAccountJwt } from './jwt.ts';
import { normalizeIds, vaultCall } from './test-client.ts';
import { FORMATS } from './ids.ts';
import type { VaultSeed } from './seed.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const SEED: VaultSeed = {
  secrets: { database: { type: 'database', roles: { app: { default_ttl: 30, max_ttl: 120 } } } },
  auth: {
    kubernetes: {
      type: 'kubernetes',
      roles: {
        app: { bound_service_account_names: ['app'], bound_service_account_namespaces: ['default', 'team-*'], token_policies: ['app'], token_ttl: 60, token_max_ttl: '5m' },
        aud: { bound_service_account_names: ['*'], bound_service_account_namespaces: ['*'], audience: 'vault', token_no_default_policy: true, token_policies: ['x'] },
      },
    },
  },
};

let clock = T0;
let server: VaultTestServer;

beforeEach(async () => {
  clock = T0;
  server = await startVaultServer({ seed: SEED, now: () => clock });
});

afterEach(async () => {
  await server.close();
});

const jwt = (namespace = 'default', serviceAccount = 'app', extra: Partial<Parameters<typeof makeServiceAccountJwt>[0]> = {}): string =>
  makeServiceAccountJwt({ namespace, serviceAccount, uid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf', now: clock, ...extra });

async function login(role = 'app', token = jwt()): Promise<{ token: string; accessor: string; body: Record<string, unknown> }> {
  const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role, jwt: token } });
  expect(res.status).toBe(200);
  const auth = (res.body as { auth: { client_token: string; accessor: string } }).auth;
  return { token: auth.client_token, accessor: auth.accessor, body: res.body as Record<string, unknown> };
}

describe('kubernetes login', () => {
  it('answers with Vault\'s whole envelope, field order and a fresh service token', async () => {
    const res = await vaultCall(server.url, 'POST', '/v1/auth/kubernetes/login', { body: { role: 'app', jwt: jwt() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = normalizeIds(res.body) as { auth: Record<string, unknown> };
    const { client_token: token, accessor, entity_id: entityId } = body.auth;
    expect(token).toMatch(FORMATS.serviceToken);
    expect(accessor).toMatch(FORMATS.accessor);
    expect(entityId).toMatch(FORMATS.requestId);
    expect(body).toEqual({
      request_id: '<uuid>', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null,
      auth: {
        client_token: token, accessor, policies: ['app', 'default'], token_policies: ['app', 'default'],
        metadata: { role: 'app', service_account_name: 'app', service_account_namespace: 'default', service_account_secret_name: '', service_account_uid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf' },
        lease_duration: 60, renewable: true, entity_id: entityId, token_type: 'service', orphan: true, mfa_requirement: null, num_uses: 0,
      },
      mount_type: 'kubernetes',
    });
    expect(Object.keys(res.body as object)).toEqual(['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth', 'mount_type']);
    expect(res.text.endsWith('}\n')).toBe(true);
  });

  it('gives the same service account the same entity and every login a new token', async () => {
    const a = await login();
    const b = await login();
    expect(a.token).not.toBe(b.token);
    expect((a.body['auth'] as { entity_id: string }).entity_id).toBe((b.body['auth'] as { entity_id: string }).entity_id);
  });

  it('accepts legacy secret-based tokens and namespace globs', async () => {
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role: 'app', jwt: jwt('team-a', 'app', { legacy: true }) } });
    expect(res.status).toBe(200);
    expect((res.body as { auth: { metadata: unknown } }).auth.metadata).toEqual({
      role: 'app', service_account_name: 'app', service_account_namespace: 'team-a', service_account_secret_name: 'app-token-x7k2p', service_account_uid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf',
    });
  });

  it.each([
    ['missing role', { jwt: 'x.y.z' }, 400, ['missing role']],
    ['missing jwt', { role: 'app' }, 400, ['missing jwt']],
    ['unknown role', { role: 'db-app', jwt: 'x.y.z' }, 400, ['invalid role name "db-app"']],
    ['wrong service account', { role: 'app', jwt: 'sa:default:other' }, 403, ['service account name not authorized']],
    ['wrong namespace', { role: 'app', jwt: 'sa:prod:app' }, 403, ['namespace not authorized']],
    ['malformed JWT', { role: 'app', jwt: 'not-a-jwt' }, 403, ['go-jose/go-jose: compact JWS format must have three parts']],
    ['wrong audience', { role: 'aud', jwt: 'sa:default:app' }, 403, ['invalid audience (aud) claim: audience claim does not match any expected audience']],
  ])('%s → %s', async (_name, body: Record<string, string>, status, errors) => {
    const m = /^sa:([^:]+):(.+)$/.exec(body['jwt'] ?? '');
    const sent = m === null ? body : { ...body, jwt: jwt(m[1], m[2]) };
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: sent });
    expect({ status: res.status, text: res.text }).toEqual({ status, text: `${JSON.stringify({ errors })}\n` });
  });

  it('refuses an expired JWT', async () => {
    const old = jwt('default', 'app', { ttlSeconds: 60, now: T0 - 120_000 });
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role: 'app', jwt: old } });
    expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { errors: ['go-jose/go-jose/jwt: validation failed, token is expired (exp)'] } });
  });

  it('accepts a JWT with the role\'s audience', async () => {
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role: 'aud', jwt: jwt('x', 'y', { audience: 'vault' }) } });
    expect(res.status).toBe(200);
    expect((res.body as { auth: { policies: unknown } }).auth.policies).toEqual(['x']);
  });

  it('never puts the JWT in an error', async () => {
    const sentinel = 'SENTINEL-JWT-bd81';
    for (const bad of [sentinel, `${sentinel}.${sentinel}.${sentinel}`, jwt('prod', 'app').replace(/\.[^.]*$/, `.${sentinel}`)]) {
      const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role: 'app', jwt: bad } });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain(sentinel);
    }
  });

  it('answers 403 on a login path with no auth mount', async () => {
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/other/login', { body: { role: 'app', jwt: jwt() } });
    expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { errors: ['permission denied'] } });
  });
});

describe('token self endpoints', () => {
  it('lookup-self shows the token with a counting-down ttl', async () => {
    const { token, accessor } = await login();
    clock += 5_500;
    const res = await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self', { token });
    expect(res.status).toBe(200);
    const body = normalizeIds(res.body) as { data: Record<string, unknown> };
    expect(body).toEqual({
      request_id: '<uuid>', lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, warnings: null, auth: null, mount_type: 'token',
      data: {
        accessor, creation_time: T0 / 1000, creation_ttl: 60, display_name: 'kubernetes-default-app', entity_id: body.data['entity_id'],
        expire_time: '2026-01-01T12:01:00Z', explicit_max_ttl: 0, id: token, issue_time: '2026-01-01T12:00:00Z',
        meta: { role: 'app', service_account_name: 'app', service_account_namespace: 'default', service_account_secret_name: '', service_account_uid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf' },
        num_uses: 0, orphan: true, path: 'auth/kubernetes/login', policies: ['app', 'default'], renewable: true, ttl: 54, type: 'service',
      },
    });
  });

  it('renew-self extends by the role TTL, honours an increment, and caps at the max TTL with Vault\'s warning', async () => {
    const { token } = await login();
    const renew = async (increment: unknown): Promise<{ status: number; ttl: unknown; warnings: unknown }> => {
      const res = await vaultCall(server.url, 'PUT', '/v1/auth/token/renew-self', { token, body: { increment } });
      const b = res.body as { auth?: { lease_duration: number }; warnings?: unknown; errors?: unknown };
      return { status: res.status, ttl: b.auth?.lease_duration ?? b.errors, warnings: b.warnings };
    };
    clock += 30_000;
    expect(await renew(0)).toEqual({ status: 200, ttl: 60, warnings: null });
    expect(await renew('10s')).toEqual({ status: 200, ttl: 10, warnings: null });
    for (clock = T0 + 35_000; clock < T0 + 250_000; clock += 50_000) expect((await renew(0)).ttl).toBe(60);
    clock = T0 + 250_000; // 50 s left of the 5 min max TTL
    expect(await renew(0)).toEqual({ status: 200, ttl: 50, warnings: ['TTL of "1m" exceeded the effective max_ttl of "50s"; TTL value is capped accordingly'] });
    const lookup = await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self', { token });
    expect((lookup.body as { data: Record<string, unknown> }).data).toMatchObject({ ttl: 50, last_renewal: '2026-01-01T12:04:10Z', last_renewal_time: T0 / 1000 + 250 });
  });

  it('renew-self answers the whole auth block', async () => {
    const { token, accessor, body } = await login();
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/token/renew-self', { token, body: { increment: 0 } });
    expect(normalizeIds(res.body)).toEqual({
      ...normalizeIds(body) as object,
      auth: { ...(body['auth'] as object), client_token: token, accessor },
      mount_type: 'token',
    });
  });

  it('refuses an expired token with Vault\'s invalid-token body', async () => {
    const { token } = await login();
    clock += 60_000;
    const res = await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self', { token });
    expect({ status: res.status, text: res.text }).toEqual({ status: 403, text: '{"errors":["2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n"]}\n' });
  });

  it('cannot renew past the max TTL: the token expires at it', async () => {
    const { token } = await login();
    for (let t = 50_000; t < 300_000; t += 50_000) {
      clock = T0 + t;
      expect((await vaultCall(server.url, 'PUT', '/v1/auth/token/renew-self', { token, body: {} })).status).toBe(200);
    }
    clock = T0 + 300_000;
    expect((await vaultCall(server.url, 'PUT', '/v1/auth/token/renew-self', { token, body: {} })).status).toBe(403);
  });

  it('revoke-self answers 204 and revokes the token and its leases', async () => {
    const { token, accessor } = await login();
    const creds = await vaultCall(server.url, 'GET', '/v1/database/creds/app', { token });
    expect(creds.status).toBe(200);
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/token/revoke-self', { token });
    expect({ status: res.status, text: res.text }).toEqual({ status: 204, text: '' });
    expect((await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self', { token })).status).toBe(403);
    expect(server.leases().map((l) => ({ path: l.path, revoked: l.revoked }))).toEqual([{ path: 'database/creds/app', revoked: true }]);
    expect(server.tokens().find((t) => t.accessor === accessor)).toEqual({ accessor, expiresAt: T0 + 60_000, revoked: true, leaseCount: 1 });
  });

  it('accepts the token as Authorization: Bearer, and answers 403 without any token', async () => {
    const { token } = await login();
    expect((await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const none = await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self');
    expect({ status: none.status, body: none.body }).toEqual({ status: 403, body: { errors: ['permission denied'] } });
  });

  it('the root token never expires and is not renewable', async () => {
    clock += 365 * 24 * 3600 * 1000;
    const look = await vaultCall(server.url, 'GET', '/v1/auth/token/lookup-self', { token: server.rootToken });
    expect((look.body as { data: unknown }).data).toMatchObject({ display_name: 'root', expire_time: null, ttl: 0, policies: ['root'], path: 'auth/token/root' });
    const renew = await vaultCall(server.url, 'PUT', '/v1/auth/token/renew-self', { token: server.rootToken, body: {} });
    expect({ status: renew.status, body: renew.body }).toEqual({ status: 400, body: { errors: ['lease is not renewable'] } });
  });
});
