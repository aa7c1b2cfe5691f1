import { describe, expect, it } from '@jest/globals';
import { VaultClient, type VaultHttpRequest, type VaultHttpResponse, type VaultTransport } from './client.ts';
import { VaultError } from '../errors.ts';
import { ManualClock } from '../../test/fakes/manual-clock.ts';

/** Answers from a script, one response (or thrown error) per request, and records the requests. */
class ScriptedTransport implements VaultTransport {
  readonly sent: VaultHttpRequest[] = [];
  readonly #script: (VaultHttpResponse | VaultError)[];
  constructor(script: (VaultHttpResponse | VaultError)[]) {
    this.#script = script;
  }
  send(request: VaultHttpRequest): Promise<VaultHttpResponse> {
    this.sent.push(request);
    const next = this.#script.shift();
    if (next === undefined) return Promise.reject(new Error('script exhausted'));
    return next instanceof VaultError ? Promise.reject(next) : Promise.resolve(next);
  }
  close(): void {}
}

const TOKEN = 'hvs.SENTINEL-token';
const drop = (path: string) => new VaultError({ status: 0, path, retryable: true, detail: 'ECONNREFUSED' });

function client(script: (VaultHttpResponse | VaultError)[], namespace?: string) {
  const clock = new ManualClock();
  const transport = new ScriptedTransport(script);
  return { clock, transport, client: new VaultClient({ transport, clock, random: () => 0.5, ...(namespace !== undefined ? { namespace } : {}) }) };
}

describe('VaultClient', () => {
  it('logs in with PUT {jwt, role} on the mount and returns the token info', async () => {
    const c = client([{ status: 200, body: { auth: { client_token: TOKEN, accessor: 'acc', lease_duration: 3600, renewable: true }, warnings: null } }]);
    expect(await c.client.login({ mountPath: 'auth/k8s', role: 'app', jwt: 'jwt', namespace: 'team/' })).toEqual({ clientToken: TOKEN, accessor: 'acc', leaseDuration: 3600, renewable: true, warnings: [] });
    expect(c.transport.sent).toEqual([{ method: 'PUT', path: 'auth/k8s/login', body: { jwt: 'jwt', role: 'app' }, namespace: 'team/' }]);
  });

  it('does not retry a login (auto-auth has its own backoff)', async () => {
    const c = client([{ status: 503, body: { errors: ['Vault is sealed'] } }]);
    await expect(c.client.login({ mountPath: 'auth/kubernetes', role: 'app', jwt: 'j' })).rejects.toEqual(expect.objectContaining({ status: 503, retryable: true, message: 'vault auth/kubernetes/login: status 503: Vault is sealed' }));
    expect(c.transport.sent).toHaveLength(1);
  });

  it('retries lookup-self twice, 1–1.5 s apart, on connection errors and 5xx (Go client rules)', async () => {
    const c = client([drop('auth/token/lookup-self'), { status: 500, body: { errors: ['boom'] } }, { status: 200, body: { data: { ttl: 42, renewable: true, accessor: 'a' } } }], 'ns1');
    const p = c.client.lookupSelf(TOKEN);
    await c.clock.advance(5000);
    expect(await p).toEqual({ ttl: 42, renewable: true, accessor: 'a' });
    expect(c.clock.requested).toEqual([1250, 1250]);
    expect(c.transport.sent.map((r) => r.namespace)).toEqual(['ns1', 'ns1', 'ns1']);
  });

  it('does not retry 501 or 4xx', async () => {
    const c = client([{ status: 501, body: { errors: [] } }]);
    await expect(c.client.lookupSelf(TOKEN)).rejects.toEqual(expect.objectContaining({ status: 501, retryable: false }));
  });

  it('marks 403 "invalid token" so templating can ask for a new login, and keeps tokens out of the message', async () => {
    const c = client([{ status: 403, body: { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] } }]);
    const err = await c.client.read(TOKEN, 'secret/data/app').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).invalidToken).toBe(true);
    expect((err as VaultError).message).toBe('vault secret/data/app: status 403: 2 errors occurred: * permission denied * invalid token');
    expect(JSON.stringify(err)).not.toContain('SENTINEL');
    expect((err as VaultError).message).not.toContain('SENTINEL');
  });

  it('reads 404 {"errors":[]} as "no secret", and a 404 with warnings as an error', async () => {
    const c = client([
      { status: 404, body: { errors: [] } },
      { status: 404, body: { data: null, warnings: ['Invalid path for a versioned K/V secrets engine.'] } },
    ]);
    expect(await c.client.read(TOKEN, 'secret/data/none')).toBeUndefined();
    await expect(c.client.read(TOKEN, 'secret/app')).rejects.toEqual(expect.objectContaining({ status: 404, message: 'vault secret/app: status 404: Invalid path for a versioned K/V secrets engine.' }));
  });

  it('answers the KV preflight: version, mount path; 403 means "assume KV v1"', async () => {
    const c = client([
      { status: 200, body: { data: { type: 'kv', path: 'secret/', options: { version: '2' } } } },
      { status: 403, body: { errors: ['preflight capability check returned 403'] } },
    ]);
    expect(await c.client.mountInfo(TOKEN, 'secret/app')).toEqual({ type: 'kv', kvVersion: '2', mountPath: 'secret/' });
    expect(await c.client.mountInfo(TOKEN, 'nomount/x')).toBeUndefined();
    expect(c.transport.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['GET sys/internal/ui/mounts/secret/app', 'GET sys/internal/ui/mounts/nomount/x']);
  });

  it('renews a lease with {increment: 0, lease_id}', async () => {
    const c = client([{ status: 200, body: { lease_id: 'db/1', lease_duration: 30, renewable: true } }]);
    expect(await c.client.renewLease(TOKEN, 'db/1')).toEqual({ leaseId: 'db/1', leaseDuration: 30, renewable: true });
    expect(c.transport.sent[0]).toEqual({ method: 'PUT', path: 'sys/leases/renew', token: TOKEN, body: { increment: 0, lease_id: 'db/1' } });
  });

  it('rejects a login answer without a client token', async () => {
    const c = client([{ status: 200, body: { auth: null } }]);
    await expect(c.client.login({ mountPath: 'auth/kubernetes', role: 'app', jwt: 'j' })).rejects.toThrow('vault auth/kubernetes/login: unexpected response (no auth.client_token)');
  });
});
