// KV v1 and v2 over HTTP: reads, versions, deletes, metadata, LIST (method and ?list=true), and
// the 404 shapes Vault gives.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { normalizeIds, vaultCall, type CallResult } from './test-client.ts';
import { INVALID_V2_PATH_WARNING } from './engines/kv-v2.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
let clock = T0;
let server: VaultTestServer;

beforeEach(async () => {
  clock = T0;
  server = await startVaultServer({
    now: () => clock,
    seed: {
      secrets: {
        secret: { type: 'kv', version: 2, data: { 'app/config': { password: 'p1', user: 'u' } } },
        kv: { type: 'kv', version: 1, data: { 'app/plain': { a: '1' }, 'app/ttl': { a: '2', ttl: '1h' }, 'app/deep/x': { b: '3' } } },
      },
    },
  });
});

afterEach(async () => {
  await server.close();
});

const call = (method: string, path: string, body?: unknown): Promise<CallResult> =>
  vaultCall(server.url, method, path, { token: server.rootToken, ...(body === undefined ? {} : { body }) });

const envelope = (data: unknown, extra: Record<string, unknown> = {}): unknown => ({
  request_id: '<uuid>', lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, mount_type: 'kv', ...extra,
});

const meta = (version: number, created: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  created_time: created, custom_metadata: null, deletion_time: '', destroyed: false, version, ...extra,
});

describe('KV v2', () => {
  it('reads the latest version with its metadata', async () => {
    const res = await call('GET', '/v1/secret/data/app/config');
    expect({ status: res.status, body: normalizeIds(res.body) }).toEqual({
      status: 200, body: envelope({ data: { password: 'p1', user: 'u' }, metadata: meta(1, '2026-01-01T12:00:00.5Z') }),
    });
  });

  it('writes new versions, reads old ones by ?version, and enforces check-and-set', async () => {
    clock += 1000;
    const w = await call('PUT', '/v1/secret/data/app/config', { data: { password: 'p2' } });
    expect({ status: w.status, body: normalizeIds(w.body) }).toEqual({ status: 200, body: envelope(meta(2, '2026-01-01T12:00:01.5Z')) });
    server.writeKv('secret', 'app/config', { password: 'p3' });
    expect((await call('GET', '/v1/secret/data/app/config')).body).toMatchObject({ data: { data: { password: 'p3' }, metadata: { version: 3 } } });
    expect((await call('GET', '/v1/secret/data/app/config?version=2')).body).toMatchObject({ data: { data: { password: 'p2' }, metadata: { version: 2 } } });
    expect((await call('GET', '/v1/secret/data/app/config?version=9')).text).toBe('{"errors":[]}\n');
    const cas = await call('POST', '/v1/secret/data/app/config', { options: { cas: 1 }, data: { x: 'y' } });
    expect({ status: cas.status, body: cas.body }).toEqual({ status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } });
    expect((await call('POST', '/v1/secret/data/app/config', { options: { cas: 3 }, data: { x: 'y' } })).status).toBe(200);
    expect((await call('POST', '/v1/secret/data/app/config', { nodata: 1 })).body).toEqual({ errors: ['no data provided'] });
  });

  it('answers 404 {"errors":[]} for a path never written', async () => {
    const res = await call('GET', '/v1/secret/data/app/missing');
    expect({ status: res.status, text: res.text }).toEqual({ status: 404, text: '{"errors":[]}\n' });
  });

  it('answers 404 with the envelope for a soft-deleted version, and undeletes it', async () => {
    clock += 2000;
    expect((await call('DELETE', '/v1/secret/data/app/config')).status).toBe(204);
    const res = await call('GET', '/v1/secret/data/app/config');
    expect({ status: res.status, body: normalizeIds(res.body) }).toEqual({
      status: 404, body: envelope({ data: null, metadata: meta(1, '2026-01-01T12:00:00.5Z', { deletion_time: '2026-01-01T12:00:02.5Z' }) }),
    });
    expect((await call('POST', '/v1/secret/undelete/app/config', { versions: [1] })).status).toBe(204);
    expect((await call('GET', '/v1/secret/data/app/config')).status).toBe(200);
  });

  it('answers 404 with destroyed:true for a destroyed version', async () => {
    expect((await call('PUT', '/v1/secret/destroy/app/config', { versions: [1] })).status).toBe(204);
    const res = await call('GET', '/v1/secret/data/app/config');
    expect({ status: res.status, body: normalizeIds(res.body) }).toEqual({
      status: 404, body: envelope({ data: null, metadata: meta(1, '2026-01-01T12:00:00.5Z', { destroyed: true }) }),
    });
    expect((await call('POST', '/v1/secret/undelete/app/config', { versions: [1] })).status).toBe(204);
    expect((await call('GET', '/v1/secret/data/app/config')).status).toBe(404);
    expect((await call('POST', '/v1/secret/delete/app/config', {})).body).toEqual({ errors: ['no version number provided'] });
  });

  it('answers a path without data/ with Vault\'s warning envelope', async () => {
    const res = await call('GET', '/v1/secret/app/config');
    expect({ status: res.status, body: normalizeIds(res.body) }).toEqual({ status: 404, body: envelope(null, { warnings: [INVALID_V2_PATH_WARNING] }) });
  });

  it('reads, updates and deletes metadata', async () => {
    clock += 1000;
    server.writeKv('secret', 'app/config', { password: 'p2' });
    expect((await call('POST', '/v1/secret/metadata/app/config', { custom_metadata: { owner: 'jdoe' }, max_versions: 5 })).status).toBe(204);
    const res = await call('GET', '/v1/secret/metadata/app/config');
    expect({ status: res.status, body: normalizeIds(res.body) }).toEqual({
      status: 200,
      body: envelope({
        cas_required: false, created_time: '2026-01-01T12:00:00.5Z', current_version: 2, custom_metadata: { owner: 'jdoe' },
        delete_version_after: '0s', max_versions: 5, oldest_version: 0, updated_time: '2026-01-01T12:00:01.5Z',
        versions: {
          1: { created_time: '2026-01-01T12:00:00.5Z', deletion_time: '', destroyed: false },
          2: { created_time: '2026-01-01T12:00:01.5Z', deletion_time: '', destroyed: false },
        },
      }),
    });
    expect((await call('GET', '/v1/secret/data/app/config')).body).toMatchObject({ data: { metadata: { custom_metadata: { owner: 'jdoe' } } } });
    expect((await call('DELETE', '/v1/secret/metadata/app/config')).status).toBe(204);
    expect((await call('GET', '/v1/secret/metadata/app/config')).status).toBe(404);
  });

  it('keeps at most max_versions versions', async () => {
    for (let i = 0; i < 11; i += 1) server.writeKv('secret', 'app/config', { n: i });
    const m = (await call('GET', '/v1/secret/metadata/app/config')).body as { data: { current_version: number; oldest_version: number; versions: object } };
    expect([m.data.current_version, m.data.oldest_version, Object.keys(m.data.versions).length]).toEqual([12, 3, 10]);
    expect((await call('GET', '/v1/secret/data/app/config?version=1')).status).toBe(404);
  });

  it('lists with the LIST method and with ?list=true; an empty list is 404', async () => {
    server.writeKv('secret', 'app/sub/x', { a: 1 });
    const byMethod = await call('LIST', '/v1/secret/metadata/app');
    const byQuery = await call('GET', '/v1/secret/metadata/app/?list=true');
    expect(normalizeIds(byMethod.body)).toEqual(envelope({ keys: ['config', 'sub/'] }));
    expect(normalizeIds(byQuery.body)).toEqual(envelope({ keys: ['config', 'sub/'] }));
    expect(byMethod.headers.get('content-type')).toBe('application/json');
    const empty = await call('LIST', '/v1/secret/metadata/nothing');
    expect({ status: empty.status, text: empty.text }).toEqual({ status: 404, text: '{"errors":[]}\n' });
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'LIST /v1/secret/metadata/app 200', 'GET /v1/secret/metadata/app/ 200', 'LIST /v1/secret/metadata/nothing 404',
    ]);
  });

  it('answers the mount config', async () => {
    expect(normalizeIds((await call('GET', '/v1/secret/config')).body)).toEqual(envelope({ cas_required: false, delete_version_after: '0s', max_versions: 0 }));
  });
});

