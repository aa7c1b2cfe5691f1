// The webhook as a real process, against clients that anyone who can reach its Service could be:
// connections that never start TLS, bodies sent a byte at a time, bodies larger than declared or
// allowed, more body bytes in flight than the budget, 100k-deep JSON, forged namespaces, and
// secret-looking env values under trace logging. Every wait is bounded; only 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { createTlsDir, type TlsDir } from '../helpers/tls-dir.ts';
import {
  httpsRequest,
  parseRawAnswer,
  rawTlsExchange,
  startWebhook,
  type WebhookProcess,
} from '../helpers/webhook-process.ts';

const VAULT_ADDR = 'https://vault.vault.svc:8200';
const SENTINEL = 'sentinel-Qz4-env-value-never-logged';
const MAX_BODY = 256 * 1024;

let tls: TlsDir;
/** Short timeouts and few connections: the connection-level defences. */
let strict: WebhookProcess;
/** Default timeouts, a small body budget, metrics and trace logging: the request-level ones. */
let roomy: WebhookProcess;

beforeAll(async () => {
  tls = await createTlsDir();
  const common = {
    AGENT_INJECT_VAULT_ADDR: VAULT_ADDR,
    AGENT_INJECT_TLS_CERT_FILE: tls.certFile,
    AGENT_INJECT_TLS_KEY_FILE: tls.keyFile,
  };
  [strict, roomy] = await Promise.all([
    startWebhook({
      ...common,
      AGENT_INJECT_MAX_BODY_BYTES: String(MAX_BODY),
      AGENT_INJECT_MAX_CONNECTIONS: '20',
      AGENT_INJECT_TLS_HANDSHAKE_TIMEOUT: '1s',
      AGENT_INJECT_REQUEST_TIMEOUT: '1s',
    }),
    startWebhook({
      ...common,
      // Room for a 100k-deep object (600 KB), which must be refused for its depth, not its size.
      AGENT_INJECT_MAX_BODY_BYTES: String(768 * 1024),
      AGENT_INJECT_MAX_INFLIGHT_BODY_BYTES: String(1024 * 1024),
      AGENT_INJECT_TELEMETRY_PATH: '/metrics',
      AGENT_INJECT_LOG_LEVEL: 'trace',
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([strict.stop(), roomy.stop()]);
  await tls.remove();
});

function annotatedPod(namespace: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'web-',
      namespace,
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'web',
        'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/web',
      },
    },
    spec: {
      serviceAccountName: 'web',
      containers: [
        {
          name: 'app',
          image: 'app:1',
          env: [{ name: 'DB_PASSWORD', value: SENTINEL }],
          volumeMounts: [
            { name: 'kube-api-access-x1', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
          ],
        },
      ],
      volumes: [
        {
          name: 'kube-api-access-x1',
          projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] },
        },
      ],
    },
  };
}

function review(namespace: string, uid: string): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid, namespace, operation: 'CREATE', object: annotatedPod(namespace) },
  });
}

