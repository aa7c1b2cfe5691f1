// The agent's write and connection hardening as a real process against the Vault test server:
// a symlinked parent directory refused without destination_roots (every agent-configmap pod),
// stale temp files of a crashed run swept at start, and a rotated Vault CA file picked up by a
// running sidecar (over an HTTPS front whose certificate changes).
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';
import { createCa, issueCertificate } from '../../shared/tls/certificates.ts';

const SENTINEL = 'sentinel-Wr7t-never-logged';

const SEED: VaultSeed = {
  secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: `${SENTINEL}-1` } } } },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 600 }) },
};
const KV = '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}';

const env = setUpAgentTestEnv(SEED);

describe('vaultlet agent writes', () => {
  it('without destination_roots, refuses a destination whose parent directory is a symlink, writing nothing elsewhere', async () => {
    const dir = join(env.work.dir, 'symlinked');
    const outside = join(dir, 'home-vault');
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(dir, 'secrets', 'app'));
    const destination = join(dir, 'secrets', 'app', 'config');
    const config = env.work.config(env.vault.url, [{ destination, contents: KV }], { exit_after_auth: true });
    const agent = spawnAgent([`-config=${env.work.writeConfig('symlinked.json', config)}`]);
    const { code } = await agent.exited;
    expect(code).toBe(1);
    expect(agent.stderr.join('')).toContain(
      `${destination}: the parent directory "app" is a symlink or not a directory`,
    );
    expect(readdirSync(outside)).toEqual([]);
    expect(agent.logText()).not.toContain(SENTINEL);
  });

  it('removes the temp files a crashed run left beside its destinations and sinks, and nothing else', async () => {
    const dir = join(env.work.dir, 'crashed');
    mkdirSync(dir);
    const leftovers = ['.config.tmp.7.5qarcgeli', '.config.tmp.1.a'];
    for (const f of [...leftovers, '.config.tmp.keep', 'notes']) writeFileSync(join(dir, f), 'partial');
    writeFileSync(join(env.work.dir, '..vault-token.tmp.9.zz'), 'partial');
    const config = env.work.config(env.vault.url, [{ destination: join(dir, 'config'), contents: KV }], {
      exit_after_auth: true,
    });
    const agent = spawnAgent([`-config=${env.work.writeConfig('crashed.json', config)}`]);
    expect((await agent.exited).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['.config.tmp.keep', 'config', 'notes']);
    expect(existsSync(join(env.work.dir, '..vault-token.tmp.9.zz'))).toBe(false);
    expect(agent.logText()).toContain('"event":"temp-sweep","removed":3');
  });
});

describe('vaultlet agent with a rotated Vault CA file', () => {
  const servers: https.Server[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it("keeps working after Vault's certificate moves to a new CA and the ca_cert file is rewritten", async () => {
    const [ca1, ca2] = [
      await createCa({ commonName: 'ca-one', validityMs: 3_600_000 }),
      await createCa({ commonName: 'ca-two', validityMs: 3_600_000 }),
    ];
    const cert1 = await issueCertificate({
      ca: ca1,
      commonName: 'vault',
      ipAddresses: ['127.0.0.1'],
      validityMs: 3_600_000,
      usages: ['server'],
    });
    const cert2 = await issueCertificate({
      ca: ca2,
      commonName: 'vault',
      ipAddresses: ['127.0.0.1'],
      validityMs: 3_600_000,
      usages: ['server'],
    });
    // An HTTPS front for the plain-HTTP Vault test server.
    const upstream = new URL(env.vault.url);
    const front = https.createServer({ cert: cert1.certPem, key: cert1.keyPem }, (req, res) => {
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        res.destroy();
      });
      req.pipe(up);
    });
    servers.push(front);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const caFile = join(env.work.dir, 'vault-ca.crt');
    writeFileSync(caFile, ca1.certPem);
    const kv = join(env.work.secretsDir, 'rotated');
    const ready = join(env.work.stateDir, 'ready-rotated');
    const config = env.work.config(
      `https://127.0.0.1:${(front.address() as AddressInfo).port}`,
      [{ destination: kv, contents: KV }],
      {
        template_config: { exit_on_retry_failure: false, static_secret_render_interval: '1s' },
        vaultlet: { ready_file: ready },
      },
    );
    config.vault = { ...config.vault, ca_cert: caFile };
    const agent = spawnAgent([`-config=${env.work.writeConfig('rotated.json', config)}`]);
    try {
      await waitFor('first render', () => existsSync(ready), 15_000);
      expect(readFileSync(kv, 'utf8')).toBe(`${SENTINEL}-1`);
      // Rotate: Vault presents a certificate from the new CA (existing connections dropped), the
      // CA file is rewritten, and the secret changes so the agent must fetch again.
      front.setSecureContext({ cert: cert2.certPem, key: cert2.keyPem });
      writeFileSync(caFile, ca2.certPem);
      front.closeAllConnections();
      env.vault.writeKv('secret', 'app/config', { password: `${SENTINEL}-2` });
      await waitFor('the change through the new CA', () => readFileSync(kv, 'utf8') === `${SENTINEL}-2`, 10_000);
    } finally {
      await agent.stop();
    }
    expect(agent.logText()).not.toContain(SENTINEL);
  }, 30_000);
});
