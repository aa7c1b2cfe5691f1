// The same checks against the test server and, when VAULT_ADDR and VAULT_TOKEN point at a real
// Vault (e.g. `vault server -dev`, which mounts KV v2 at secret/), against that Vault too: the
// test server's answers must be indistinguishable where the agent looks.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { vaultCall } from './test-client.ts';
import { INVALID_V2_PATH_WARNING } from './engines/kv-v2.ts';

interface Target {
  url: string;
  token: string;
}

const ENVELOPE_KEYS = ['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth'];

function envelopeKeys(body: unknown): string[] {
  return Object.keys(body as object).filter((k) => k !== 'mount_type');
}

function contract(name: string, setup: () => Promise<Target>, teardown: () => Promise<void>): void {
  describe(name, () => {
    let t: Target = { url: '', token: '' };
    const base = `vaultlet-contract-${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      t = await setup();
    });
    afterAll(async () => {
      await vaultCall(t.url, 'DELETE', `/v1/secret/metadata/${base}/a`, { token: t.token });
      await vaultCall(t.url, 'DELETE', `/v1/secret/metadata/${base}/dir/b`, { token: t.token });
      await teardown();
    });

    it('sys/health: 200 with the health fields', async () => {
      const res = await vaultCall(t.url, 'GET', '/v1/sys/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ initialized: true, sealed: false, standby: false, performance_standby: false, enterprise: expect.any(Boolean) as unknown, version: expect.any(String) as unknown, server_time_utc: expect.any(Number) as unknown });
      expect(res.text.endsWith('\n')).toBe(true);
    });

    it('KV v2 write then read: the envelope, in Vault\'s field order', async () => {
      const w = await vaultCall(t.url, 'PUT', `/v1/secret/data/${base}/a`, { token: t.token, body: { data: { k: 'v', html: '<&>' } } });
      expect(w.status).toBe(200);
      expect((w.body as { data: object }).data).toMatchObject({ custom_metadata: null, deletion_time: '', destroyed: false, version: 1 });
      const r = await vaultCall(t.url, 'GET', `/v1/secret/data/${base}/a`, { token: t.token });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(envelopeKeys(r.body)).toEqual(ENVELOPE_KEYS);
      expect(r.text).toContain('"html":"\\u003c\\u0026\\u003e"');
      expect(r.body).toMatchObject({ lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, warnings: null, auth: null, data: { data: { k: 'v', html: '<&>' }, metadata: { version: 1, destroyed: false, deletion_time: '' } } });
    });

    it('KV v2 missing secret: 404 {"errors":[]}', async () => {
      const r = await vaultCall(t.url, 'GET', `/v1/secret/data/${base}/missing`, { token: t.token });
      expect({ status: r.status, text: r.text }).toEqual({ status: 404, text: '{"errors":[]}\n' });
    });

    it('KV v2 path without data/: 404 with the versioned-path warning', async () => {
      const r = await vaultCall(t.url, 'GET', `/v1/secret/${base}/a`, { token: t.token });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ data: null, warnings: [INVALID_V2_PATH_WARNING] });
    });

    it('LIST by method and by ?list=true', async () => {
      await vaultCall(t.url, 'PUT', `/v1/secret/data/${base}/dir/b`, { token: t.token, body: { data: { x: 'y' } } });
      const m = await vaultCall(t.url, 'LIST', `/v1/secret/metadata/${base}`, { token: t.token });
      const q = await vaultCall(t.url, 'GET', `/v1/secret/metadata/${base}?list=true`, { token: t.token });
      expect([(m.body as { data: unknown }).data, (q.body as { data: unknown }).data]).toEqual([{ keys: ['a', 'dir/'] }, { keys: ['a', 'dir/'] }]);
    });

    it('KV preflight describes secret/ as KV version 2', async () => {
      const r = await vaultCall(t.url, 'GET', `/v1/sys/internal/ui/mounts/secret/${base}/a`, { token: t.token });
      expect(r.status).toBe(200);
      expect((r.body as { data: unknown }).data).toMatchObject({ type: 'kv', options: { version: '2' }, path: 'secret/' });
    });

    it('an unknown token: 403 permission denied + invalid token', async () => {
      const r = await vaultCall(t.url, 'GET', `/v1/secret/data/${base}/a`, { token: 'hvs.not-a-real-token' });
      expect(r.status).toBe(403);
      expect((r.body as { errors: string[] }).errors.join()).toMatch(/permission denied[\s\S]*invalid token/);
    });

    it('lookup-self: the documented keys', async () => {
      const r = await vaultCall(t.url, 'GET', '/v1/auth/token/lookup-self', { token: t.token });
      expect(r.status).toBe(200);
      expect(Object.keys((r.body as { data: object }).data)).toEqual(expect.arrayContaining([
        'accessor', 'creation_time', 'creation_ttl', 'display_name', 'entity_id', 'expire_time', 'explicit_max_ttl', 'id', 'issue_time', 'meta', 'num_uses', 'orphan', 'path', 'policies', 'renewable', 'ttl', 'type',
      ]));
    });
  });
}

let server: VaultTestServer | undefined;
contract('contract: Vault test server', async () => {
  server = await startVaultServer();
  return { url: server.url, token: server.rootToken };
}, async () => {
  await server?.close();
});

const realAddr = process.env['VAULT_ADDR'];
const realToken = process.env['VAULT_TOKEN'];
if (realAddr !== undefined && realAddr !== '' && realToken !== undefined && realToken !== '') {
  contract('contract: real Vault at VAULT_ADDR', () => Promise.resolve({ url: realAddr.replace(/\/+$/, ''), token: realToken }), () => Promise.resolve());
} else {
  describe('contract: real Vault at VAULT_ADDR', () => {
    it.skip('needs VAULT_ADDR and VAULT_TOKEN', () => undefined);
  });
}