function head(port: number, contentLength: number): string {
  return `POST /mutate HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

/** Resolves when the server closes a plain TCP connection (or after giveUpMs), with the time taken. */
function tcpHeldFor(port: number, giveUpMs: number): Promise<{ closedByServer: boolean; ms: number }> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const socket = netConnect({ host: '127.0.0.1', port });
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, giveUpMs);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closedByServer: !gaveUp, ms: performance.now() - startedAt });
    });
  });
}

describe('connection limits (real process, real TLS)', () => {
  it('closes a TCP connection that never starts TLS after the handshake timeout', async () => {
    const held = await tcpHeldFor(strict.port, 6000);
    expect(held.closedByServer).toBe(true);
    expect(held.ms).toBeGreaterThan(700);
    expect(held.ms).toBeLessThan(4000);
  });

  it('closes a connection that sends its TLS ClientHello a byte at a time at the handshake timeout', async () => {
    const trickled = await new Promise<number>((resolve) => {
      const startedAt = performance.now();
      const socket = netConnect({ host: '127.0.0.1', port: strict.port });
      // The first bytes of a ClientHello: a handshake record that never completes.
      const hello = Buffer.from(`16030100c8010000c40303${'00'.repeat(190)}`, 'hex');
      let sent = 0;
      const drip = setInterval(() => {
        if (sent < hello.length && !socket.destroyed) socket.write(hello.subarray(sent, (sent += 1)));
      }, 200);
      const giveUp = setTimeout(() => socket.destroy(), 6000);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        clearInterval(drip);
        clearTimeout(giveUp);
        resolve(performance.now() - startedAt);
      });
    });
    expect(trickled).toBeGreaterThan(700);
    expect(trickled).toBeLessThan(4000);
  });

  it('closes a TLS connection that sends no request within the request timeout', async () => {
    const silent = await rawTlsExchange({ port: strict.port, ca: tls.ca.certPem, head: '', giveUpMs: 6000 });
    expect(silent.closedAfterMs).toBeGreaterThan(700);
    expect(silent.closedAfterMs).toBeLessThan(4000);
  });

  it('cuts off a body sent a byte at a time at the request deadline, and still answers others meanwhile', async () => {
    const body = review('team', 'slow');
    const trickle: [number, string][] = Array.from({ length: 40 }, (_, i) => [150, body.charAt(i)]);
    const slow = rawTlsExchange({
      port: strict.port,
      ca: tls.ca.certPem,
      head: head(strict.port, Buffer.byteLength(body)),
      then: trickle,
      giveUpMs: 6000,
    });
    // While the slow body holds its connection, a normal review is answered at once.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const startedAt = performance.now();
    const normal = await httpsRequest({
      port: strict.port,
      ca: tls.ca.certPem,
      path: '/mutate',
      body: review('team', 'quick'),
    });
    expect(normal.status).toBe(200);
    expect(performance.now() - startedAt).toBeLessThan(1000);
    const answer = await slow;
    expect(answer.closedAfterMs).toBeLessThan(4000);
    expect(parseRawAnswer(answer.received)).toMatchObject({ status: 408, body: { code: 'WHK_REQUEST_TIMEOUT' } });
  });

  it('cuts a whole request on any path a second after the request timeout, however slowly it is sent', async () => {
    const head = `POST /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n`;
    const trickle: [number, string][] = Array.from({ length: 40 }, () => [100, ' ']);
    const answer = await rawTlsExchange({ port: strict.port, ca: tls.ca.certPem, head, then: trickle, giveUpMs: 6000 });
    expect(answer.closedAfterMs).toBeGreaterThan(1500);
    expect(answer.closedAfterMs).toBeLessThan(2900);
  });

  it('drops connections past AGENT_INJECT_MAX_CONNECTIONS, and serves again once they are gone', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < 20; i += 1) {
      const socket = netConnect({ host: '127.0.0.1', port: strict.port });
      socket.on('error', () => undefined);
      idle.push(socket);
    }
    await Promise.all(idle.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await httpsRequest({ port: strict.port, ca: tls.ca.certPem, path: '/health/ready' }).then(
      (res) => `status ${res.status}`,
      (err: NodeJS.ErrnoException) => err.code ?? 'error',
    );
    expect(refused).toMatch(/^(ECONNRESET|EPIPE)$/);
    for (const socket of idle) socket.destroy();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 204; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await httpsRequest({ port: strict.port, ca: tls.ca.certPem, path: '/health/ready' }).then(
        (r) => r.status,
        () => 0,
      );
    }
    expect(status).toBe(204);
  });
});

describe('request bodies (real process, real TLS)', () => {
  it('answers a declared body larger than the limit with a 413 the client reads, even while it keeps sending', async () => {
    const declared = 4 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 0x20);
    const statuses: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const answer = await rawTlsExchange({
        port: roomy.port,
        ca: tls.ca.certPem,
        head: head(roomy.port, declared),
        then: Array.from({ length: declared / block.length }, () => [0, block] as const),
        giveUpMs: 5000,
      });
      const parsed = parseRawAnswer(answer.received);
      statuses.push(parsed.status);
      if (parsed.status === 413) expect(parsed.body).toMatchObject({ code: 'WHK_BODY_TOO_LARGE' });
    }
    expect(statuses).toEqual([413, 413, 413, 413, 413]);
  });

  it('answers 503 quickly to a large body once the bodies in flight fill the budget, never to an ordinary one', async () => {
    // Three connections hold 400 KiB each of a declared 410 KiB body. Each request's first 64 KiB
    // are its own; the rest, 3 × 336 KiB = 1008 KiB, comes from the 1 MiB budget.
    const partial = Buffer.alloc(400 * 1024, 0x20);
    const holders = Array.from({ length: 3 }, () =>
      rawTlsExchange({
        port: roomy.port,
        ca: tls.ca.certPem,
        head: head(roomy.port, 410 * 1024),
        then: [[0, partial]],
        giveUpMs: 4000,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = performance.now();
    const busy = await httpsRequest({
      port: roomy.port,
      ca: tls.ca.certPem,
      path: '/mutate',
      body: review('team', 'busy') + ' '.repeat(200 * 1024),
    });
    expect(performance.now() - startedAt).toBeLessThan(2000);
    expect([busy.status, JSON.parse(busy.body).code]).toEqual([503, 'WHK_BUSY']);
    // An ordinary review fits in its own free bytes: a full budget never refuses it.
    const ordinary = await httpsRequest({
      port: roomy.port,
      ca: tls.ca.certPem,
      path: '/mutate',
      body: review('team', 'ordinary'),
    });
    expect(ordinary.status).toBe(200);
    await Promise.all(holders);
    const after = await httpsRequest({
      port: roomy.port,
      ca: tls.ca.certPem,
      path: '/mutate',
      body: review('team', 'after'),
    });
    expect(after.status).toBe(200);
  });

  it('answers a 100k-deep JSON body with a JSON 400, and keeps serving', async () => {
    const depth = 100_000;
    const deep = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"deep","namespace":"team","operation":"CREATE","object":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    const res = await httpsRequest({ port: roomy.port, ca: tls.ca.certPem, path: '/mutate', body: deep });
    expect([res.status, JSON.parse(res.body).code]).toEqual([400, 'WHK_BAD_JSON']);
    const deepArray = `{"request":{"uid":"deep","object":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const res2 = await httpsRequest({ port: roomy.port, ca: tls.ca.certPem, path: '/mutate', body: deepArray });
    expect([res2.status, JSON.parse(res2.body).code]).toEqual([400, 'WHK_BAD_JSON']);
    expect((await httpsRequest({ port: roomy.port, ca: tls.ca.certPem, path: '/health/ready' })).status).toBe(204);
  });
});

