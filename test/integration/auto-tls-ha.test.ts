// Auto-TLS with several replicas against the fake Kubernetes API server, through the real
// @kubernetes/client-node over HTTPS on 127.0.0.1. Time is a manual clock: each replica's round
// is run explicitly, so lease expiry and certificate rotation are exact, not timed.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { createLogger, type Logger } from '../../shared/logger.ts';
import { createKubePort } from '../../webhook/kube/client-node-port.ts';
import type { KubePort } from '../../webhook/kube/port.ts';
import { secretCertStore } from '../../webhook/tls/auto/cert-store.ts';
import { splitPem, type CertPolicy } from '../../webhook/tls/auto/cert-state.ts';
import { createAutoTlsController, type AutoTlsController } from '../../webhook/tls/auto/controller.ts';
import { issue } from '../../webhook/tls/auto/issue.ts';
import { encodeState } from '../../webhook/tls/auto/cert-state.ts';
import { createLeaderElector } from '../../webhook/tls/auto/leader-elector.ts';
import { startKubeApiServer, type FakeKubeApiServer } from '../kube-api-server/server.ts';
import { manualClock, type ManualClock } from '../kube-api-server/manual-clock.ts';

const NS = 'vaultlet';
const MWC = 'vaultlet-agent-injector-cfg';
const SECRET = 'vaultlet-injector-certs';
const LEASE = 'vaultlet-injector-leader';
const HOUR = 3_600_000;
const policy: CertPolicy = { caValidityMs: 100 * HOUR, leafValidityMs: 10 * HOUR, renewBeforeFraction: 0.1, hosts: ['vaultlet-svc', 'vaultlet-svc.vaultlet.svc'] };

function captureLogger(lines: string[]): Logger {
  return createLogger({ level: 'debug', name: 'test' }, { write: (line: string) => { lines.push(line); } });
}

function seedWebhookConfig(api: FakeKubeApiServer): void {
  api.put('mutatingwebhookconfigurations', {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: MWC },
    webhooks: [{
      name: 'vault.hashicorp.com', admissionReviewVersions: ['v1'], sideEffects: 'None',
      clientConfig: { service: { name: 'vaultlet-svc', namespace: NS, path: '/mutate' } },
    }],
  });
}

function caBundleInConfig(api: FakeKubeApiServer): string {
  const webhooks = api.get('mutatingwebhookconfigurations', undefined, MWC)?.['webhooks'] as { clientConfig: { caBundle?: string } }[];
  return Buffer.from(webhooks[0]?.clientConfig.caBundle ?? '', 'base64').toString('utf8');
}