describe('KV v1', () => {
  it('reads with the 32-day default lease, or the ttl key\'s', async () => {
    expect(normalizeIds((await call('GET', '/v1/kv/app/plain')).body)).toEqual(envelope({ a: '1' }, { lease_duration: 2764800 }));
    expect(normalizeIds((await call('GET', '/v1/kv/app/ttl')).body)).toEqual(envelope({ a: '2', ttl: '1h' }, { lease_duration: 3600 }));
  });

  it('writes (204), deletes (204) and answers 404 {"errors":[]} when missing', async () => {
    expect((await call('PUT', '/v1/kv/app/new', { k: 'v' })).status).toBe(204);
    expect((await call('GET', '/v1/kv/app/new')).body).toMatchObject({ data: { k: 'v' } });
    expect((await call('DELETE', '/v1/kv/app/new')).status).toBe(204);
    const res = await call('GET', '/v1/kv/app/new');
    expect({ status: res.status, text: res.text }).toEqual({ status: 404, text: '{"errors":[]}\n' });
  });

  it('lists folders', async () => {
    expect(normalizeIds((await call('LIST', '/v1/kv/app')).body)).toEqual(envelope({ keys: ['deep/', 'plain', 'ttl'] }));
  });
});

describe('sys/internal/ui/mounts', () => {
  it.each([
    ['secret/app/config', 'secret/', 'kv', { version: '2' }],
    ['kv/app/plain', 'kv/', 'kv', { version: '1' }],
  ])('describes the mount of %s', async (path, mount, type, options) => {
    const res = await call('GET', `/v1/sys/internal/ui/mounts/${path}`);
    const data = (res.body as { data: { accessor: string; uuid: string } }).data;
    expect(data.accessor).toMatch(/^kv_[0-9a-f]{8}$/);
    expect(normalizeIds(res.body)).toEqual({
      ...(envelope({
        accessor: data.accessor, config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 }, description: 'key/value secret storage',
        external_entropy_access: false, local: false, options, path: mount, plugin_version: '', running_plugin_version: 'v0.20.0+builtin',
        running_sha256: '', seal_wrap: false, type, uuid: data.uuid,
      }) as object),
      mount_type: 'system',
    });
  });

  it('answers 403 for a path under no mount', async () => {
    const res = await call('GET', '/v1/sys/internal/ui/mounts/nomount/x');
    expect({ status: res.status, body: res.body }).toEqual({
      status: 403, body: { errors: ['preflight capability check returned 403, please ensure client\'s policies grant access to path "nomount/x/"'] },
    });
  });
});
