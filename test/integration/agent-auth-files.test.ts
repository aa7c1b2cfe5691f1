// The agent as a real sidecar process logging in with the file-based auth methods (AppRole as in
// HashiCorp's vault-k8s AppRole example, JWT, token_file) against the Vault test server, with
// token TTLs of seconds: each one logs in, renders, renews and logs in again; secret ID and JWT
// files are deleted after reading and their contents never logged.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { spawnAgent, waitFor, type AgentProcess } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';
import { identityJwtSigner } from '../vault-server/auth/identity-jwt.ts';
import { vaultCall } from '../vault-server/test-client.ts';

const SENTINEL = 'sentinel-Au71-never-logged';
const signer = identityJwtSigner();
const SHORT = { token_ttl: 2, token_max_ttl: 5 };

const SEED: VaultSeed = {
  secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } } },
  auth: {
    approle: {
      type: 'approle',
      roles: { app: { role_id: 'role-id-app', secret_ids: [`${SENTINEL}-secret-id`], ...SHORT } },
    },
    jwt: {
      type: 'jwt',
      jwt_validation_pubkeys: [signer.publicKeyPem],
      roles: { ci: { bound_audiences: ['vault'], ...SHORT } },
    },
    issuer: {
      type: 'approle',
      roles: {
        short: { role_id: 'short', bind_secret_id: false, ...SHORT },
        long: { role_id: 'long', bind_secret_id: false, token_ttl: 60, token_max_ttl: 120 },
      },
    },
  },
};

const env = setUpAgentTestEnv(SEED);

const count = (method: string, path: string): number =>
  env.vault.requests.filter((r) => r.method === method && r.path === path && r.status < 400).length;

