// The agent as a real sidecar process with AWS iam auth against the Vault test server and a
// loopback STS: the IRSA case vault-k8s wires (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE →
// AssumeRoleWithWebIdentity → signed GetCallerIdentity login, with the server ID header), and
// static keys from the environment. Logs in, renders, renews, logs in again; no secret logged.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { killAgents, makeWorkDir, spawnAgent, waitFor, type AgentWorkDir } from '../fakes/agent-process.ts';
import { startFakeSts, type FakeSts } from '../fakes/aws-sts.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';

const SENTINEL = 'sentinel-Aw53-never-logged';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/app-irsa';
const IRSA_TOKEN = `${SENTINEL}-irsa-jwt`;
const SECRET_KEY = `${SENTINEL}-secret-key`;

let sts: FakeSts;
let vault: VaultTestServer;
let work: AgentWorkDir;

beforeAll(async () => {
  sts = await startFakeSts();
  sts.trustWebIdentity(ROLE_ARN, (token) => token === IRSA_TOKEN);
  sts.addUser('arn:aws:iam::123456789012:user/ci', 'AKIDSTATICEXAMPLE', SECRET_KEY);
  vault = await startVaultServer({
    seed: {
      secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: SENTINEL } } } },
      auth: {
        aws: {
          type: 'aws',
          sts_endpoint: sts.url,
          iam_server_id_header_value: 'vault.example.com',
          roles: {
            'app-irsa': { bound_iam_principal_arn: [ROLE_ARN], token_ttl: 2, token_max_ttl: 5 },
            ci: { bound_iam_principal_arn: ['arn:aws:iam::123456789012:user/ci'] },
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
  await sts.close();
  work.remove();
});

const count = (path: string): number =>
  vault.requests.filter((r) => r.method === 'PUT' && r.path === path && r.status < 400).length;

function config(name: string, role: string): { path: string; out: string } {
  const out = join(work.secretsDir, name);
  const c: AgentConfig = work.config(
    vault.url,
    [{ destination: out, contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' }],
    {
      auto_auth: {
        method: {
          type: 'aws',
          mount_path: 'auth/aws',
          min_backoff: '100ms',
          max_backoff: '1s',
          config: { type: 'iam', role, header_value: 'vault.example.com' },
        },
        sink: [{ type: 'file', config: { path: join(work.dir, `${name}.token`) } }],
      },
    },
  );
  return { path: work.writeConfig(`${name}.json`, c), out };
}

describe('vaultlet agent: aws iam auth', () => {
  it('IRSA: assumes the role with the web identity token, logs in with a signed GetCallerIdentity, renews and logs in again', async () => {
    const tokenFile = join(work.dir, 'eks-token');
    writeFileSync(tokenFile, `${IRSA_TOKEN}\n`);
    const { path, out } = config('irsa', 'app-irsa');
    const agent = spawnAgent([`-config=${path}`], {
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    await waitFor('first render', () => existsSync(out), 10_000);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect(sts.calls.slice(0, 2)).toEqual([
      { action: 'AssumeRoleWithWebIdentity', status: 200 },
      { action: 'GetCallerIdentity', status: 200 },
    ]);
    await waitFor('renewals', () => count('/v1/auth/token/renew-self') >= 2, 8000);
    await waitFor('a second login', () => count('/v1/auth/aws/login') >= 2, 10_000);
    // The temporary credentials are reused until near their expiry: one AssumeRoleWithWebIdentity.
    expect(sts.calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity')).toHaveLength(1);
    expect(existsSync(tokenFile)).toBe(true);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
  }, 30_000);

  it('static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', async () => {
    const { path, out } = config('static', 'ci');
    const agent = spawnAgent([`-config=${path}`], {
      AWS_ACCESS_KEY_ID: 'AKIDSTATICEXAMPLE',
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    });
    await waitFor('first render', () => existsSync(out), 10_000);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
  }, 20_000);

  it('names the STS refusal when the web identity token is not accepted, without the token', async () => {
    const tokenFile = join(work.dir, 'bad-eks-token');
    writeFileSync(tokenFile, `${SENTINEL}-forged`);
    const { path } = config('refused', 'app-irsa');
    const agent = spawnAgent([`-config=${path}`], {
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    await waitFor('a failed login', () => agent.logText().includes('"event":"login-failed"'));
    expect(agent.logText()).toContain(
      `sts AssumeRoleWithWebIdentity for ${ROLE_ARN}: status 400: InvalidIdentityToken: The web identity token that was passed could not be validated by AWS.`,
    );
    expect((await agent.stop()).code).toBe(0);
    expect(agent.logText()).not.toContain(SENTINEL);
  });
});
