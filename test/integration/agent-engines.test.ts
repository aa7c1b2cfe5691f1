// The agent process with the other kinds of Vault call: write-style `secret` (PKI issue),
// `pkiCert`, `secrets` (LIST); certificates re-issued before they expire.
import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'team/a': { x: '1' }, 'team/b': { x: '2' }, 'team/sub/c': { x: '3' } } },
    pki: { type: 'pki', common_name: 'test root', roles: { app: { allowed_domains: ['example.com'], allow_subdomains: true, ttl: 3, max_ttl: 3 }, long: { allowed_domains: ['example.com'], allow_subdomains: true, ttl: 3600, max_ttl: 3600 } } },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 600, token_max_ttl: 6000 }) },
};

const env = setUpAgentTestEnv(SEED);

const serialOf = (pem: string): string => new X509Certificate(pem).serialNumber;

describe('vaultlet agent: writes, pkiCert, lists', () => {
  it('issues certificates, lists keys, and re-issues a 3-second certificate before it expires', async () => {
    const cert = join(env.work.secretsDir, 'cert.pem');
    const pki = join(env.work.secretsDir, 'pki.pem');
    const list = join(env.work.secretsDir, 'list');
    const config = env.work.config(env.vault.url, [
      { destination: cert, contents: '{{ with secret "pki/issue/app" "common_name=web.example.com" "ttl=3s" }}{{ .Data.certificate }}{{ end }}' },
      { destination: pki, contents: '{{ with pkiCert "pki/issue/app" "common_name=api.example.com" }}{{ .Cert }}{{ .Key }}{{ end }}' },
      { destination: list, contents: '{{ range secrets "secret/team/" }}{{ . }} {{ end }}' },
    ], { vaultlet: { ready_file: join(env.work.stateDir, 'ready') } });
    const agent = spawnAgent([`-config=${env.work.writeConfig('engines.json', config)}`]);
    await waitFor('first render', () => existsSync(join(env.work.stateDir, 'ready')));
    expect(readFileSync(list, 'utf8')).toBe('a b sub/ ');
    const first = readFileSync(cert, 'utf8');
    expect(new X509Certificate(first).subject).toBe('CN=web.example.com');
    const pkiText = readFileSync(pki, 'utf8');
    expect(pkiText).toContain('-----BEGIN CERTIFICATE-----');
    expect(pkiText).toMatch(/-----BEGIN (RSA |EC )?PRIVATE KEY-----/);
    // 3 s certificates: re-issued at 85–95 % (secret) / 90 % (pkiCert) of their life.
    await waitFor('certificate re-issued', () => serialOf(readFileSync(cert, 'utf8')) !== serialOf(first), 6000);
    await waitFor('pkiCert re-issued', () => readFileSync(pki, 'utf8') !== pkiText, 6000);
    const issues = env.vault.requests.filter((r) => r.path === '/v1/pki/issue/app' && r.method === 'PUT').length;
    expect(issues).toBeGreaterThanOrEqual(4);
    expect(issues).toBeLessThan(10);
    expect(agent.logText()).not.toContain('PRIVATE KEY');
    expect((await agent.stop()).code).toBe(0);
  }, 20_000);

  it('pkiCert reuses a still-valid certificate from its destination file instead of issuing again', async () => {
    const dest = join(env.work.secretsDir, 'long.pem');
    const template = [{ destination: dest, contents: '{{ with pkiCert "pki/issue/long" "common_name=long.example.com" }}{{ .Cert }}{{ .Key }}{{ .CA }}{{ end }}' }];
    const issues = (): number => env.vault.requests.filter((r) => r.path === '/v1/pki/issue/long').length;
    const first = spawnAgent([`-config=${env.work.writeConfig('pki1.json', env.work.config(env.vault.url, template, { exit_after_auth: true }))}`]);
    expect((await first.exited).code).toBe(0);
    const pem = readFileSync(dest, 'utf8');
    expect(issues()).toBe(1);
    const second = spawnAgent([`-config=${env.work.writeConfig('pki2.json', env.work.config(env.vault.url, template, { exit_after_auth: true }))}`]);
    expect((await second.exited).code).toBe(0);
    expect(issues()).toBe(1);
    expect(readFileSync(dest, 'utf8')).toBe(pem);
    expect(second.logText()).toContain('"event":"pki-cert-reused"');
  });
});
