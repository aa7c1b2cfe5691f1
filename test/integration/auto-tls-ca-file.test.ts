// Manual TLS with AGENT_INJECT_TLS_CA_CERT_FILE + AGENT_INJECT_TLS_AUTO: the CA file is kept in the
// webhook configuration's caBundle (vault-k8s behaviour), through the real client-node.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../shared/logger.ts';
import { createKubePort } from '../../webhook/kube/client-node-port.ts';
import type { CertBundle, CertSource } from '../../webhook/tls/cert-source.ts';
import { withCaBundleSync } from '../../webhook/tls/auto/ca-bundle-sync.ts';
import { startKubeApiServer, type FakeKubeApiServer } from '../kube-api-server/server.ts';
import { manualClock } from '../kube-api-server/manual-clock.ts';

const MWC = 'vaultlet-agent-injector-cfg';
const PAIR: CertBundle = { certPem: 'CERT', keyPem: 'KEY' };

/** A CertSource that hands out a fixed pair and records stop(). */
function fixedPairSource(): CertSource & { stopped: boolean } {
  const source = {
    stopped: false,
    start: () => Promise.resolve(PAIR),
    onChange: () => undefined,
    stop: () => {
      source.stopped = true;
      return Promise.resolve();
    },
  };
  return source;
}

function caBundles(api: FakeKubeApiServer): string[] {
  const webhooks = api.get('mutatingwebhookconfigurations', undefined, MWC)?.['webhooks'] as { clientConfig: { caBundle?: string } }[];
  return webhooks.map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString('utf8'));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('withCaBundleSync', () => {
  let api: FakeKubeApiServer;
  let lines: string[];
  beforeEach(async () => {
    api = await startKubeApiServer();
    lines = [];
  });
  afterEach(async () => { await api.close(); });

  it('patches the CA file into every webhook at start, re-reads it on each round, and stops the inner source', async () => {
    api.put('mutatingwebhookconfigurations', {
      metadata: { name: MWC },
      webhooks: [{ name: 'a', clientConfig: { caBundle: Buffer.from('OLD').toString('base64') } }, { name: 'b', clientConfig: {} }],
    });
    const clock = manualClock(0);
    let ca = 'CA-1\n';
    const inner = fixedPairSource();
    const source = withCaBundleSync(inner, {
      kube: createKubePort({ apiServer: { url: api.url, token: api.token, caPem: api.caPem } }), webhookConfigName: MWC,
      readCaBundle: () => Promise.resolve(ca), clock, log: createLogger({ level: 'info', name: 't' }, { write: (l: string) => { lines.push(l); } }),
      intervalMs: 60_000,
    });
    expect(await source.start()).toEqual(PAIR);
    await until(() => clock.pending() === 1);
    expect(caBundles(api)).toEqual(['CA-1\n', 'CA-1\n']);

    ca = 'CA-2\n';
    clock.advance(60_000);
    await until(() => caBundles(api)[0] === 'CA-2\n' && clock.pending() === 1);
    expect(caBundles(api)).toEqual(['CA-2\n', 'CA-2\n']);
    const patches = api.requests.filter((r) => r.method === 'PATCH').length;
    clock.advance(60_000); // unchanged: no patch
    await until(() => api.requests.filter((r) => r.method === 'GET').length === 3 && clock.pending() === 1);
    expect(api.requests.filter((r) => r.method === 'PATCH').length).toBe(patches);

    await source.stop();
    expect(inner.stopped).toBe(true);
    expect(clock.pending()).toBe(0);
    expect(lines.filter((l) => l.includes('caBundle updated from the CA file'))).toHaveLength(2);
  });

  it('warns and keeps serving when the configuration does not exist', async () => {
    const clock = manualClock(0);
    const source = withCaBundleSync(fixedPairSource(), {
      kube: createKubePort({ apiServer: { url: api.url, token: api.token, caPem: api.caPem } }), webhookConfigName: MWC,
      readCaBundle: () => Promise.resolve('CA'), clock, log: createLogger({ level: 'info', name: 't' }, { write: (l: string) => { lines.push(l); } }),
    });
    expect(await source.start()).toEqual(PAIR);
    await until(() => clock.pending() === 1);
    expect(lines.some((l) => l.includes('mutating webhook configuration not found'))).toBe(true);
    await source.stop();
  });
});
