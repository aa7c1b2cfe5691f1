// The agent bundle as the image runs it (dist/agent/vaultlet.js and its chunks, built here into a
// temp dir) against the Vault test server: an init renders and loads only the Node built-ins it
// uses (every internal module Node loads costs start-up time and resident memory,
// docs/benchmarks/agent.md); a sidecar switches V8's memory saver mode on once started.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { NODE, ROOT, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { MEMORY_SAVER_DELAY_MS } from '../../agent/memory-saver.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SEED: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: { 'app/config': { username: 'app-user', password: 'pw-1' } } },
    database: { type: 'database', roles: { app: { default_ttl: 60, max_ttl: 120 } } },
  },
  auth: {
    approle: {
      type: 'approle',
      roles: { app: { role_id: 'role-id-app', bind_secret_id: false, token_ttl: 60, token_max_ttl: 300 } },
    },
    kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 300 }),
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

/**
 * A preload that records, on the process's way out, which of Node's own modules it loaded and the
 * V8 flags it set at run time (v8.setFlagsFromString, which the agent reaches through require()).
 */
function recorder(name: string): { preload: string; recorded: () => { modules: string[]; v8Flags: string[] } } {
  const file = join(out, `${name}.json`);
  const preload = join(out, `record-${name}.cjs`);
  writeFileSync(
    preload,
    [
      "const v8 = require('node:v8');",
      'const set = v8.setFlagsFromString;',
      'const v8Flags = [];',
      'v8.setFlagsFromString = (flags) => { v8Flags.push(flags); set(flags); };',
      `process.on('exit', () => { require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify({ modules: process.moduleLoadList, v8Flags })); });`,
      '',
    ].join('\n'),
  );
  return {
    preload,
    recorded: () => {
      const r = JSON.parse(readFileSync(file, 'utf8')) as { modules: string[]; v8Flags: string[] };
      return {
        modules: r.modules.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
        v8Flags: r.v8Flags,
      };
    },
  };
}

describe('agent bundle start', () => {
  it('renders an init with Go templates and loads no Node built-in it does not use', async () => {
    const { preload, recorded } = recorder('init');
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
    const { modules, v8Flags } = recorded();
    // The list is real: the agent's own needs are in it.
    expect(modules).toEqual(expect.arrayContaining(['http', 'fs']));
    expect(modules.filter((m) => UNUSED.includes(m))).toEqual([]);
    // An init container keeps V8's defaults (memory saver mode is for the long-lived sidecar).
    expect(v8Flags).toEqual([]);
  }, 30_000);

  it('defines `require` (a createRequire() per file loaded) only in the files that use it', () => {
    const banner =
      "import { createRequire as __vaultletCreateRequire } from 'node:module';\nconst require = __vaultletCreateRequire(import.meta.url);\n";
    const lib = join(out, 'vaultlet-lib');
    const files = [
      join(out, 'vaultlet.js'),
      ...readdirSync(lib)
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(lib, f)),
    ];
    const texts = files.map((f) => [f, readFileSync(f, 'utf8')] as const);
    // A file that still has the banner uses `require`; the others had theirs taken out.
    for (const [f, text] of texts.filter(([, t]) => t.includes(banner)))
      expect([f, /\brequire\b/.test(text.replace(banner, ''))]).toEqual([f, true]);
    // The esbuild runtime's chunk (through which built-ins are required) and a few others; not most.
    const defining = texts.filter(([, t]) => /\bcreateRequire\b/.test(t));
    expect(defining.length).toBeGreaterThan(0);
    expect(defining.length).toBeLessThan(files.length / 2);
  });

  it('the chunks loaded on demand work in the bundle: approle, Handlebars, Sprig and YAML, a listener', async () => {
    const dir = join(env.work.secretsDir, 'on-demand');
    const roleId = join(env.work.dir, 'role-id');
    writeFileSync(roleId, 'role-id-app\n');
    const templates = [
      {
        destination: join(dir, 'hbs'),
        engine: 'handlebars' as const,
        contents: '{{#with (secret "secret/app/config")}}{{Data.data.username}}{{/with}}',
      },
      {
        destination: join(dir, 'sprig'),
        contents:
          '{{ with secret "secret/app/config" }}{{ .Data.data.username | sprig_upper }} {{ toYAML .Data.data }}{{ end }}',
      },
    ];
    const config = env.work.writeConfig(
      'bundle-on-demand.json',
      env.work.config(env.vault.url, templates, {
        auto_auth: {
          method: { type: 'approle', mount_path: 'auth/approle', config: { role_id_file_path: roleId } },
          sink: [{ type: 'file', config: { path: join(env.work.dir, 'approle.token') } }],
        },
        listener: [{ type: 'tcp', address: '127.0.0.1:0', tls_disable: true }],
      }),
    );
    const child = spawn(NODE, [join(out, 'vaultlet.js'), 'agent', `-config=${config}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    await waitFor('both files', () => existsSync(join(dir, 'hbs')) && existsSync(join(dir, 'sprig'))).catch(
      (err: unknown) => {
        throw new Error(`${String(err)}\n${stderr}\n${stdout.slice(-2000)}`);
      },
    );
    await waitFor('the listener', () => stdout.includes('"event":"listener-started"'));
    child.kill('SIGTERM');
    expect({ code: await closed, stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(dir, 'hbs'), 'utf8')).toBe('app-user');
    expect(readFileSync(join(dir, 'sprig'), 'utf8')).toBe('APP-USER password: pw-1\nusername: app-user');
  }, 30_000);

  it("a sidecar turns V8's memory saver mode on once started", async () => {
    const { preload, recorded } = recorder('sidecar');
    const dir = join(env.work.secretsDir, 'sidecar');
    const templates = [
      {
        destination: join(dir, 'config'),
        contents: '{{ with secret "secret/app/config" }}{{ .Data.data.username }}{{ end }}',
      },
    ];
    const config = env.work.writeConfig('bundle-sidecar.json', env.work.config(env.vault.url, templates));
    const started = Date.now();
    const child = spawn(NODE, ['-r', preload, join(out, 'vaultlet.js'), 'agent', `-config=${config}`], {
      stdio: 'ignore',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    await waitFor('the first render', () => existsSync(join(dir, 'config')));
    await new Promise((r) => setTimeout(r, Math.max(0, started + MEMORY_SAVER_DELAY_MS + 1000 - Date.now())));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(recorded().v8Flags).toEqual(['--memory-saver-mode']);
  }, 30_000);
});
