// The client-node adapter against the fake API server, through the real client (HTTP on 127.0.0.1).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startKubeApiServer, type FakeKubeApiServer } from '../../test/kube-api-server/server.ts';
import { createKubePort } from './client-node-port.ts';
import { KubeApiError, type KubePort } from './port.ts';

const ref = { namespace: 'vaultlet', name: 'vaultlet-leader' };
const secretRef = { namespace: 'vaultlet', name: 'vaultlet-certs' };

describe('client-node KubePort', () => {
  let api: FakeKubeApiServer;
  let port: KubePort;
  beforeEach(async () => {
    api = await startKubeApiServer();
    port = createKubePort({ apiServer: { url: api.url, token: api.token, caPem: api.caPem } });
  });
  afterEach(async () => { await api.close(); });

  it('creates, reads and updates a Lease with microsecond times', async () => {
    expect(await port.getLease(ref)).toBeUndefined();
    const lease = { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTimeMs: 1_700_000_000_123, renewTimeMs: 1_700_000_000_123, leaseTransitions: 0 };
    const created = await port.createLease(ref, lease);
    expect(created.value).toEqual(lease);
    const stored = api.get('leases', 'vaultlet', 'vaultlet-leader');
    expect(stored?.['spec']).toEqual({
      holderIdentity: 'pod-a', leaseDurationSeconds: 15, leaseTransitions: 0,
      acquireTime: '2023-11-14T22:13:20.123000Z', renewTime: '2023-11-14T22:13:20.123000Z',
    });
    const read = await port.getLease(ref);
    expect(read).toEqual(created);
    const updated = await port.updateLease(ref, { ...lease, renewTimeMs: 1_700_000_005_000 }, created.resourceVersion);
    expect(Number(updated.resourceVersion)).toBeGreaterThan(Number(created.resourceVersion));
    expect(updated.value.renewTimeMs).toBe(1_700_000_005_000);
  });

  it('reports 409 AlreadyExists and 409 Conflict as KubeApiError with the reason', async () => {
    const lease = { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTimeMs: 1, renewTimeMs: 1, leaseTransitions: 0 };
    const created = await port.createLease(ref, lease);
    await expect(port.createLease(ref, lease)).rejects.toMatchObject({ status: 409, reason: 'AlreadyExists', code: 'WHK_KUBE_API' });
    await port.updateLease(ref, lease, created.resourceVersion);
    const stale = port.updateLease(ref, lease, created.resourceVersion);
    await expect(stale).rejects.toBeInstanceOf(KubeApiError);
    await expect(stale).rejects.toMatchObject({ status: 409, reason: 'Conflict' });
  });

  it('round-trips Secret data as text and keeps metadata others set', async () => {
    expect(await port.getSecret(secretRef)).toBeUndefined();
    const created = await port.createSecret(secretRef, { cert: 'CERT\n', key: 'KEY\n' });
    expect(created.value).toEqual({ cert: 'CERT\n', key: 'KEY\n' });
    expect(api.get('secrets', 'vaultlet', 'vaultlet-certs')?.['data']).toEqual({ cert: 'Q0VSVAo=', key: 'S0VZCg==' });
    const current = api.get('secrets', 'vaultlet', 'vaultlet-certs')!;
    const relabelled = api.put('secrets', { ...current, metadata: { ...current.metadata, labels: { team: 'x' } } });
    const updated = await port.updateSecret(secretRef, { cert: 'C2', key: 'K2' }, String(relabelled.metadata['resourceVersion']));
    expect(updated.value).toEqual({ cert: 'C2', key: 'K2' });
    expect(api.get('secrets', 'vaultlet', 'vaultlet-certs')?.metadata['labels']).toEqual({ team: 'x' });
    await expect(port.updateSecret(secretRef, { cert: 'C3' }, created.resourceVersion)).rejects.toMatchObject({ status: 409, reason: 'Conflict' });
  });

  it('reads and JSON-patches the caBundle of every webhook', async () => {
    api.put('mutatingwebhookconfigurations', {
      metadata: { name: 'vaultlet-cfg' },
      webhooks: [{ name: 'a.vaultlet.io', clientConfig: { service: { name: 's', namespace: 'n' } } }, { name: 'b', clientConfig: { caBundle: Buffer.from('OLD').toString('base64') } }],
    });
    expect(await port.getWebhookCaBundles('vaultlet-cfg')).toEqual(['', 'OLD']);
    await port.patchWebhookCaBundles('vaultlet-cfg', 'NEW-PEM', 2);
    expect(await port.getWebhookCaBundles('vaultlet-cfg')).toEqual(['NEW-PEM', 'NEW-PEM']);
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/json-patch+json');
    expect(patch?.body).toEqual([
      { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: Buffer.from('NEW-PEM').toString('base64') },
      { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: Buffer.from('NEW-PEM').toString('base64') },
    ]);
    expect(await port.getWebhookCaBundles('missing')).toBeUndefined();
    await expect(port.patchWebhookCaBundles('missing', 'X', 1)).rejects.toMatchObject({ status: 404, reason: 'NotFound' });
  });

  it('classifies auth failures and server faults by status', async () => {
    const stranger = createKubePort({ apiServer: { url: api.url, token: 'wrong', caPem: api.caPem } });
    await expect(stranger.getSecret(secretRef)).rejects.toMatchObject({ status: 401 });
    api.fail({ method: 'GET', resource: 'secrets', status: 503 });
    await expect(port.getSecret(secretRef)).rejects.toMatchObject({ status: 503, reason: 'ServiceUnavailable' });
    await api.close();
    await expect(port.getSecret(secretRef)).rejects.toMatchObject({ status: 0, reason: 'NetworkError' });
    api = await startKubeApiServer();
  });
});