function secretData(api: FakeKubeApiServer): Record<string, string> {
  const data = (api.get('secrets', NS, SECRET)?.['data'] ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

function leaseSpec(api: FakeKubeApiServer): Record<string, unknown> | undefined {
  return api.get('leases', NS, LEASE)?.['spec'] as Record<string, unknown> | undefined;
}

/** The leaf verifies under one of the CAs in the bundle the API server was given. */
function trusted(certPem: string, bundle: string): boolean {
  const leaf = new X509Certificate(certPem);
  return splitPem(bundle).some((pem) => {
    const ca = new X509Certificate(pem);
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  });
}

describe('auto-TLS with leader election (fake API server, real client)', () => {
  let api: FakeKubeApiServer;
  let kube: KubePort;
  let clock: ManualClock;
  let lines: string[];
  let log: Logger;

  const replica = (identity: string): AutoTlsController => createAutoTlsController({
    kube, store: secretCertStore(kube, { namespace: NS, name: SECRET }), webhookConfigName: MWC, policy, clock, log,
    elector: createLeaderElector({ kube, lease: { namespace: NS, name: LEASE }, identity, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, clock, log }),
  });

  beforeEach(async () => {
    api = await startKubeApiServer();
    kube = createKubePort({ apiServer: { url: api.url, token: api.token, caPem: api.caPem } });
    clock = manualClock(Date.UTC(2030, 0, 1));
    lines = [];
    log = captureLogger(lines);
    seedWebhookConfig(api);
  });
  afterEach(async () => {
    await api.close();
    const keys = Object.entries(secretData(api)).filter(([k]) => k === 'key' || k === 'ca.key').map(([, v]) => v);
    for (const line of lines) {
      expect(line).not.toContain('PRIVATE KEY');
      for (const key of keys) expect(line).not.toContain(key.split('\n')[1]);
    }
  });

  it('one leader generates CA and leaf; every replica serves the same pair; caBundle holds the CA', async () => {
    const [a, b, c] = [replica('pod-a'), replica('pod-b'), replica('pod-c')];
    const served = [await a.step(), await b.step(), await c.step()];
    expect(leaseSpec(api)?.['holderIdentity']).toBe('pod-a');
    const stored = secretData(api);
    expect(served).toEqual([0, 1, 2].map(() => ({ certPem: stored['cert'], keyPem: stored['key'] })));
    expect(caBundleInConfig(api)).toBe(stored['ca-bundle.crt']);
    expect(splitPem(stored['ca-bundle.crt']!)).toEqual(splitPem(stored['ca.crt']!));
    expect(trusted(stored['cert']!, caBundleInConfig(api))).toBe(true);
    const leaf = new X509Certificate(stored['cert']!);
    expect(leaf.subjectAltName).toBe('DNS:vaultlet-svc, DNS:vaultlet-svc.vaultlet.svc');
    expect(leaf.subject).toBe('CN=Agent Inject Service');
    // Followers never write: one Secret create, and only the leader patched the configuration.
    expect(api.requests.filter((r) => r.method !== 'GET' && r.path.includes('/secrets')).map((r) => r.method)).toEqual(['POST']);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('works with the empty Lease and Secret the chart pre-creates, using only get/update (no create)', async () => {
    api.put('leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LEASE, namespace: NS }, spec: {} });
    api.put('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET, namespace: NS }, type: 'Opaque' });
    const [a, b] = [replica('pod-a'), replica('pod-b')];
    const served = await a.step();
    expect(await b.step()).toEqual(served);
    expect(leaseSpec(api)).toMatchObject({ holderIdentity: 'pod-a', leaseTransitions: 1 });
    expect(served).toEqual({ certPem: secretData(api)['cert'], keyPem: secretData(api)['key'] });
    // The chart's Role grants get/update on these names; the ClusterRole get/patch on the configuration.
    const verbs = new Set(api.requests.map((r) => `${r.method} ${r.path.split('/').slice(-2, -1)[0] ?? ''}`));
    expect([...verbs].sort()).toEqual(['GET leases', 'GET mutatingwebhookconfigurations', 'GET secrets', 'PATCH mutatingwebhookconfigurations', 'PUT leases', 'PUT secrets']);
  });

  it('a follower takes over after the dead leader\'s lease expires, keeping the same CA', async () => {
    const [a, b] = [replica('pod-a'), replica('pod-b')];
    await a.step();
    await b.step();
    const before = secretData(api);
    const secretVersion = api.get('secrets', NS, SECRET)?.metadata['resourceVersion'];
    // pod-a is gone: only pod-b keeps running rounds every 5 s.
    for (let i = 0; i < 2; i += 1) {
      clock.advance(5_000);
      expect(await b.step()).toEqual({ certPem: before['cert'], keyPem: before['key'] });
      expect(leaseSpec(api)?.['holderIdentity']).toBe('pod-a');
    }
    clock.advance(5_000);
    await b.step();
    expect(leaseSpec(api)).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
    expect(secretData(api)).toEqual(before);
    expect(api.get('secrets', NS, SECRET)?.metadata['resourceVersion']).toBe(secretVersion);
    expect(caBundleInConfig(api)).toBe(before['ca-bundle.crt']);
    // The new leader rotates the leaf later under the same CA.
    clock.advance(9.5 * HOUR);
    const rotated = await b.step();
    const after = secretData(api);
    expect(after['ca.crt']).toBe(before['ca.crt']);
    expect(after['cert']).not.toBe(before['cert']);
    expect(rotated).toEqual({ certPem: after['cert'], keyPem: after['key'] });
  });

  it('rotates the leaf before expiry and followers pick the new one up', async () => {
    const [a, b] = [replica('pod-a'), replica('pod-b')];
    const first = await a.step();
    await b.step();
    clock.advance(8 * HOUR);
    await a.step();
    expect(await b.step()).toEqual(first);
    clock.advance(1 * HOUR); // 9 h of 10 h: under 10 % left
    const renewed = await a.step();
    expect(renewed).not.toEqual(first);
    expect(await b.step()).toEqual(renewed);
    expect(trusted(renewed!.certPem, caBundleInConfig(api))).toBe(true);
  });

  it('rotates the CA with the old CA kept in caBundle until it expires', async () => {
    const [a, b] = [replica('pod-a'), replica('pod-b')];
    const old = await a.step();
    await b.step();
    const oldCa = secretData(api)['ca.crt']!;
    for (let h = 0; h < 95; h += 9.5) {
      clock.advance(9.5 * HOUR);
      await a.step();
      await b.step();
    }
    const stored = secretData(api);
    expect(stored['ca.crt']).not.toBe(oldCa);
    expect(splitPem(caBundleInConfig(api))).toEqual([...splitPem(oldCa), ...splitPem(stored['ca.crt']!)]);
    expect(trusted(old!.certPem, caBundleInConfig(api))).toBe(true);
    expect(trusted(stored['cert']!, caBundleInConfig(api))).toBe(true);
    clock.advance(6 * HOUR); // past the old CA's notAfter
    await a.step();
    expect(splitPem(caBundleInConfig(api))).toEqual(splitPem(stored['ca.crt']!));
  });

  it('on a 409 Conflict writing the Secret, serves what the other writer stored instead of overwriting it', async () => {
    api.put('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET, namespace: NS }, type: 'Opaque' });
    const other = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: clock.now(), existingBundles: [] });
    api.before('PUT', 'secrets', () => {
      const current = api.get('secrets', NS, SECRET)!;
      const data = Object.fromEntries(Object.entries(encodeState(other)).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      api.put('secrets', { ...current, data });
    });
    const served = await replica('pod-a').step();
    expect(api.requests.filter((r) => r.method === 'PUT' && r.path.includes('/secrets')).map((r) => r.status)).toEqual([409]);
    expect(served).toEqual({ certPem: other.certPem, keyPem: other.keyPem });
    expect(caBundleInConfig(api)).toBe(other.caBundlePem);
    expect(lines.some((l) => l.includes('certificate secret changed concurrently'))).toBe(true);
  });

  it('a Lease conflict does not drop leadership before the renew deadline', async () => {
    const a = replica('pod-a');
    await a.step();
    api.before('PUT', 'leases', () => {
      const current = api.get('leases', NS, LEASE)!;
      api.put('leases', { ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    });
    clock.advance(5_000);
    expect(await a.step()).toBeDefined();
    expect(api.requests.filter((r) => r.method === 'PUT' && r.path.includes('/leases')).map((r) => r.status)).toEqual([409]);
    clock.advance(5_000);
    await a.step();
    expect(leaseSpec(api)?.['holderIdentity']).toBe('pod-a');
    expect(api.requests.filter((r) => r.method === 'PUT' && r.path.includes('/leases')).map((r) => r.status)).toEqual([409, 200]);
  });

  it('a replica whose Lease create loses with 409 AlreadyExists follows the winner', async () => {
    const [a, b] = [replica('pod-a'), replica('pod-b')];
    api.before('POST', 'leases', () => {
      api.put('leases', { metadata: { name: LEASE, namespace: NS }, spec: { holderIdentity: 'pod-b', leaseDurationSeconds: 15 } });
    });
    expect(await a.step()).toBeUndefined();
    expect(api.requests.filter((r) => r.method === 'POST' && r.path.includes('/leases')).map((r) => r.status)).toEqual([409]);
    const winner = await b.step();
    expect(winner).toBeDefined();
    expect(await a.step()).toEqual(winner);
    expect(leaseSpec(api)?.['holderIdentity']).toBe('pod-b');
    expect(api.requests.filter((r) => r.method === 'POST' && r.path.includes('/secrets'))).toHaveLength(1);
  });

  it('keeps working through API faults: a failed round throws, the next one recovers', async () => {
    const a = replica('pod-a');
    api.fail({ method: 'GET', resource: 'secrets', status: 503 });
    await expect(a.step()).rejects.toMatchObject({ status: 503 });
    clock.advance(1_000);
    expect(await a.step()).toBeDefined();
  });
});
