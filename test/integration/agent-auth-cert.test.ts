// The agent as a real sidecar process with TLS certificate auth against the Vault test server on
// HTTPS: the login presents the method's client certificate (client_cert/client_key), the role
// trusts the CA that issued it; the agent renders, renews and logs in again. The server answers
// a login without a certificate, or with one it does not trust, as Vault does.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/agent-config.ts';
import {
  createCa,
  issueCertificate,
  type CertificateAuthority,
  type KeyPairPem,
} from '../../shared/tls/certificates.ts';
import { killAgents, makeWorkDir, spawnAgent, waitFor, type AgentWorkDir } from '../fakes/agent-process.ts';
import { issueLeaf } from '../helpers/tls-dir.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';

const SENTINEL = 'sentinel-Ce09-never-logged';
const DAY_MS = 24 * 3600 * 1000;

let serverCa: CertificateAuthority;
let clientCa: CertificateAuthority;
let client: KeyPairPem;
let vault: VaultTestServer;
let work: AgentWorkDir;

beforeAll(async () => {
  serverCa = await createCa({ commonName: 'vault server CA', validityMs: DAY_MS });
  clientCa = await createCa({ commonName: 'workload client CA', validityMs: DAY_MS });
  client = await issueCertificate({
    ca: clientCa,
    commonName: 'app.example.com',
    validityMs: DAY_MS,
    usages: ['client'],
  });
  vault = await startVaultServer({
    tls: await issueLeaf(serverCa),
    seed: {
      secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } } },
      auth: {
        cert: {
          type: 'cert',
          roles: {
            web: {
              certificate: clientCa.certPem,
              allowed_common_names: ['app.example.com'],
              token_ttl: 2,
              token_max_ttl: 5,
            },
          },
        },
      },
    },
  });
  work = makeWorkDir();
});

afterAll(async () => {
  killAgents();
  await vault.close();
  work.remove();
});

/** PUT auth/cert/login over HTTPS with (or without) a client certificate. */
function certLogin(pair?: KeyPairPem): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${vault.url}/v1/auth/cert/login`,
      { method: 'PUT', ca: serverCa.certPem, ...(pair !== undefined ? { cert: pair.certPem, key: pair.keyPem } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    r.on('error', reject);
    r.end('{"name":"web"}');
  });
}

const count = (path: string): number =>
  vault.requests.filter((r) => r.method === 'PUT' && r.path === path && r.status < 400).length;

describe('vaultlet agent: cert auth', () => {
  it('the test server checks the certificate as Vault does', async () => {
    expect(await certLogin()).toEqual({ status: 400, body: '{"errors":["client certificate must be supplied"]}\n' });
    const stranger = await issueCertificate({
      ca: await createCa({ commonName: 'other CA', validityMs: DAY_MS }),
      commonName: 'app.example.com',
      validityMs: DAY_MS,
      usages: ['client'],
    });
    expect(await certLogin(stranger)).toEqual({
      status: 400,
      body: '{"errors":["invalid certificate or no client certificate supplied"]}\n',
    });
    const ok = await certLogin(client);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({
      auth: { metadata: { cert_name: 'web', common_name: 'app.example.com' }, lease_duration: 2 },
      mount_type: 'cert',
    });
  });

  it('logs in with the method client certificate, renders, renews and logs in again', async () => {
    const files = {
      ca: join(work.dir, 'vault-ca.pem'),
      cert: join(work.dir, 'client.pem'),
      key: join(work.dir, 'client-key.pem'),
    };
    writeFileSync(files.ca, serverCa.certPem);
    writeFileSync(files.cert, client.certPem);
    writeFileSync(files.key, client.keyPem, { mode: 0o600 });
    const out = join(work.secretsDir, 'cert');
    const config: AgentConfig = work.config(
      vault.url,
      [{ destination: out, contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' }],
      {
        vault: { address: vault.url, ca_cert: files.ca },
        auto_auth: {
          method: {
            type: 'cert',
            min_backoff: '100ms',
            max_backoff: '1s',
            config: { name: 'web', client_cert: files.cert, client_key: files.key },
          },
          sink: [{ type: 'file', config: { path: join(work.dir, 'cert.token') } }],
        },
      },
    );
    const before = count('/v1/auth/cert/login');
    const agent = spawnAgent([`-config=${work.writeConfig('cert.json', config)}`]);
    await waitFor('first render', () => existsSync(out), 10_000);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    await waitFor('renewals', () => count('/v1/auth/token/renew-self') >= 2, 8000);
    await waitFor('a second login', () => count('/v1/auth/cert/login') >= before + 2, 10_000);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
  }, 30_000);
});
