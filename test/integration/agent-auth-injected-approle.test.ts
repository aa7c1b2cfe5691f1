// vault-k8s's AppRole example, end to end: the pod's annotations (auth-type approle, role and
// secret ID files from an extra secret mounted at /vault/custom) go through the webhook, and the
// init container's VAULT_CONFIG, moved to a temp dir, runs as a real agent process against the
// Vault test server. The secret ID file sits on a read-only Secret volume in a pod; here it can be
// deleted, and is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { localizeAgentConfig } from '../../cli/demo/local-config.ts';
import { killAgents, makeWorkDir, spawnAgent, type AgentWorkDir } from '../fakes/agent-process.ts';
import { admit, podWith, testConfig } from '../helpers/pods.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';

const SENTINEL = 'sentinel-Ap33-never-logged';
let vault: VaultTestServer;
let work: AgentWorkDir;

beforeAll(async () => {
  vault = await startVaultServer({
    seed: {
      secrets: { database: { type: 'database', roles: { 'db-app': { default_ttl: 3600, max_ttl: 7200 } } } },
      auth: {
        approle: {
          type: 'approle',
          roles: { 'db-app': { role_id: 'a5f4c2e1-role', secret_ids: [`${SENTINEL}-secret-id`], token_ttl: 3600 } },
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

/** /vault/custom (the agent-extra-secret volume) → a temp dir, as localizeAgentConfig does for the others. */
function moveCustom(config: AgentConfig, customDir: string): AgentConfig {
  const method = config.auto_auth?.method;
  if (method?.config === undefined) return config;
  const moved = Object.fromEntries(
    Object.entries(method.config).map(([k, v]) => [
      k,
      typeof v === 'string' && v.startsWith('/vault/custom/') ? join(customDir, v.slice('/vault/custom/'.length)) : v,
    ]),
  );
  return { ...config, auto_auth: { ...config.auto_auth, method: { ...method, config: moved } } };
}

describe("vault-k8s's AppRole example through the webhook and the agent", () => {
  it('the injected init container logs in with AppRole, renders the database credentials and exits 0', async () => {
    const admitted = admit(
      podWith('minimal-pod', {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/agent-extra-secret': 'approle-example',
        'vault.hashicorp.com/auth-type': 'approle',
        'vault.hashicorp.com/auth-path': 'auth/approle',
        'vault.hashicorp.com/auth-config-role-id-file-path': '/vault/custom/role-id',
        'vault.hashicorp.com/auth-config-secret-id-file-path': '/vault/custom/secret-id',
        'vault.hashicorp.com/agent-inject-secret-db-creds': 'database/creds/db-app',
        'vault.hashicorp.com/agent-inject-template-db-creds':
          '{{- with secret "database/creds/db-app" -}}\npostgres://{{ .Data.username }}:{{ .Data.password }}@postgres:5432/mydb?sslmode=disable\n{{- end }}\n',
      }),
      testConfig({ AGENT_INJECT_VAULT_ADDR: vault.url }),
    );
    expect(admitted.result.allowed).toBe(true);
    const injected = admitted.initConfig as AgentConfig;
    expect(injected.auto_auth?.method).toMatchObject({
      type: 'approle',
      mount_path: 'auth/approle',
      config: { role_id_file_path: '/vault/custom/role-id', secret_id_file_path: '/vault/custom/secret-id' },
    });

    const customDir = join(work.dir, 'custom');
    mkdirSync(customDir);
    writeFileSync(join(customDir, 'role-id'), 'a5f4c2e1-role\n');
    writeFileSync(join(customDir, 'secret-id'), `${SENTINEL}-secret-id\n`);
    const homeDir = join(work.dir, 'home');
    mkdirSync(homeDir);
    // The pod's emptyDir volumes.
    mkdirSync(work.secretsDir, { recursive: true });
    mkdirSync(work.stateDir, { recursive: true });
    const local = moveCustom(
      localizeAgentConfig(injected, {
        secretsDir: work.secretsDir,
        homeDir,
        stateDir: work.stateDir,
        tokenFile: work.tokenPath,
      }),
      customDir,
    );
    const agent = spawnAgent([`-config=${work.writeConfig('injected-init.json', local)}`]);
    const { code } = await agent.exited;
    expect({ code, stderr: agent.stderr.join('') }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(work.secretsDir, 'db-creds'), 'utf8')).toMatch(
      /^postgres:\/\/v-\S+:\S+@postgres:5432\/mydb\?sslmode=disable\n$/,
    );
    expect(vault.requests.filter((r) => r.path === '/v1/auth/approle/login').map((r) => r.status)).toEqual([200]);
    expect(existsSync(join(customDir, 'secret-id'))).toBe(false);
    expect(agent.logText()).not.toContain(SENTINEL);
  }, 20_000);
});