/** Starts a sidecar with this auto_auth method and a KV template; resolves once it has rendered. */
async function startWith(
  name: string,
  method: Record<string, unknown>,
): Promise<{ agent: AgentProcess; out: string; sink: string }> {
  const out = join(env.work.secretsDir, name);
  const sink = join(env.work.dir, `${name}.token`);
  const config: AgentConfig = env.work.config(
    env.vault.url,
    [{ destination: out, contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' }],
    {
      auto_auth: {
        method: { ...method, min_backoff: '100ms', max_backoff: '1s' },
        sink: [{ type: 'file', config: { path: sink } }],
      },
    } as Partial<AgentConfig>,
  );
  const agent = spawnAgent([`-config=${env.work.writeConfig(`${name}.json`, config)}`]);
  await waitFor(`${name}: first render`, () => existsSync(out), 10_000);
  return { agent, out, sink };
}

async function expectRenewedAndLoggedInAgain(
  agent: AgentProcess,
  loginPath: string,
  loginsBefore: number,
): Promise<void> {
  await waitFor('renewals', () => count('PUT', '/v1/auth/token/renew-self') >= 2, 8000);
  // Token TTL 2 s, max 5 s: renewals stop extending it, so the agent logs in again.
  await waitFor('a second login', () => count('PUT', loginPath) >= loginsBefore + 2, 10_000);
  expect(agent.logText()).toContain('"event":"login"');
}

describe('vaultlet agent auth methods (files)', () => {
  it('approle: logs in with role and secret ID files, deletes the secret ID file, renews and logs in again with the remembered ID', async () => {
    const roleId = join(env.work.dir, 'role-id');
    const secretId = join(env.work.dir, 'secret-id');
    writeFileSync(roleId, 'role-id-app\n');
    writeFileSync(secretId, `${SENTINEL}-secret-id\n`);
    const before = count('PUT', '/v1/auth/approle/login');
    const { agent, out } = await startWith('approle', {
      type: 'approle',
      mount_path: 'auth/approle',
      config: { role_id_file_path: roleId, secret_id_file_path: secretId },
    });
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect(existsSync(secretId)).toBe(false);
    expect(existsSync(roleId)).toBe(true);
    await expectRenewedAndLoggedInAgain(agent, '/v1/auth/approle/login', before);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
  }, 30_000);

  it('approle with secret_id_response_wrapping_path: checks where the wrapped secret ID was made, unwraps it and logs in', async () => {
    const wrap = async (method: string, path: string): Promise<string> => {
      const res = await vaultCall(env.vault.url, method, `/v1/${path}`, {
        token: env.vault.rootToken,
        headers: { 'x-vault-wrap-ttl': '300' },
      });
      return (res.body as { wrap_info: { token: string } }).wrap_info.token;
    };
    const roleId = join(env.work.dir, 'wrapped-role-id');
    const secretId = join(env.work.dir, 'wrapped-secret-id');
    writeFileSync(roleId, 'role-id-app');
    writeFileSync(secretId, await wrap('PUT', 'auth/approle/role/app/secret-id'));
    const method = {
      type: 'approle',
      config: {
        role_id_file_path: roleId,
        secret_id_file_path: secretId,
        secret_id_response_wrapping_path: 'auth/approle/role/app/secret-id',
      },
    };
    const { agent, out } = await startWith('approle-wrapped', method);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect(existsSync(secretId)).toBe(false);
    expect(
      env.vault.requests
        .filter((r) => r.path.startsWith('/v1/sys/wrapping/'))
        .map((r) => `${r.method} ${r.path} ${r.status}`),
    ).toEqual(['PUT /v1/sys/wrapping/lookup 200', 'PUT /v1/sys/wrapping/unwrap 200']);
    expect((await agent.stop()).code).toBe(0);

    // A wrapping token made elsewhere (here: wrapping a KV read) is refused before it is unwrapped.
    writeFileSync(secretId, await wrap('GET', 'secret/data/app/config'));
    const refused = spawnAgent([
      `-config=${env.work.writeConfig(
        'approle-wrapped-bad.json',
        env.work.config(env.vault.url, [], {
          auto_auth: {
            method: { ...method, min_backoff: '100ms', max_backoff: '1s' },
            sink: [{ type: 'file', config: { path: join(env.work.dir, 'bad.token') } }],
          },
        }),
      )}`,
    ]);
    await waitFor('a refused login', () => refused.logText().includes('"event":"login-failed"'));
    expect(refused.logText()).toContain(
      'the wrapped secret ID was created at \\"secret/data/app/config\\", not at secret_id_response_wrapping_path',
    );
    expect(env.vault.requests.filter((r) => r.path === '/v1/sys/wrapping/unwrap')).toHaveLength(1);
    expect((await refused.stop()).code).toBe(0);
  }, 30_000);

  it('jwt: logs in with the JWT file, deletes it, renews and logs in again', async () => {
    const jwtPath = join(env.work.dir, 'ci-jwt');
    const jwt = signer.sign({ sub: 'repo:app', ttlSeconds: 600 });
    writeFileSync(jwtPath, `${jwt}\n`);
    const before = count('PUT', '/v1/auth/jwt/login');
    const { agent, out } = await startWith('jwt', { type: 'jwt', config: { path: jwtPath, role: 'ci' } });
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect(existsSync(jwtPath)).toBe(false);
    await expectRenewedAndLoggedInAgain(agent, '/v1/auth/jwt/login', before);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(jwt);
  }, 30_000);

  it('token_file: uses the token in the file (lookup-self), renews it, and takes the next token written there once it runs out', async () => {
    // Tokens handed over by someone else: the first one runs out within 5 s, the second lasts.
    const issue = async (roleId: string): Promise<string> => {
      const res = await vaultCall(env.vault.url, 'PUT', '/v1/auth/issuer/login', { body: { role_id: roleId } });
      return (res.body as { auth: { client_token: string } }).auth.client_token;
    };
    const first = await issue('short');
    const tokenPath = join(env.work.dir, 'handed-token');
    writeFileSync(tokenPath, `${first}\n`);
    const lookups = count('GET', '/v1/auth/token/lookup-self');
    const renewals = count('PUT', '/v1/auth/token/renew-self');
    const { agent, out, sink } = await startWith('token-file', {
      type: 'token_file',
      config: { token_file_path: tokenPath },
    });
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect(readFileSync(sink, 'utf8')).toBe(first);
    const second = await issue('long');
    writeFileSync(tokenPath, second);
    await waitFor('the second token in use', () => readFileSync(sink, 'utf8') === second, 10_000);
    expect(count('GET', '/v1/auth/token/lookup-self')).toBeGreaterThanOrEqual(lookups + 2);
    expect(count('PUT', '/v1/auth/token/renew-self')).toBeGreaterThan(renewals);
    expect(existsSync(tokenPath)).toBe(true);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(first);
    expect(agent.logText()).not.toContain(second);
  }, 30_000);
});
