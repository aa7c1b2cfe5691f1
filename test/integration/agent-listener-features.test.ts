// The capability table the webhook admits pods by (shared/agent-capabilities.ts) against the real
// agent: every feature marked implemented is exercised here through a real agent process and the
// Vault test server, with the stanzas vault-k8s generates. A feature added to the table without a
// check here fails this test, so the table cannot claim more than the agent serves.
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FEATURES, type AgentFeatures } from '../../shared/agent-capabilities.ts';
import { encodeAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { loadAgentSettings } from '../../agent/config.ts';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, waitFor, type AgentProcess, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { password: 'pw' } } },
    database: { type: 'database', roles: { app: { default_ttl: 60, max_ttl: 600 } } },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 600 }) },
};

const env = setUpAgentTestEnv(SEED);

interface Running {
  readonly agent: AgentProcess;
  readonly base: string;
}

/** One check per feature; each resolves only when the agent really serves it. */
const CHECKS: { readonly [K in keyof AgentFeatures]: (r: Running) => Promise<void> } = {
  listener: async ({ base }) => {
    expect((await fetch(`${base}/v1/sys/health`)).status).toBe(200);
  },
  apiProxy: async ({ base }) => {
    const r = await fetch(`${base}/v1/secret/data/app/config`);
    expect(r.status).toBe(200);
  },
  cache: async ({ base }) => {
    const first = await fetch(`${base}/v1/database/creds/app`);
    const second = await fetch(`${base}/v1/database/creds/app`);
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    expect(await second.json()).toEqual(await first.json());
  },
  persistentCache: () => {
    // The init → sidecar adoption itself is proven in agent-listener.test.ts; here: the stanza
    // vault-k8s emits turns the hand-off on.
    const config: AgentConfig = {
      ...env.work.config(env.vault.url, []),
      cache: { persist: { type: 'kubernetes', path: '/vault/agent-cache' } },
      listener: [{ type: 'tcp', address: '127.0.0.1:8200', tls_disable: true }],
    };
    expect(loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(config) }, () => '').stateDir).toBe(
      '/vault/agent-cache',
    );
    return Promise.resolve();
  },
  telemetry: async ({ base }) => {
    const m = (await (await fetch(`${base}/agent/v1/metrics`)).json()) as { Gauges: { Name: string; Value: number }[] };
    // disable_hostname from the telemetry stanza: the gauge name has no host part.
    expect(m.Gauges).toContainEqual({ Name: 'vault.agent.authenticated', Value: 1, Labels: {} });
  },
  quit: async ({ agent, base }) => {
    expect((await fetch(`${base}/agent/v1/quit`, { method: 'POST' })).status).toBe(200);
    expect((await agent.exited).code).toBe(0);
  },
};

describe('agent capability table', () => {
  it('serves every feature the webhook is told the agent implements', async () => {
    const marked = (Object.keys(AGENT_FEATURES) as (keyof AgentFeatures)[]).filter((k) => AGENT_FEATURES[k]);
    expect(Object.keys(CHECKS).sort()).toEqual(Object.keys(AGENT_FEATURES).sort());
    const ready = join(env.work.stateDir, 'ready');
    const config = env.work.config(
      env.vault.url,
      [
        {
          destination: join(env.work.secretsDir, 'kv'),
          contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}',
        },
      ],
      {
        listener: [{ type: 'tcp', address: '127.0.0.1:0', tls_disable: true, agent_api: { enable_quit: true } }],
        cache: { use_auto_auth_token: 'true' },
        telemetry: { disable_hostname: true, prometheus_retention_time: '30s' },
        vaultlet: { ready_file: ready },
      },
    );
    const agent = spawnAgent([`-config=${env.work.writeConfig('features.json', config)}`]);
    const line = await waitFor('listener started', () =>
      agent.stdout
        .join('')
        .split('\n')
        .find((l) => l.includes('"event":"listener-started"')),
    );
    await waitFor('first render', () => existsSync(ready));
    const running = { agent, base: `http://${(JSON.parse(line) as { address: string }).address}` };
    // quit last: it stops the agent the other checks talk to.
    for (const feature of [...marked.filter((f) => f !== 'quit'), ...marked.filter((f) => f === 'quit')])
      await CHECKS[feature](running);
    if (agent.child.exitCode === null) await agent.stop();
  }, 20_000);
});
