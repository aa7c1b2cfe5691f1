// The agent as a real sidecar process with GCP gce auth: the instance identity token comes from
// a loopback metadata server (GCE_METADATA_HOST, as Google's libraries allow), the Vault test
// server checks its signature, audience and bound project; the agent renders, renews and logs in
// again, asking the metadata server for a fresh token each time.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { killAgents, makeWorkDir, spawnAgent, waitFor, type AgentWorkDir } from '../fakes/agent-process.ts';
import { startFakeGceMetadata, type FakeGceMetadata } from '../fakes/gce-metadata.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';

const SENTINEL = 'sentinel-Gc12-never-logged';
let metadata: FakeGceMetadata;
let vault: VaultTestServer;
let work: AgentWorkDir;

beforeAll(async () => {
  metadata = await startFakeGceMetadata({
    projectId: 'shop-prod',
    zone: 'europe-west1-b',
    instanceName: 'web-1',
    serviceAccount: 'web@shop-prod.iam.gserviceaccount.com',
  });
  vault = await startVaultServer({
    seed: {
      secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } } },
      auth: {
        gcp: {
          type: 'gcp',
          gce_identity_pubkeys: [metadata.publicKeyPem],
          roles: {
            web: { type: 'gce', bound_projects: ['shop-prod'], token_ttl: 2, token_max_ttl: 5 },
            other: { type: 'gce', bound_projects: ['elsewhere'] },
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
  await metadata.close();
  work.remove();
});

const count = (path: string, ok = true): number =>
  vault.requests.filter((r) => r.method === 'PUT' && r.path === path && r.status < 400 === ok).length;

function start(name: string, role: string) {
  const out = join(work.secretsDir, name);
  const config: AgentConfig = work.config(
    vault.url,
    [{ destination: out, contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' }],
    {
      auto_auth: {
        method: { type: 'gcp', min_backoff: '100ms', max_backoff: '1s', config: { type: 'gce', role } },
        sink: [{ type: 'file', config: { path: join(work.dir, `${name}.token`) } }],
      },
    },
  );
  return {
    out,
    agent: spawnAgent([`-config=${work.writeConfig(`${name}.json`, config)}`], { GCE_METADATA_HOST: metadata.host }),
  };
}

describe('vaultlet agent: gcp gce auth', () => {
  it('logs in with the instance identity token, renders, renews and logs in again with a new token', async () => {
    const { out, agent } = start('gce', 'web');
    await waitFor('first render', () => existsSync(out), 10_000);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    await waitFor('renewals', () => count('/v1/auth/token/renew-self') >= 2, 8000);
    await waitFor('a second login', () => count('/v1/auth/gcp/login') >= 2, 10_000);
    const identity = metadata.requests.filter(
      (r) => r.path === '/computeMetadata/v1/instance/service-accounts/default/identity',
    );
    expect(identity.length).toBeGreaterThanOrEqual(2);
    expect(identity.every((r) => r.status === 200)).toBe(true);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
    // The identity token (a JWT: base64 of '{"') never reaches a log line.
    expect(agent.logText()).not.toMatch(/eyJ[\w-]*\.eyJ/);
  }, 30_000);

  it('names the refusal when the instance is not in the bound projects', async () => {
    const { agent } = start('gce-other', 'other');
    await waitFor('a failed login', () => agent.logText().includes('"event":"login-failed"'));
    expect(agent.logText()).toContain(
      'vault auth/gcp/login: status 403: instance not in bound projects [\\"elsewhere\\"]',
    );
    expect((await agent.stop()).code).toBe(0);
  });
});
