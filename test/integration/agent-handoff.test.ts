// One lease per pod: the init container leaves its token and leases in the state directory and the
// sidecar adopts them. Proven against the Vault test server's own lease and token tables.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { password: 'pw' } } },
    database: { type: 'database', roles: { app: { default_ttl: 60, max_ttl: 600 } } },
  },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 600 }) },
};

const env = setUpAgentTestEnv(SEED);

const liveLeases = (): number => env.vault.leases().filter((l) => !l.revoked).length;
const logins = (): number => env.vault.requests.filter((r) => r.path === '/v1/auth/kubernetes/login').length;

describe('init-to-sidecar hand-off', () => {
  it('the sidecar adopts the init token and leases: zero extra leases, no second login, files untouched', async () => {
    const db = join(env.work.secretsDir, 'db');
    const commandLog = join(env.work.dir, 'commands');
    const templates = [
      { destination: db, contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}', command: `echo run >> ${commandLog}` },
      { destination: join(env.work.secretsDir, 'kv'), contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}' },
    ];
    const vaultlet = { state_dir: env.work.stateDir, ready_file: join(env.work.stateDir, 'ready') };
    const init = spawnAgent([`-config=${env.work.writeConfig('init.json', env.work.config(env.vault.url, templates, { exit_after_auth: true, vaultlet }))}`]);
    expect((await init.exited).code).toBe(0);
    expect(statSync(join(env.work.stateDir, 'agent-state.json')).mode & 0o777).toBe(0o600);
    expect(liveLeases()).toBe(1);
    expect(logins()).toBe(1);
    const dbAfterInit = readFileSync(db, 'utf8');
    const mtime = statSync(db).mtimeMs;

    const sidecar = spawnAgent([`-config=${env.work.writeConfig('sidecar.json', env.work.config(env.vault.url, templates, { vaultlet }))}`]);
    await waitFor('sidecar adoption', () => sidecar.logText().includes('"event":"sidecar-ready"'));
    expect(liveLeases()).toBe(1);
    expect(env.vault.leases()).toHaveLength(1);
    expect(logins()).toBe(1);
    expect(readFileSync(db, 'utf8')).toBe(dbAfterInit);
    expect(statSync(db).mtimeMs).toBe(mtime);
    expect(readFileSync(commandLog, 'utf8')).toBe('run\n');
    expect(sidecar.logText()).toContain('"event":"handoff-adopted"');
    // Adopted leases are renewed on a timer of their own, which may fire after sidecar-ready.
    await waitFor('adopted lease renewed', () => env.vault.requests.some((r) => r.path === '/v1/sys/leases/renew' && r.status === 200));
    expect(liveLeases()).toBe(1);
    expect((await sidecar.stop()).code).toBe(0);
  });

  it('falls back to a normal login when the handed-over token was revoked', async () => {
    env.vault.faults.revokeAllTokens();
    const dir = env.work.stateDir;
    const templates = [{ destination: join(env.work.secretsDir, 'db3'), contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}{{ end }}' }];
    const loginsBefore = logins();
    const sidecar = spawnAgent([`-config=${env.work.writeConfig('sidecar2.json', env.work.config(env.vault.url, templates, { vaultlet: { state_dir: dir } }))}`]);
    await waitFor('rendered after fallback', () => existsSync(join(env.work.secretsDir, 'db3')));
    expect(logins()).toBe(loginsBefore + 1);
    expect(sidecar.logText()).toContain('"event":"token-adopt-failed"');
    expect((await sidecar.stop()).code).toBe(0);
  });
});
