// The agent's listener as an app sees it: a real agent process against the Vault test server,
// reached over a real socket. Secrets read without a token (the agent adds its auto-auth token),
// "force" replacing a client's token, 412 without X-Vault-Request when required, the lease cache
// (two reads of one leased secret: one Vault request, same credentials, the lease renewed by the
// agent), cache-clear, metrics, and POST /agent/v1/quit stopping a sidecar.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { createTlsDir } from '../helpers/tls-dir.ts';
import { join } from 'node:path';
import type { AgentConfig, ListenerStanza } from '../../shared/agent-config.ts';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, waitFor, type AgentProcess, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SENTINEL = 'sentinel-Lq73-never-logged';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } },
    database: {
      type: 'database',
      roles: { app: { default_ttl: 3, max_ttl: 60 }, persist: { default_ttl: 60, max_ttl: 600 } },
    },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 600 }) },
};

const env = setUpAgentTestEnv(SEED);

const count = (method: string, path: string): number =>
  env.vault.requests.filter((r) => r.method === method && r.path === path && r.status < 400).length;

/** Starts a sidecar with these listener/cache stanzas; resolves with the listener's address. */
async function startSidecar(
  name: string,
  extra: Partial<AgentConfig> & { api_proxy?: unknown },
): Promise<{ agent: AgentProcess; base: string }> {
  const config = env.work.config(
    env.vault.url,
    [
      {
        destination: join(env.work.secretsDir, `${name}.txt`),
        contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}',
      },
    ],
    extra,
  );
  const agent = spawnAgent([`-config=${env.work.writeConfig(`${name}.json`, config)}`]);
  const line = await waitFor('listener started', () =>
    agent.stdout
      .join('')
      .split('\n')
      .find((l) => l.includes('"event":"listener-started"')),
  );
  const address = (JSON.parse(line) as { address: string }).address;
  return { agent, base: `http://${address}` };
}

const vaultK8sListener = (extra: Partial<ListenerStanza> = {}): ListenerStanza[] => [
  { type: 'tcp', address: '127.0.0.1:0', tls_disable: true, ...extra },
];

