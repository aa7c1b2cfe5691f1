// Certificate rotation on the real process: the mounted Secret's `..data` symlink is swapped
// while a keep-alive client and a new-connection client send requests without pause.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import { createTlsDir, type TlsDir } from '../helpers/tls-dir.ts';
import { httpsRequest, startWebhook, type WebhookProcess } from '../helpers/webhook-process.ts';

const REVIEW = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'rot', namespace: 'team', operation: 'CREATE', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' }, spec: { containers: [{ name: 'app', image: 'app' }] } } },
});

let tls: TlsDir;
let webhook: WebhookProcess;

beforeAll(async () => {
  tls = await createTlsDir();
  webhook = await startWebhook({
    AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
    AGENT_INJECT_TLS_CERT_FILE: tls.certFile,
    AGENT_INJECT_TLS_KEY_FILE: tls.keyFile,
  });
});

afterAll(async () => {
  await webhook.stop();
  await tls.remove();
});

function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

interface Loop {
  ok: number;
  failures: string[];
  stop: () => Promise<void>;
}

/** Sends reviews back to back until stopped, counting every failure. */
function loop(agent: Agent | undefined): Loop {
  let running = true;
  const state: Loop = { ok: 0, failures: [], stop: () => Promise.resolve() };
  const done = (async () => {
    while (running) {
      try {
        const res = await httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/mutate', body: REVIEW, ...(agent ? { agent } : {}) });
        if (res.status === 200) state.ok += 1;
        else state.failures.push(`HTTP ${res.status}`);
      } catch (err) {
        state.failures.push(String(err));
      }
    }
  })();
  state.stop = async () => {
    running = false;
    await done;
  };
  return state;
}

describe('webhook certificate rotation', () => {
  it('serves the new certificate to new connections with no failed request during the swap', async () => {
    const before = await httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/health/ready' });
    expect(before.peer.fingerprint256).toBe(fingerprint(tls.current.certPem));

    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const kept = loop(agent);
    const fresh = loop(undefined);
    const rotated = await tls.rotate();
    const want = fingerprint(rotated.certPem);
    let seen = '';
    for (let attempt = 0; attempt < 200 && seen !== want; attempt++) {
      const res = await httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/health/ready' });
      seen = res.peer.fingerprint256;
      if (seen !== want) await new Promise((r) => setTimeout(r, 50));
    }
    // A few more rounds on the new certificate, then stop.
    const target = fresh.ok + 5;
    while (fresh.ok < target && fresh.failures.length === 0) await new Promise((r) => setTimeout(r, 20));
    await kept.stop();
    await fresh.stop();
    agent.destroy();

    expect(seen).toBe(want);
    expect({ kept: kept.failures, fresh: fresh.failures }).toEqual({ kept: [], fresh: [] });
    expect(kept.ok).toBeGreaterThan(0);
    expect(fresh.ok).toBeGreaterThan(5);
    expect(webhook.stdout.some((l) => l.includes('"serving the new TLS certificate"'))).toBe(true);
  });
});
