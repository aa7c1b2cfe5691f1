// Policies: the seed's ACLs limit a logged-in token; the built-in default policy covers the token's
// own endpoints; the KV preflight needs access to the mount.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildAcl } from './policy.ts';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { loadSeedFile } from './seed.ts';
import { makeServiceAccountJwt } from './jwt.ts';
import { vaultCall } from './test-client.ts';

describe('buildAcl', () => {
  const acl = buildAcl(['p', 'default'], {
    p: { 'secret/data/app/*': ['read'], 'secret/metadata/+/list': ['list'], 'kv/exact': ['create'], 'secret/data/app/hidden': ['deny'] },
  });
  it.each([
    ['secret/data/app/config', 'read', true],
    ['secret/data/app/a/b', 'read', true],
    ['secret/data/app/config', 'update', false],
    ['secret/data/app/hidden', 'read', false],
    ['secret/metadata/x/list', 'list', true],
    ['secret/metadata/x/y/list', 'list', false],
    ['kv/exact', 'update', true],
    ['kv/exact/more', 'update', false],
    ['auth/token/renew-self', 'update', true],
    ['auth/token/lookup-self', 'read', true],
    ['sys/leases/revoke', 'update', false],
  ] as const)('%s %s → %s', (path, cap, want) => {
    expect(acl.allows(path, cap)).toBe(want);
  });
  it('knows which mounts a token can touch', () => {
    expect([acl.touchesMount('secret/'), acl.touchesMount('kv/'), acl.touchesMount('database/')]).toEqual([true, true, false]);
  });
  it('allows everything without policies in the seed, and for root', () => {
    expect(buildAcl(['x'], undefined).allows('any/path', 'delete')).toBe(true);
    expect(buildAcl(['root'], {}).allows('any/path', 'delete')).toBe(true);
  });
});

describe('policies over HTTP (sample seed)', () => {
  let server: VaultTestServer;
  let token = '';
  beforeAll(async () => {
    server = await startVaultServer({ seed: loadSeedFile(new URL('../fixtures/vault-seed.yaml', import.meta.url).pathname) });
    const res = await vaultCall(server.url, 'PUT', '/v1/auth/kubernetes/login', { body: { role: 'app', jwt: makeServiceAccountJwt({ namespace: 'default', serviceAccount: 'app' }) } });
    token = (res.body as { auth: { client_token: string } }).auth.client_token;
  });
  afterAll(async () => {
    await server.close();
  });

  it('lets the app token read its secrets and renew itself', async () => {
    expect((await vaultCall(server.url, 'GET', '/v1/secret/data/app/config', { token })).body).toMatchObject({ data: { data: { username: 'app-user' } } });
    expect((await vaultCall(server.url, 'GET', '/v1/database/creds/app', { token })).status).toBe(200);
    expect((await vaultCall(server.url, 'PUT', '/v1/auth/token/renew-self', { token, body: { increment: 0 } })).status).toBe(200);
    expect((await vaultCall(server.url, 'GET', '/v1/sys/internal/ui/mounts/secret/app/config', { token })).status).toBe(200);
    expect((await vaultCall(server.url, 'PUT', '/v1/pki/issue/app', { token, body: { common_name: 'web.svc.cluster.local' } })).status).toBe(200);
  });

  it('lets it list its folder, as Vault does by adding a trailing slash to list paths', async () => {
    const res = await vaultCall(server.url, 'LIST', '/v1/secret/metadata/app', { token });
    expect((res.body as { data: unknown }).data).toEqual({ keys: ['config', 'feature-flags'] });
    expect((await vaultCall(server.url, 'LIST', '/v1/secret/metadata', { token })).status).toBe(403);
  });

  it('denies what its policy does not grant with Vault\'s body', async () => {
    const res = await vaultCall(server.url, 'PUT', '/v1/secret/data/app/config', { token, body: { data: { x: 1 } } });
    expect({ status: res.status, text: res.text }).toEqual({ status: 403, text: '{"errors":["1 error occurred:\\n\\t* permission denied\\n\\n"]}\n' });
  });

  it('fails the preflight for a mount it cannot touch', async () => {
    const res = await vaultCall(server.url, 'GET', '/v1/sys/internal/ui/mounts/other/x', { token });
    expect(res.body).toEqual({ errors: ['preflight capability check returned 403, please ensure client\'s policies grant access to path "other/x/"'] });
  });
});