describe('agent listener (vault-k8s agent-cache-enable config)', () => {
  it('proxies with the auto-auth token, caches a leased secret (one Vault request, renewed), clears, counts, and quits', async () => {
    const { agent, base } = await startSidecar('cache', {
      listener: vaultK8sListener({ agent_api: { enable_quit: true } }),
      cache: { use_auto_auth_token: 'true' },
    });

    // No token from the app: the agent's own is used.
    const kv = await fetch(`${base}/v1/secret/data/app/config`);
    expect(kv.status).toBe(200);
    expect(kv.headers.get('content-type')).toBe('application/json');
    expect(((await kv.json()) as { data: { data: { password: string } } }).data.data.password).toBe(SENTINEL);
    // A token from the app is the app's (use_auto_auth_token = true, not "force").
    const own = await fetch(`${base}/v1/secret/data/app/config`, {
      headers: { 'X-Vault-Token': 'hvs.not-a-real-token' },
    });
    expect(own.status).toBe(403);
    // The auto-auth token's own id is not handed out.
    const self = (await (await fetch(`${base}/v1/auth/token/lookup-self`)).json()) as { data: Record<string, unknown> };
    expect(self.data['accessor']).toEqual(expect.any(String));
    expect(self.data['id']).toBeUndefined();

    // Two reads of one leased secret: the same credentials, one Vault request.
    const readsBefore = count('GET', '/v1/database/creds/app');
    const first = await fetch(`${base}/v1/database/creds/app`);
    const second = await fetch(`${base}/v1/database/creds/app`);
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    const a = (await first.json()) as { lease_id: string; data: { username: string; password: string } };
    const b = (await second.json()) as { lease_id: string; data: { username: string; password: string } };
    expect(b.data).toEqual(a.data);
    expect(b.lease_id).toBe(a.lease_id);
    expect(count('GET', '/v1/database/creds/app')).toBe(readsBefore + 1);
    // The agent renews that lease (3 s TTL: at once, then on the ⅔ rule), so it outlives its TTL.
    await waitFor(
      'lease renewed twice',
      () => env.vault.requests.filter((r) => r.path === '/v1/sys/leases/renew' && r.status === 200).length >= 2,
      6000,
    );
    expect(env.vault.leases().find((l) => l.id === a.lease_id)?.revoked).toBe(false);
    const third = await fetch(`${base}/v1/database/creds/app`);
    expect(((await third.json()) as { data: unknown }).data).toEqual(a.data);
    expect(count('GET', '/v1/database/creds/app')).toBe(readsBefore + 1);

    // cache-clear: the next identical read goes to Vault again (new credentials).
    const cleared = await fetch(`${base}/agent/v1/cache-clear`, {
      method: 'POST',
      body: JSON.stringify({ type: 'lease', value: a.lease_id }),
    });
    expect(cleared.status).toBe(200);
    const fourth = await fetch(`${base}/v1/database/creds/app`);
    expect(fourth.headers.get('x-cache')).toBe('MISS');
    const d = (await fourth.json()) as { lease_id: string; data: unknown };
    expect(d.data).not.toEqual(a.data);
    expect(count('GET', '/v1/database/creds/app')).toBe(readsBefore + 2);
    // A revocation proxied through the agent drops the cached response it made useless.
    const revoked = await fetch(`${base}/v1/sys/leases/revoke`, {
      method: 'PUT',
      body: JSON.stringify({ lease_id: d.lease_id }),
    });
    expect(revoked.status).toBe(204);
    expect((await fetch(`${base}/v1/database/creds/app`)).headers.get('x-cache')).toBe('MISS');
    expect(count('GET', '/v1/database/creds/app')).toBe(readsBefore + 3);
    // Two identical requests at once: one Vault request, one lease, the same answer.
    expect((await fetch(`${base}/agent/v1/cache-clear`, { method: 'POST', body: '{"type":"all"}' })).status).toBe(200);
    // Vault answers slowly, so the second request arrives while the first is still out.
    env.vault.faults.setLatency(300);
    const pair = await Promise.all([fetch(`${base}/v1/database/creds/app`), fetch(`${base}/v1/database/creds/app`)]);
    env.vault.faults.setLatency(0);
    expect(pair.map((r) => r.headers.get('x-cache')).sort()).toEqual(['HIT', 'MISS']);
    const [p1, p2] = (await Promise.all(pair.map((r) => r.json()))) as { lease_id: string }[];
    expect(p1?.lease_id).toBe(p2?.lease_id);
    expect(count('GET', '/v1/database/creds/app')).toBe(readsBefore + 4);
    expect((await fetch(`${base}/agent/v1/cache-clear`, { method: 'POST', body: '{"type":"bogus"}' })).status).toBe(
      400,
    );

    // Vault Agent's metric names.
    const metrics = (await (await fetch(`${base}/agent/v1/metrics`)).json()) as {
      Counters: { Name: string; Sum: number }[];
    };
    const sum = (n: string): number | undefined => metrics.Counters.find((c) => c.Name === n)?.Sum;
    expect(sum('vault.agent.cache.hit')).toBe(3);
    expect(sum('vault.agent.cache.miss')).toBeGreaterThanOrEqual(3);
    expect(sum('vault.agent.proxy.client_error')).toBe(1);
    const prom = await (await fetch(`${base}/agent/v1/metrics?format=prometheus`)).text();
    expect(prom).toContain('vault_agent_cache_hit 3');

    // A large answer (over what the cache buffers) streams through whole, Vault's headers kept.
    const big = 'x'.repeat(3 * 1024 * 1024);
    env.vault.writeKv('secret', 'app/big', { blob: big });
    const bigRead = await fetch(`${base}/v1/secret/data/app/big`);
    expect(bigRead.status).toBe(200);
    expect(bigRead.headers.get('cache-control')).toBe('no-store');
    expect(((await bigRead.json()) as { data: { data: { blob: string } } }).data.data.blob).toBe(big);
    // Vault's error status and body come back unchanged.
    const missing = await fetch(`${base}/v1/secret/data/app/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [] });

    // Quit: a 405 for GET, then POST stops the sidecar with 0 within 2 s.
    expect((await fetch(`${base}/agent/v1/quit`)).status).toBe(405);
    const t0 = Date.now();
    expect((await fetch(`${base}/agent/v1/quit`, { method: 'POST' })).status).toBe(200);
    const { code, at } = await agent.exited;
    expect({ code, fast: at - t0 < 2000 }).toEqual({ code: 0, fast: true });
    expect(agent.logText()).not.toContain(SENTINEL);
    expect(agent.logText()).not.toContain(a.data.password);
    // Nor the auto-auth token it added to every proxied request.
    expect(agent.logText()).not.toContain(readFileSync(join(env.work.dir, '.vault-token'), 'utf8'));
  }, 30_000);

  it('"force" replaces the client token; require_request_header answers 412; quit is refused when not enabled', async () => {
    const { agent, base } = await startSidecar('force', {
      listener: vaultK8sListener({ require_request_header: true } as Partial<ListenerStanza>),
      api_proxy: { use_auto_auth_token: 'force' },
    });
    const missing = await fetch(`${base}/v1/secret/data/app/config`);
    expect(missing.status).toBe(412);
    expect(await missing.json()).toEqual({ errors: ['missing "X-Vault-Request" header'] });
    const forced = await fetch(`${base}/v1/secret/data/app/config`, {
      headers: { 'X-Vault-Request': 'true', 'X-Vault-Token': 'hvs.not-a-real-token' },
    });
    expect(forced.status).toBe(200);
    const bearer = await fetch(`${base}/v1/secret/data/app/config`, {
      headers: { 'X-Vault-Request': 'true', Authorization: 'Bearer hvs.not-a-real-token' },
    });
    expect(bearer.status).toBe(200);
    // A request target naming another host still goes to the configured Vault only.
    const absolute = await rawGet(base, 'http://attacker.invalid/v1/secret/data/app/config', {
      'x-vault-request': 'true',
    });
    expect(absolute.status).toBe(200);
    // No api_proxy cache here: responses carry no X-Cache.
    expect(forced.headers.get('x-cache')).toBeNull();
    expect((await fetch(`${base}/agent/v1/quit`, { method: 'POST' })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(agent.child.exitCode).toBeNull();
    expect((await agent.stop()).code).toBe(0);
  }, 20_000);
});

describe('listener kinds', () => {
  it('serves a unix socket, a TLS listener and a metrics_only listener side by side', async () => {
    const tls = await createTlsDir();
    const socket = join(env.work.dir, 'agent.sock');
    try {
      const config = env.work.config(
        env.vault.url,
        [{ destination: join(env.work.secretsDir, 'kinds.txt'), contents: 'x' }],
        {
          listener: [
            { type: 'unix', address: socket, tls_disable: true },
            {
              type: 'tcp',
              address: '127.0.0.1:0',
              tls_cert_file: tls.certFile,
              tls_key_file: tls.keyFile,
            } as ListenerStanza,
            { type: 'tcp', address: '127.0.0.1:0', tls_disable: true, role: 'metrics_only' } as ListenerStanza,
          ],
          api_proxy: { use_auto_auth_token: true },
        } as Partial<AgentConfig>,
      );
      const agent = spawnAgent([`-config=${env.work.writeConfig('kinds.json', config)}`]);
      const lines = await waitFor('three listeners', () => {
        const started = agent.stdout
          .join('')
          .split('\n')
          .filter((l) => l.includes('"event":"listener-started"'));
        return started.length === 3
          ? started.map((l) => JSON.parse(l) as { address: string; tls: boolean; role: string })
          : undefined;
      });
      const [unix, secure, metricsOnly] = lines;
      expect(unix?.address).toBe(socket);
      const viaSocket = await send({ socketPath: socket, path: '/v1/secret/data/app/config' });
      expect(viaSocket.status).toBe(200);
      const t = new URL(`https://${secure?.address ?? ''}`);
      const viaTls = await send(
        { host: t.hostname, port: t.port, path: '/v1/secret/data/app/config', ca: readFileSync(tls.caFile, 'utf8') },
        true,
      );
      expect({ status: viaTls.status, tls: secure?.tls }).toEqual({ status: 200, tls: true });
      const m = new URL(`http://${metricsOnly?.address ?? ''}`);
      expect((await send({ host: m.hostname, port: m.port, path: '/v1/secret/data/app/config' })).status).toBe(404);
      expect((await send({ host: m.hostname, port: m.port, path: '/agent/v1/metrics' })).status).toBe(200);
      expect((await agent.stop()).code).toBe(0);
    } finally {
      await tls.remove();
    }
  }, 20_000);
});

