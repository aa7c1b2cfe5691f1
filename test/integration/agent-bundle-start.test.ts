// The agent bundle as the image runs it (dist/agent/vaultlet.js and its chunks, built here into a
// temp dir) in init mode against the Vault test server: it renders, and it loads only the Node
// built-ins it uses. Every internal module Node loads costs start-up time and resident memory
// (docs/benchmarks/agent.md); these are the ones the bundle keeps out.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { NODE, ROOT } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { username: 'app-user', password: 'pw-1' } } },
    database: { type: 'database', roles: { app: { default_ttl: 60, max_ttl: 120 } } },
  },
  auth: {
    kubernetes: {
      type: 'kubernetes',
      roles: {
        app: {
          bound_service_account_names: ['app'],
          bound_service_account_namespaces: ['default'],
          token_ttl: 60,
          token_max_ttl: 300,
        },
      },
    },
  },
};

/** Built-ins an init with Go templates has no use for (fs/promises pulls in readline and the REPL history). */
const UNUSED = [
  'internal/fs/promises',
  'internal/readline/interface',
  'internal/repl/history',
  'assert',
  'worker_threads',
  'crypto',
];

const env = setUpAgentTestEnv(SEED);
const out = mkdtempSync(join(tmpdir(), 'vaultlet-bundle-'));

beforeAll(() => {
  execFileSync(NODE, ['scripts/build-bundle.ts', 'agent', `--outdir=${out}`], { cwd: ROOT, encoding: 'utf8' });
}, 60_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('agent bundle start', () => {
  it('renders an init with Go templates and loads no Node built-in it does not use', async () => {
    // A preload that records which of Node's own modules the process loaded, on its way out.
    const listFile = join(out, 'modules.json');
    const preload = join(out, 'record-modules.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => { require('node:fs').writeFileSync(${JSON.stringify(listFile)}, JSON.stringify(process.moduleLoadList)); });\n`,
    );
    const templates = [
      {
        destination: join(env.work.secretsDir, 'config'),
        contents: '{{ with secret "secret/app/config" }}{{ .Data.data.username }}:{{ .Data.data.password }}{{ end }}',
      },
      {
        destination: join(env.work.secretsDir, 'db'),
        contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}{{ end }}',
      },
    ];
    const config = env.work.writeConfig(
      'bundle-init.json',
      env.work.config(env.vault.url, templates, { exit_after_auth: true }),
    );
    const child = spawn(NODE, ['-r', preload, join(out, 'vaultlet.js'), 'agent', `-config=${config}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(env.work.secretsDir, 'config'), 'utf8')).toBe('app-user:pw-1');
    expect(readFileSync(join(env.work.secretsDir, 'db'), 'utf8')).toMatch(/^v-kubernet-app-\S+$/);
    const loaded = (JSON.parse(readFileSync(listFile, 'utf8')) as string[])
      .filter((m) => m.startsWith('NativeModule '))
      .map((m) => m.slice('NativeModule '.length));
    // The list is real: the agent's own needs are in it.
    expect(loaded).toEqual(expect.arrayContaining(['http', 'fs']));
    expect(loaded.filter((m) => UNUSED.includes(m))).toEqual([]);
  }, 30_000);
});
