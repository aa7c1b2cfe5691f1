// The agent as a real sidecar process with Azure auth: the VM's identity and a managed identity
// token come from a loopback IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST, as the Azure Identity SDKs
// allow), the Vault test server checks the token and the role's bound resource group; the agent
// renders, renews and logs in again with a fresh token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { killAgents, makeWorkDir, spawnAgent, waitFor, type AgentWorkDir } from '../fakes/agent-process.ts';
import { startFakeAzureImds, type FakeAzureImds } from '../fakes/azure-imds.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';

const SENTINEL = 'sentinel-Az64-never-logged';
const RESOURCE = 'https://management.azure.com/';
let imds: FakeAzureImds;
let vault: VaultTestServer;
let work: AgentWorkDir;

beforeAll(async () => {
  imds = await startFakeAzureImds({
    subscriptionId: '0b1f6471-1bf0-4dda-aec3-111122223333',
    resourceGroupName: 'shop-prod',
    name: 'web-1',
  });
  vault = await startVaultServer({
    seed: {
      secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } } },
      auth: {
        azure: {
          type: 'azure',
          resource: RESOURCE,
          azure_identity_pubkeys: [imds.publicKeyPem],
          roles: {
            web: { bound_resource_groups: ['shop-prod'], token_ttl: 2, token_max_ttl: 5 },
            other: { bound_resource_groups: ['elsewhere'] },
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
  await imds.close();
  work.remove();
});

const count = (path: string): number =>
  vault.requests.filter((r) => r.method === 'PUT' && r.path === path && r.status < 400).length;

function start(name: string, role: string) {
  const out = join(work.secretsDir, name);
  const config: AgentConfig = work.config(
    vault.url,
    [{ destination: out, contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' }],
    {
      auto_auth: {
        method: { type: 'azure', min_backoff: '100ms', max_backoff: '1s', config: { role, resource: RESOURCE } },
        sink: [{ type: 'file', config: { path: join(work.dir, `${name}.token`) } }],
      },
    },
  );
  return {
    out,
    agent: spawnAgent([`-config=${work.writeConfig(`${name}.json`, config)}`], {
      AZURE_POD_IDENTITY_AUTHORITY_HOST: imds.url,
    }),
  };
}

describe('vaultlet agent: azure auth', () => {
  it('logs in with the managed identity token and the VM identity, renders, renews and logs in again', async () => {
    const { out, agent } = start('azure', 'web');
    await waitFor('first render', () => existsSync(out), 10_000);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    await waitFor('renewals', () => count('/v1/auth/token/renew-self') >= 2, 8000);
    await waitFor('a second login', () => count('/v1/auth/azure/login') >= 2, 10_000);
    expect(
      imds.requests.filter((r) => r.path === '/metadata/identity/oauth2/token' && r.status === 200).length,
    ).toBeGreaterThanOrEqual(2);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
    // The identity token (a JWT: base64 of '{"') never reaches a log line.
    expect(agent.logText()).not.toMatch(/eyJ[\w-]*\.eyJ/);
  }, 30_000);

  it('names the refusal when the resource group is not bound', async () => {
    const { agent } = start('azure-other', 'other');
    await waitFor('a failed login', () => agent.logText().includes('"event":"login-failed"'));
    expect(agent.logText()).toContain('vault auth/azure/login: status 403: resource group not authorized');
    expect((await agent.stop()).code).toBe(0);
  });
});