describe('listener start failure', () => {
  it('exits 1 naming the address when the listener cannot bind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => {
      taken.listen(0, '127.0.0.1', resolve);
    });
    const port = (taken.address() as AddressInfo).port;
    try {
      const config = env.work.config(
        env.vault.url,
        [{ destination: join(env.work.secretsDir, 'bind.txt'), contents: 'x' }],
        { listener: vaultK8sListener({ address: `127.0.0.1:${port}` }) },
      );
      const agent = spawnAgent([`-config=${env.work.writeConfig('bind.json', config)}`]);
      expect((await agent.exited).code).toBe(1);
      expect(agent.stderr.join('')).toContain(`listener[0]: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    } finally {
      taken.close();
    }
  });
});

describe('persistent cache (vault-k8s init + sidecar with agent-cache-enable)', () => {
  it('maps persist "kubernetes" onto the hand-off: the sidecar adopts the init token and lease, one login and one lease for the pod', async () => {
    const cacheDir = join(env.work.dir, 'agent-cache');
    const db = join(env.work.secretsDir, 'persist-db');
    const templates = [
      {
        destination: db,
        contents: '{{ with secret "database/creds/persist" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}',
      },
    ];
    // Exactly the stanzas vault-k8s puts into both configs when the cache is persistent.
    const stanzas = {
      listener: vaultK8sListener(),
      cache: { use_auto_auth_token: 'true', persist: { type: 'kubernetes', path: cacheDir } },
    };
    const logins = (): number => count('PUT', '/v1/auth/kubernetes/login');
    const reads = (): number => count('GET', '/v1/database/creds/persist');
    const [loginsBefore, readsBefore] = [logins(), reads()];
    const init = spawnAgent([
      `-config=${env.work.writeConfig('persist-init.json', env.work.config(env.vault.url, templates, { ...stanzas, exit_after_auth: true }))}`,
    ]);
    expect((await init.exited).code).toBe(0);
    const rendered = readFileSync(db, 'utf8');
    const sidecar = spawnAgent([
      `-config=${env.work.writeConfig('persist-sidecar.json', env.work.config(env.vault.url, templates, stanzas))}`,
    ]);
    await waitFor('sidecar adoption', () => sidecar.logText().includes('"event":"sidecar-ready"'));
    expect(sidecar.logText()).toContain('"event":"handoff-adopted"');
    expect({ logins: logins() - loginsBefore, reads: reads() - readsBefore }).toEqual({ logins: 1, reads: 1 });
    expect(readFileSync(db, 'utf8')).toBe(rendered);
    expect((await sidecar.stop()).code).toBe(0);
  }, 20_000);
});

function send(
  options: { socketPath?: string; host?: string; port?: string; path: string; ca?: string },
  secure = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage): void => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    };
    const r = secure ? httpsRequest(options, done) : httpRequest(options, done);
    r.on('error', reject);
    r.end();
  });
}

function rawGet(
  base: string,
  target: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: url.hostname, port: url.port, path: target, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    r.on('error', reject);
    r.end();
  });
}
