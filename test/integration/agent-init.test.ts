// The agent as a real process in init-container mode (exit_after_auth) against the Vault test server.
import { describe, expect, it } from '@jest/globals';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';
import { encodeAgentConfig } from '../../shared/agent-config.ts';

const SENTINEL = 'sentinel-Zq81-never-logged';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { username: 'app-user', password: SENTINEL, url: 'https://db/?a=1&b=<2>' } } },
    kv: { type: 'kv', version: 1, data: { 'app/legacy': { api_key: 'legacy-1' } } },
    database: { type: 'database', roles: { app: { default_ttl: 60, max_ttl: 120 } } },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 300 }) },
};

const env = setUpAgentTestEnv(SEED);

describe('vaultlet agent (init container)', () => {
  it('renders every template once with the minimum of Vault requests and exits 0', async () => {
    const before = env.vault.requests.length;
    const templates = [
      { destination: join(env.work.secretsDir, 'db'), contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}\n' },
      { destination: join(env.work.secretsDir, 'config'), contents: '{{ with secret "secret/app/config" }}{{ .Data.data.username }} {{ .Data.data.password }} {{ .Data.data.url }}{{ end }}\n', perms: '0600' },
      { destination: join(env.work.secretsDir, 'config-again'), contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' },
      { destination: join(env.work.secretsDir, 'legacy.hbs'), engine: 'handlebars' as const, contents: '{{#with (secret "kv/app/legacy")}}{{Data.api_key}}{{/with}}' },
    ];
    const config = env.work.config(env.vault.url, templates, { exit_after_auth: true });
    const agent = spawnAgent([`-config=${env.work.writeConfig('init.json', config)}`]);
    const { code } = await agent.exited;
    expect({ code, stderr: agent.stderr.join('') }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(env.work.secretsDir, 'db'), 'utf8')).toMatch(/^v-kubernet-app-\S+:\S+\n$/);
    expect(readFileSync(join(env.work.secretsDir, 'config'), 'utf8')).toBe(`app-user ${SENTINEL} https://db/?a=1&b=<2>\n`);
    expect(readFileSync(join(env.work.secretsDir, 'config-again'), 'utf8')).toBe(SENTINEL);
    expect(readFileSync(join(env.work.secretsDir, 'legacy.hbs'), 'utf8')).toBe('legacy-1');
    expect(statSync(join(env.work.secretsDir, 'config')).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.work.dir, '.vault-token')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(env.work.dir, '.vault-token'), 'utf8')).toMatch(/^hvs\.\S+$/);
    // login + renew-self + one preflight and one read per distinct path.
    expect(env.vault.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual([
      'GET /v1/database/creds/app 200',
      'GET /v1/kv/app/legacy 200',
      'GET /v1/secret/data/app/config 200',
      'GET /v1/sys/internal/ui/mounts/database/creds/app 200',
      'GET /v1/sys/internal/ui/mounts/kv/app/legacy 200',
      'GET /v1/sys/internal/ui/mounts/secret/app/config 200',
      'PUT /v1/auth/kubernetes/login 200',
      'PUT /v1/auth/token/renew-self 200',
    ]);
    expect(agent.logText()).not.toContain(SENTINEL);
    expect(agent.logText()).not.toContain(readFileSync(join(env.work.dir, '.vault-token'), 'utf8'));
    expect(agent.logText()).not.toContain(readFileSync(env.work.tokenPath, 'utf8').trim());
  });

  it('renders a template read from its source file, with custom delimiters', async () => {
    const source = join(env.work.dir, 'legacy.tpl');
    writeFileSync(source, '[[ with secret "kv/app/legacy" ]]key=[[ .Data.api_key ]][[ end ]]\n');
    const destination = join(env.work.secretsDir, 'from-source');
    const config = env.work.config(env.vault.url, [{ destination, source, left_delimiter: '[[', right_delimiter: ']]' }], { exit_after_auth: true });
    const agent = spawnAgent([`-config=${env.work.writeConfig('source.json', config)}`]);
    expect((await agent.exited).code).toBe(0);
    expect(readFileSync(destination, 'utf8')).toBe('key=legacy-1\n');
  });

  it('reads the config from VAULT_CONFIG (base64) when no -config is given', async () => {
    const destination = join(env.work.secretsDir, 'from-env');
    const config = env.work.config(env.vault.url, [{ destination, contents: '{{ with secret "kv/app/legacy" }}{{ .Data.api_key }}{{ end }}' }], { exit_after_auth: true });
    const agent = spawnAgent([], { VAULT_CONFIG: encodeAgentConfig(config) });
    expect((await agent.exited).code).toBe(0);
    expect(readFileSync(destination, 'utf8')).toBe('legacy-1');
  });

  it('exits 1 naming the path when a secret does not exist', async () => {
    const config = env.work.config(env.vault.url, [{ destination: join(env.work.secretsDir, 'none'), contents: '{{ with secret "secret/app/nothing" }}{{ .Data.data.x }}{{ end }}' }], { exit_after_auth: true, vault: { address: env.vault.url, retry: { num_retries: -1 } } });
    const agent = spawnAgent([`-config=${env.work.writeConfig('missing.json', config)}`]);
    expect((await agent.exited).code).toBe(1);
    expect(agent.stderr.join('')).toBe(`vaultlet agent: 1 template(s) not rendered:\n  ${join(env.work.secretsDir, 'none')}: no secret exists at secret/app/nothing\n`);
  });

  it('exits 1 with the login problem when the role is wrong and exit_on_err is set', async () => {
    const config = env.work.config(env.vault.url, [{ destination: join(env.work.secretsDir, 'x'), contents: 'x' }], { exit_after_auth: true });
    config.auto_auth = { method: { type: 'kubernetes', exit_on_err: true, config: { role: 'nope', token_path: env.work.tokenPath } } };
    const agent = spawnAgent([`-config=${env.work.writeConfig('badrole.json', config)}`]);
    expect((await agent.exited).code).toBe(1);
    expect(agent.stderr.join('')).toBe('vaultlet agent: login to auth/kubernetes as role "nope" failed: vault auth/kubernetes/login: status 400: invalid role name "nope"\n');
  });

  it('exits 2 naming every problem of an invalid config, including an unsupported auth method', async () => {
    const config = env.work.config(env.vault.url, [{ destination: 'relative/path', contents: 'x', engine: 'jinja' as never }], { exit_after_auth: true });
    config.auto_auth = { method: { type: 'alicloud', config: {} } };
    const agent = spawnAgent([`-config=${env.work.writeConfig('invalid.json', config)}`]);
    expect((await agent.exited).code).toBe(2);
    const stderr = agent.stderr.join('');
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('not supported yet');
    expect(stderr).toContain('template[0].destination');
    expect(stderr).toContain('template[0].engine');
  });
});
