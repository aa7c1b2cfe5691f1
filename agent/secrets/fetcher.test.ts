import { describe, expect, it } from '@jest/globals';
import { SecretFetcher } from './fetcher.ts';
import { VaultClient, type VaultHttpRequest, type VaultHttpResponse } from '../vault/client.ts';
import { secretRequestKey, type SecretRequest } from '../render/engine.ts';
import { RoutedTransport, envelope } from '../../test/fakes/routed-transport.ts';
import { ManualClock } from '../../test/fakes/manual-clock.ts';

const req = (kind: SecretRequest['kind'], path: string, params: Record<string, string> = {}): SecretRequest => ({ kind, path, params, key: secretRequestKey(kind, path, params) });

function mounts(request: VaultHttpRequest): VaultHttpResponse | undefined {
  if (!request.path.startsWith('sys/internal/ui/mounts/')) return undefined;
  const p = request.path.slice('sys/internal/ui/mounts/'.length);
  if (p.startsWith('secret/')) return envelope({ data: { type: 'kv', path: 'secret/', options: { version: '2' } } });
  if (p.startsWith('kv/')) return envelope({ data: { type: 'kv', path: 'kv/', options: null } });
  if (p.startsWith('pki/')) return envelope({ data: { type: 'pki', path: 'pki/', options: null } });
  return { status: 403, body: { errors: ['preflight capability check returned 403'] } };
}

function setup(route: (r: VaultHttpRequest) => VaultHttpResponse) {
  const transport = new RoutedTransport((r) => mounts(r) ?? route(r));
  const fetcher = new SecretFetcher(new VaultClient({ transport, clock: new ManualClock(), random: () => 0.5 }));
  return { transport, fetcher, calls: () => transport.sent.map((r) => `${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`) };
}