describe('metrics and logs (real process, real TLS)', () => {
  it('keeps the namespace label set bounded under forged namespaces', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const forged = Array.from({ length: 1100 }, (_, i) => `forged-${i.toString(36)}`);
    for (let i = 0; i < forged.length; i += 50) {
      await Promise.all(
        forged
          .slice(i, i + 50)
          .map((ns) =>
            httpsRequest({ port: roomy.port, ca: tls.ca.certPem, path: '/mutate', body: review(ns, `u-${ns}`), agent }),
          ),
      );
    }
    agent.destroy();
    const metrics = await httpsRequest({ port: roomy.port, ca: tls.ca.certPem, path: '/metrics' });
    const series = metrics.body
      .split('\n')
      .filter((l) => l.startsWith('vault_agent_injector_injections_by_namespace_total{'));
    expect(series.length).toBeLessThanOrEqual(1001);
    expect(series.some((l) => l.includes('namespace="_other"'))).toBe(true);
    const counted = series.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(counted).toBeGreaterThanOrEqual(forged.length);
  });

  it('never writes a review, a pod spec or an env value to the log, even at trace level', async () => {
    for (const uid of ['trace-1', 'trace-2', 'trace-3']) {
      const res = await httpsRequest({
        port: roomy.port,
        ca: tls.ca.certPem,
        path: '/mutate',
        body: review('logs', uid),
      });
      expect(res.status).toBe(200);
    }
    let traced: string[] = [];
    for (let waited = 0; waited < 3000 && traced.length < 3; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      traced = roomy.stdout.filter((l) => l.includes('"level":"trace"') && l.includes('"trace-'));
    }
    expect(traced.length).toBe(3);
    const all = roomy.stdout.join('\n');
    expect(all).not.toContain(SENTINEL);
    expect(all).not.toContain('"containers"');
    for (const line of roomy.stdout) expect(line.length).toBeLessThan(4096);
  });
});
