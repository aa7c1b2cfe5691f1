// The vault-k8s docs' agent-cache and quit examples, end to end the way the demo runs a pod: the
// annotations go through the webhook, the injected init and sidecar VAULT_CONFIGs (moved to a temp
// dir) run as real agent processes against the Vault test server, the app reads a secret through
// the sidecar's listener without a token, and then stops the sidecar the way a Job does, with
// POST /agent/v1/quit. The init container's login and lease are handed to the sidecar (vault-k8s's
// persistent cache): one login and one lease for the pod.
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { localizeAgentConfig } from '../../cli/demo/local-config.ts';
import { spawnAgent, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';
import { freePort } from '../helpers/webhook-process.ts';
import { admit, podWith, testConfig } from '../helpers/pods.ts';

const SENTINEL = 'sentinel-Cq58-never-logged';

const env = setUpAgentTestEnv({
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } },
    database: { type: 'database', roles: { app: { default_ttl: 600, max_ttl: 3600 } } },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 600, token_max_ttl: 3600 }) },
});

describe("vault-k8s's agent cache and quit examples through the webhook and the agents", () => {
  it('the app reads through the listener without a token, the pod takes one login and one lease, quit stops the sidecar', async () => {
    const port = await freePort();
    const admitted = admit(
      podWith('minimal-pod', {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'app',
        'vault.hashicorp.com/agent-cache-enable': 'true',
        'vault.hashicorp.com/agent-cache-listener-port': String(port),
        'vault.hashicorp.com/agent-enable-quit': 'true',
        'vault.hashicorp.com/agent-inject-secret-db-creds': 'database/creds/app',
        'vault.hashicorp.com/agent-inject-template-db-creds':
          '{{- with secret "database/creds/app" -}}\n{{ .Data.username }}:{{ .Data.password }}\n{{- end }}\n',
      }),
      testConfig({ AGENT_INJECT_VAULT_ADDR: env.vault.url }),
    );
    expect(admitted.result.allowed).toBe(true);
    const { work, vault } = env;
    const homeDir = join(work.dir, 'home');
    for (const dir of [homeDir, work.secretsDir, work.stateDir]) mkdirSync(dir, { recursive: true });
    const local = (config: unknown): AgentConfig =>
      localizeAgentConfig(config as AgentConfig, {
        secretsDir: work.secretsDir,
        homeDir,
        stateDir: work.stateDir,
        tokenFile: work.tokenPath,
      });
    const sidecarConfig = local(admitted.sidecarConfig);
    expect(sidecarConfig.listener).toEqual([
      { type: 'tcp', address: `127.0.0.1:${port}`, tls_disable: true, agent_api: { enable_quit: true } },
    ]);

    // The init container renders and exits, leaving its token and lease for the sidecar.
    const init = spawnAgent([`-config=${work.writeConfig('init.json', local(admitted.initConfig))}`]);
    expect((await init.exited).code).toBe(0);
    const rendered = readFileSync(join(work.secretsDir, 'db-creds'), 'utf8');
    expect(rendered).toMatch(/^v-\S+:\S+\n$/);

    // The sidecar adopts them and serves the listener.
    const sidecar = spawnAgent([`-config=${work.writeConfig('sidecar.json', sidecarConfig)}`]);
    await waitFor('listener started', () => sidecar.stdout.join('').includes('"event":"listener-started"'));
    const base = `http://127.0.0.1:${port}`;
    // The app's read: no token of its own, the agent's auto-auth token is used.
    const kv = await fetch(`${base}/v1/secret/data/app/config`);
    expect(kv.status).toBe(200);
    expect(((await kv.json()) as { data: { data: { password: string } } }).data.data.password).toBe(SENTINEL);

    const logins = vault.requests.filter((r) => r.path === '/v1/auth/kubernetes/login' && r.status === 200);
    const leases = vault.requests.filter((r) => r.path === '/v1/database/creds/app' && r.status === 200);
    expect([logins.length, leases.length]).toEqual([1, 1]);
    expect(readFileSync(join(work.secretsDir, 'db-creds'), 'utf8')).toBe(rendered);

    // A Job's last step: curl -X POST http://127.0.0.1:8200/agent/v1/quit.
    const asked = Date.now();
    const quit = await fetch(`${base}/agent/v1/quit`, { method: 'POST' });
    expect(quit.status).toBe(200);
    const { code, at } = await sidecar.exited;
    expect(code).toBe(0);
    expect(at - asked).toBeLessThan(2000);
    expect(init.logText() + sidecar.logText()).not.toContain(SENTINEL);
  }, 30_000);
});
