// The agent as a real sidecar process against the Vault test server, with TTLs of seconds:
// renewals, re-login at max TTL, re-read when a lease cannot be extended, static secret changes,
// command only on change, a reader never seeing a partial file, Vault sealed then back, SIGTERM.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SENTINEL = 'sentinel-Kp42-never-logged';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { password: `${SENTINEL}-1` } } },
    database: { type: 'database', roles: { app: { default_ttl: 2, max_ttl: 4 } } },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 2, token_max_ttl: 5 }) },
};

const env = setUpAgentTestEnv(SEED);

const count = (method: string, path: string): number => env.vault.requests.filter((r) => r.method === method && r.path === path && r.status < 400).length;

/** Reads `path` in a tight loop until stopped; records any read that was missing or not matching. */
function atomicReader(path: string, shape: RegExp): { stop: () => Promise<{ reads: number; bad: string[] }> } {
  let running = true;
  let reads = 0;
  const bad: string[] = [];
  const done = (async () => {
    while (running) {
      try {
        const text = readFileSync(path, 'utf8');
        if (!shape.test(text)) bad.push(`partial (${text.length} bytes)`);
      } catch (err) {
        bad.push((err as NodeJS.ErrnoException).code ?? 'error');
      }
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  return { stop: async () => { running = false; await done; return { reads, bad }; } };
}

describe('vaultlet agent (sidecar)', () => {
  it('keeps files current through renewals, re-login, lease expiry, secret changes and a sealed Vault; exits on SIGTERM within 2 s', async () => {
    const db = join(env.work.secretsDir, 'db');
    const kv = join(env.work.secretsDir, 'kv');
    const commandLog = join(env.work.dir, 'commands');
    const config = env.work.config(env.vault.url, [
      { destination: db, contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}\n' },
      { destination: kv, contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}\n', command: `echo run >> ${commandLog}` },
    ], { template_config: { exit_on_retry_failure: false, static_secret_render_interval: '1s' }, vaultlet: { ready_file: join(env.work.stateDir, 'ready') } });
    const agent = spawnAgent([`-config=${env.work.writeConfig('sidecar.json', config)}`]);
    await waitFor('first render', () => existsSync(join(env.work.stateDir, 'ready')));
    const firstDb = readFileSync(db, 'utf8');
    expect(readFileSync(kv, 'utf8')).toBe(`${SENTINEL}-1\n`);
    const reader = atomicReader(db, /^v-kubernet-app-\S+:\S+\n$/);

    // Lease (2 s, max 4 s): renewed at once and on the ⅔ rule, then re-read when it stops extending.
    await waitFor('new database credentials', () => readFileSync(db, 'utf8') !== firstDb, 8000);
    expect(count('PUT', '/v1/sys/leases/renew')).toBeGreaterThanOrEqual(2);
    // Token (2 s, max 5 s): renewed, then a fresh login near max TTL.
    await waitFor('re-login at max TTL', () => count('PUT', '/v1/auth/kubernetes/login') >= 2, 8000);
    expect(count('PUT', '/v1/auth/token/renew-self')).toBeGreaterThanOrEqual(2);

    // Static secret change picked up at the 1 s interval; the command runs only on change.
    const runsBefore = readFileSync(commandLog, 'utf8');
    expect(runsBefore).toBe('run\n');
    env.vault.writeKv('secret', 'app/config', { password: `${SENTINEL}-2` });
    await waitFor('static secret change', () => readFileSync(kv, 'utf8') === `${SENTINEL}-2\n`, 5000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(readFileSync(commandLog, 'utf8')).toBe('run\nrun\n');

    // Sealed for 3 s: files stay, requests back off; unsealed: changes flow again.
    env.vault.faults.seal();
    const sealedAt = env.vault.requests.length;
    env.vault.writeKv('secret', 'app/config', { password: `${SENTINEL}-3` });
    await new Promise((r) => setTimeout(r, 3000));
    const sealedRequests = env.vault.requests.length - sealedAt;
    expect(readFileSync(kv, 'utf8')).toBe(`${SENTINEL}-2\n`);
    env.vault.faults.unseal();
    await waitFor('recovery after unseal', () => readFileSync(kv, 'utf8') === `${SENTINEL}-3\n`, 8000);
    expect(sealedRequests).toBeLessThan(40);

    const { reads, bad } = await reader.stop();
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(100);

    const { code, ms } = await agent.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    expect(agent.logText()).not.toContain(SENTINEL);
    expect(agent.logText()).not.toContain(readFileSync(join(env.work.dir, '.vault-token'), 'utf8'));
  }, 40_000);

  it('revokes its token, and with it its leases, on shutdown with -revoke-on-shutdown', async () => {
    const config = env.work.config(env.vault.url, [{ destination: join(env.work.secretsDir, 'db2'), contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}{{ end }}' }], { vaultlet: { ready_file: join(env.work.stateDir, 'ready2') } });
    const agent = spawnAgent([`-config=${env.work.writeConfig('revoke.json', config)}`, '-revoke-on-shutdown']);
    await waitFor('first render', () => existsSync(join(env.work.stateDir, 'ready2')));
    const revokesBefore = count('PUT', '/v1/auth/token/revoke-self');
    const { code, ms } = await agent.stop();
    expect({ code, fast: ms < 2000 }).toEqual({ code: 0, fast: true });
    expect(count('PUT', '/v1/auth/token/revoke-self')).toBe(revokesBefore + 1);
  });

  it('exits 0 within 2 s on SIGTERM while Vault is unreachable (login backing off)', async () => {
    const config = env.work.config('http://127.0.0.1:9', [{ destination: join(env.work.secretsDir, 'never'), contents: 'x' }]);
    const agent = spawnAgent([`-config=${env.work.writeConfig('unreachable.json', config)}`]);
    await waitFor('a failed login', () => agent.logText().includes('"event":"login-failed"'));
    const { code, ms } = await agent.stop();
    expect({ code, fast: ms < 2000 }).toEqual({ code: 0, fast: true });
    expect(existsSync(join(env.work.secretsDir, 'never'))).toBe(false);
  });
});
