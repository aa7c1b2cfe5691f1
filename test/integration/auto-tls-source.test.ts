// createAutoTlsCertSource end to end: its own timer loop (on a manual clock), a real HTTPS server
// serving what it hands out, lease release on stop, and the single-replica (no elector) mode.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { createLogger, type Logger } from '../../shared/logger.ts';
import { createKubePort } from '../../webhook/kube/client-node-port.ts';
import type { KubePort } from '../../webhook/kube/port.ts';
import type { CertBundle } from '../../webhook/tls/cert-source.ts';
import { splitPem } from '../../webhook/tls/auto/cert-state.ts';
import { AutoTlsStoppedError, createAutoTlsCertSource, type AutoTlsOptions } from '../../webhook/tls/auto/auto-cert-source.ts';
import { startKubeApiServer, type FakeKubeApiServer } from '../kube-api-server/server.ts';
import { manualClock, type ManualClock } from '../kube-api-server/manual-clock.ts';

const NS = 'vaultlet';
const MWC = 'vaultlet-agent-injector-cfg';
const HOUR = 3_600_000;

function caBundleInConfig(api: FakeKubeApiServer): string {
  const webhooks = api.get('mutatingwebhookconfigurations', undefined, MWC)?.['webhooks'] as { clientConfig: { caBundle?: string } }[];
  return Buffer.from(webhooks[0]?.clientConfig.caBundle ?? '', 'base64').toString('utf8');
}

/** Resolves when check() holds, polling the event loop; the manual clock drives the sources. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/** Advances the clock once the source under test has set its next timer (its round has ended). */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  await until(() => clock.pending() > 0);
  clock.advance(ms);
}

async function serve(bundle: CertBundle): Promise<Server> {
  const server = createServer({ cert: bundle.certPem, key: bundle.keyPem }, (_req, res) => { res.writeHead(204).end(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function get(server: Server, ca: string): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health/ready', ca, servername: 'vaultlet-svc.vaultlet.svc', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createAutoTlsCertSource', () => {
  let api: FakeKubeApiServer;
  let kube: KubePort;
  let clock: ManualClock;
  let log: Logger;
  let lines: string[];
  const servers: Server[] = [];

  const options = (identity: string, useLeaderElector = true): AutoTlsOptions => ({
    kube, log, clock, webhookConfigName: MWC, namespace: NS, identity, useLeaderElector, random: () => 0,
    hosts: ['vaultlet-svc', 'vaultlet-svc.vaultlet.svc', '127.0.0.1'],
    timing: { syncIntervalMs: 5_000, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, leafValidityMs: 10 * HOUR },
  });

  beforeEach(async () => {
    api = await startKubeApiServer();
    kube = createKubePort({ apiServer: { url: api.url, token: api.token, caPem: api.caPem } });
    clock = manualClock(Date.now());
    lines = [];
    log = createLogger({ level: 'debug', name: 'test' }, { write: (l: string) => { lines.push(l); } });
    api.put('mutatingwebhookconfigurations', {
      metadata: { name: MWC },
      webhooks: [{ name: 'vault.hashicorp.com', clientConfig: { service: { name: 'vaultlet-svc', namespace: NS, path: '/mutate' } } }],
    });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) s.close();
    await api.close();
    expect(lines.join('')).not.toContain('PRIVATE KEY');
  });

  it('serves a certificate the API server trusts through the patched caBundle, and reloads on rotation', async () => {
    const source = createAutoTlsCertSource(options('pod-a'));
    const changes: CertBundle[] = [];
    source.onChange((b) => changes.push(b));
    const first = await source.start();
    const server = await serve(first);
    servers.push(server);
    expect(await get(server, caBundleInConfig(api))).toBe(204);

    const rounds = (): number => api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/leases/vaultlet-injector-leader')).length;
    const before = rounds();
    await advance(clock, 5_000);
    await until(() => rounds() === before + 1);
    expect(changes).toEqual([]);

    await advance(clock, 9 * HOUR); // the leaf has under 10 % of its life left: the next round renews it
    await until(() => changes.length === 1);
    expect(changes[0]).not.toEqual(first);
    // The renewed leaf is dated 9 h ahead on the manual clock, so check its chain rather than a handshake.
    const leaf = new X509Certificate(changes[0]!.certPem);
    const ca = new X509Certificate(caBundleInConfig(api));
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    await source.stop();
  });

  it('releases the Lease on stop so another replica leads on its next round, with the same CA', async () => {
    const a = createAutoTlsCertSource(options('pod-a'));
    const b = createAutoTlsCertSource(options('pod-b'));
    const fromA = await a.start();
    const fromB = await b.start();
    expect(fromB).toEqual(fromA);
    const ca = caBundleInConfig(api);
    await a.stop();
    expect(api.get('leases', NS, 'vaultlet-injector-leader')?.['spec']).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await until(() => clock.pending() === 1); // only pod-b's timer is left
    clock.advance(5_000);
    await until(() => (api.get('leases', NS, 'vaultlet-injector-leader')?.['spec'] as { holderIdentity?: string }).holderIdentity === 'pod-b');
    expect(caBundleInConfig(api)).toBe(ca);
    await b.stop();
  });

  it('retries while the API fails and resolves start once a round succeeds', async () => {
    api.fail({ method: 'GET', resource: 'secrets', status: 500, times: 2 });
    const source = createAutoTlsCertSource(options('pod-a'));
    let done = false;
    const started = source.start().then((b) => { done = true; return b; });
    await until(() => api.requests.some((r) => r.status === 500));
    expect(done).toBe(false);
    await advance(clock, 250); // first retry after 250 ms (random() = 0 takes nothing off)
    await until(() => api.requests.filter((r) => r.status === 500).length === 2);
    await advance(clock, 500);
    await started;
    expect(lines.filter((l) => l.includes('auto-TLS round failed')).length).toBe(2);
    await source.stop();
  });

  it('rejects start when stopped before any certificate exists', async () => {
    api.put('leases', { metadata: { name: 'vaultlet-injector-leader', namespace: NS }, spec: { holderIdentity: 'pod-z', leaseDurationSeconds: 15 } });
    const source = createAutoTlsCertSource(options('pod-a'));
    const started = source.start();
    await until(() => api.requests.some((r) => r.path.endsWith('/secrets/vaultlet-injector-certs')));
    await source.stop();
    await expect(started).rejects.toBeInstanceOf(AutoTlsStoppedError);
  });

  it('without leader election keeps state in memory and keeps the previous CA in the bundle across restarts', async () => {
    const first = createAutoTlsCertSource(options('pod-a', false));
    await first.start();
    await first.stop();
    const oldBundle = caBundleInConfig(api);
    const second = createAutoTlsCertSource(options('pod-b', false));
    const served = await second.start();
    const bundle = splitPem(caBundleInConfig(api));
    expect(bundle).toHaveLength(2);
    expect(bundle[0]).toBe(splitPem(oldBundle)[0]);
    const server = await serve(served);
    servers.push(server);
    expect(await get(server, caBundleInConfig(api))).toBe(204);
    expect(api.requests.filter((r) => r.path.includes('/secrets') || r.path.includes('/leases'))).toEqual([]);
    await second.stop();
  });
});