describe('SecretFetcher', () => {
  it('shims KV v2 reads with data/ and keeps a version selector; one preflight per path', async () => {
    const t = setup(() => envelope({ data: { data: { a: 1 }, metadata: { version: 2, deletion_time: '', destroyed: false } } }));
    const first = await t.fetcher.fetch('tok', req('secret', 'secret/app?version=2'));
    await t.fetcher.fetch('tok', req('secret', 'secret/app?version=2'));
    expect(first).toEqual({ kvV1: false, response: { request_id: 'r', lease_id: '', lease_duration: 0, renewable: false, data: { data: { a: 1 }, metadata: { version: 2, deletion_time: '', destroyed: false } }, warnings: null, auth: null, wrap_info: null } });
    expect(t.calls()).toEqual(['GET sys/internal/ui/mounts/secret/app', 'GET secret/data/app?version=2', 'GET secret/data/app?version=2']);
  });

  it('asks the preflight once per mount: concurrent paths on one mount share it', async () => {
    const t = setup(() => envelope({ data: { data: { a: 1 }, metadata: { version: 1, deletion_time: '', destroyed: false } } }));
    await Promise.all([t.fetcher.fetch('tok', req('secret', 'secret/a')), t.fetcher.fetch('tok', req('secret', 'secret/b/c'))]);
    await t.fetcher.fetch('tok', req('secret', 'secret/d'));
    expect(t.calls()).toEqual(['GET sys/internal/ui/mounts/secret/a', 'GET secret/data/a', 'GET secret/data/b/c', 'GET secret/data/d']);
    t.fetcher.forgetMounts();
    await t.fetcher.fetch('tok', req('secret', 'secret/d'));
    expect(t.calls().slice(4)).toEqual(['GET sys/internal/ui/mounts/secret/d', 'GET secret/data/d']);
  });

  it('sends the reads one preflight answer releases one per I/O turn, in the order they asked', async () => {
    const transport = new RoutedTransport((r) => mounts(r) ?? envelope({ data: { data: { a: 1 }, metadata: { version: 1, deletion_time: '', destroyed: false } } }));
    const turns: (() => void)[] = [];
    const fetcher = new SecretFetcher(new VaultClient({ transport, clock: new ManualClock(), random: () => 0.5 }), () => new Promise<void>((resolve) => turns.push(resolve)));
    const reads = (): string[] => transport.sent.filter((r) => !r.path.startsWith('sys/')).map((r) => r.path);
    const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const all = Promise.all(['a', 'b', 'c'].map((p) => fetcher.fetch('tok', req('secret', `secret/${p}`))));
    await settled();
    expect(reads()).toEqual(['secret/data/a']);
    turns.shift()?.();
    await settled();
    expect(reads()).toEqual(['secret/data/a', 'secret/data/b']);
    turns.shift()?.();
    await settled();
    expect(reads()).toEqual(['secret/data/a', 'secret/data/b', 'secret/data/c']);
    expect(await all).toHaveLength(3);
    // A path on a mount already known goes out at once.
    await fetcher.fetch('tok', req('secret', 'secret/d'));
    expect(reads()).toContain('secret/data/d');
  });

  it('reads KV v1 as is and says so; assumes v1 when the preflight is refused', async () => {
    const t = setup(() => envelope({ data: { k: 'v' }, lease_duration: 2_764_800 }));
    expect((await t.fetcher.fetch('tok', req('secret', 'kv/app'))).kvV1).toBe(true);
    expect((await t.fetcher.fetch('tok', req('secret', 'other/app'))).kvV1).toBe(false);
    expect(t.calls()).toEqual(['GET sys/internal/ui/mounts/kv/app', 'GET kv/app', 'GET sys/internal/ui/mounts/other/app', 'GET other/app']);
  });

  it('writes with string parameters; on KV v2 the body is wrapped in data', async () => {
    const t = setup(() => envelope({ data: { certificate: 'PEM', expiration: 1 } }));
    await t.fetcher.fetch('tok', req('secret', 'pki/issue/app', { common_name: 'a.example.com', ttl: '1h' }));
    await t.fetcher.fetch('tok', req('secret', 'secret/app', { password: 'x' }));
    expect(t.calls()).toEqual([
      'GET sys/internal/ui/mounts/pki/issue/app', 'PUT pki/issue/app {"common_name":"a.example.com","ttl":"1h"}',
      'GET sys/internal/ui/mounts/secret/app', 'PUT secret/data/app {"data":{"password":"x"}}',
    ]);
  });

  it('issues pkiCert without a preflight', async () => {
    const t = setup(() => envelope({ data: { certificate: 'PEM', expiration: 1 } }));
    await t.fetcher.fetch('tok', req('pkiCert', 'pki/issue/app', { common_name: 'a.example.com' }));
    expect(t.calls()).toEqual(['PUT pki/issue/app {"common_name":"a.example.com"}']);
  });

  it('lists KV v2 under metadata/ with ?list=true; a missing listing is empty, not an error', async () => {
    const t = setup((r) => (r.path === 'secret/metadata/team/?list=true' ? envelope({ data: { keys: ['a', 'b/'] } }) : { status: 404, body: { errors: [] } }));
    expect((await t.fetcher.fetch('tok', req('secrets', 'secret/team/'))).response.data).toEqual({ keys: ['a', 'b/'] });
    expect((await t.fetcher.fetch('tok', req('secrets', 'kv/none/'))).response.data).toEqual({ keys: [] });
  });

  it('reports "no secret exists" for a 404 and for a deleted KV v2 version', async () => {
    const t = setup((r) => (r.path === 'secret/data/gone'
      ? envelope({ data: { data: null, metadata: { version: 3, deletion_time: '2024-01-01T00:00:00Z', destroyed: false } } })
      : { status: 404, body: { errors: [] } }));
    await expect(t.fetcher.fetch('tok', req('secret', 'secret/none'))).rejects.toThrow('no secret exists at secret/none');
    await expect(t.fetcher.fetch('tok', req('secret', 'secret/gone'))).rejects.toThrow('no secret exists at secret/gone');
  });
});
