// The agent image's V8 compile cache, without Docker: Dockerfile.agent's step is checked line by
// line and then run the same way on a bundle built here; the agent starts and renders with the
// cache (and reads it, as the image's user, from a read-only directory), and still does when the
// cache is missing, stale, or made for another uid.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';
import { NODE, ROOT, killAgents, makeWorkDir, type AgentWorkDir, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { imageNodeFlags } from '../../bench/image-command.ts';

const SEED: VaultSeed = {
  secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { username: 'app-user', password: 'pw-1' } } } },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 300 }) },
};

const dockerfile = readFileSync(join(ROOT, 'Dockerfile.agent'), 'utf8');
const buildStage = dockerfile.slice(0, dockerfile.indexOf('\nFROM gcr.io/distroless'));
const runtimeStage = dockerfile.slice(dockerfile.indexOf('\nFROM gcr.io/distroless'));
/** The runtime user, `uid:gid`. */
const runtimeUser = /^USER (\d+):(\d+)$/m.exec(runtimeStage);
const uid = Number(runtimeUser?.[1]);
const gid = Number(runtimeUser?.[2]);
/** The build stage's cache step: `RUN node FLAGS... scripts/agent-compile-cache.ts dist/agent`. */
const cacheStep = /^RUN node ((?:--\S+ )*)scripts\/agent-compile-cache\.ts dist\/agent$/m.exec(buildStage);
const cacheStepFlags = (cacheStep?.[1] ?? '')
  .trim()
  .split(' ')
  .filter((f) => f !== '');
const asRoot = process.getuid?.() === 0;

let tmp = '';
let vault: VaultTestServer;
let work: AgentWorkDir;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vaultlet-ccache-'));
  chmodSync(tmp, 0o755);
  execFileSync(NODE, ['scripts/build-bundle.ts', 'agent', `--outdir=${join(tmp, 'build')}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // Every test starts from this build and its cache, made as the Dockerfile makes it.
  makeCache(join(tmp, 'build'));
  vault = await startVaultServer({ seed: SEED });
  work = makeWorkDir(tmp);
  // The image's user (and another uid) must reach the config, the token and the secrets dir.
  execFileSync('chmod', ['-R', 'a+rwX', work.dir]);
}, 60_000);
afterAll(async () => {
  killAgents();
  await vault.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The image's /usr/local/bin: the entry as `vaultlet` and its chunks (with their cache, if made). */
function imageBin(name: string, build: string): string {
  const bin = join(tmp, name);
  cpSync(join(build, 'vaultlet.js'), join(bin, 'vaultlet'));
  cpSync(join(build, 'vaultlet-lib'), join(bin, 'vaultlet-lib'), { recursive: true });
  return bin;
}

/** Runs the cache step as the Dockerfile does (its flags; as the runtime user when we can). */
function makeCache(build: string): void {
  const dir = join(build, 'vaultlet-lib', 'compile-cache');
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  if (asRoot) chownSync(dir, uid, gid);
  execFileSync(NODE, [...cacheStepFlags, 'scripts/agent-compile-cache.ts', build], {
    cwd: ROOT,
    encoding: 'utf8',
    ...(asRoot ? { uid, gid } : {}),
  });
}

/** What `COPY --chmod=0555` makes of it: owned by root (when we are), read-only for the agent. */
function readOnly(bin: string): void {
  execFileSync('chmod', ['-R', '0555', bin]);
}

let runNo = 0;
async function init(
  bin: string,
  options: { debug?: boolean; user?: number } = {},
): Promise<{ code: number | null; stderr: string; rendered: string }> {
  runNo += 1;
  const out = join(work.secretsDir, `run-${runNo}`);
  execFileSync('mkdir', ['-p', out]);
  chmodSync(out, 0o777);
  const template = {
    destination: join(out, 'config'),
    contents: '{{ with secret "secret/app/config" }}{{ .Data.data.username }}:{{ .Data.data.password }}{{ end }}',
  };
  const config = work.writeConfig(`init-${runNo}.json`, work.config(vault.url, [template], { exit_after_auth: true }));
  chmodSync(config, 0o644);
  const child = spawn(
    NODE,
    [...imageNodeFlags(ROOT, 'Dockerfile.agent'), join(bin, 'vaultlet'), 'agent', `-config=${config}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        ...(options.debug === true ? { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } : {}),
      },
      ...(options.user !== undefined ? { uid: options.user, gid: options.user } : {}),
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const file = join(out, 'config');
  return { code, stderr, rendered: existsSync(file) ? readFileSync(file, 'utf8') : '' };
}

const chunkNames = (bin: string): string[] => readdirSync(join(bin, 'vaultlet-lib')).filter((f) => f.endsWith('.js'));
/** Chunks whose cached code V8 took, from Node's compile-cache debug lines. */
const accepted = (stderr: string): string[] =>
  [...stderr.matchAll(/V8 code cache for ESM file:\/\/\S*\/vaultlet-lib\/(\S+\.js) was accepted/g)].map(
    (m) => m[1] ?? '',
  );

describe('agent image compile cache', () => {
  it("Dockerfile.agent makes the cache after the bundle, as the runtime user, with the ENTRYPOINT's Node flags", () => {
    expect(cacheStep).not.toBeNull();
    expect(cacheStepFlags).toEqual(imageNodeFlags(ROOT, 'Dockerfile.agent'));
    expect(cacheStepFlags.length).toBeGreaterThan(0);
    const lines = buildStage.split('\n');
    const build = lines.indexOf('RUN npm run build:agent -- --node=/usr/local/bin/node');
    const dir = lines.indexOf(`RUN install -d -o ${uid} -g ${gid} dist/agent/vaultlet-lib/compile-cache`);
    const user = lines.indexOf(`USER ${uid}:${gid}`);
    const step = lines.findIndex((l) => l.includes('scripts/agent-compile-cache.ts'));
    expect([build >= 0, dir > build, user > dir, step > user]).toEqual([true, true, true, true]);
    expect(uid).toBeGreaterThan(0);
    // The runtime copies the chunk directory, cache included, read-only.
    expect(runtimeStage).toContain(
      'COPY --from=build --chmod=0555 /src/dist/agent/vaultlet-lib/ /usr/local/bin/vaultlet-lib/',
    );
  });

  it('an init reads the cached code of every chunk it loads and writes nothing to the cache', async () => {
    const bin = imageBin('with-cache', join(tmp, 'build'));
    if (asRoot) readOnly(bin);
    const cache = join(bin, 'vaultlet-lib', 'compile-cache');
    const listing = (): string[] => readdirSync(cache, { recursive: true, encoding: 'utf8' }).sort();
    const before = listing();
    const r = await init(bin, { debug: true, ...(asRoot ? { user: uid } : {}) });
    expect(listing()).toEqual(before);
    expect([r.code, r.rendered]).toEqual([0, 'app-user:pw-1']);
    const used = accepted(r.stderr);
    // The main chunk and the Go-template engine (the two large ones) among them.
    expect(used.filter((c) => c.startsWith('main-') || c.startsWith('engine-')).length).toBe(2);
    expect(used.every((c) => chunkNames(bin).includes(c))).toBe(true);
    // The ES module files an init loads after the entry and the two chunks it imports: the main
    // chunk (with the shared chunks only it and later chunks use, scripts/hoist-shared-chunks.ts),
    // two it shares with `vaultlet ready` and the help texts, the Go-template engine and two it
    // shares with the Sprig table and Handlebars. Each file costs a start ~0.3 ms however small.
    expect(used.length).toBeLessThanOrEqual(6);
    // Templates that call no Sprig function never load the Sprig table's chunk.
    expect(chunkNames(bin).filter((c) => c.startsWith('sprig-table-'))).toHaveLength(1);
    expect(used.filter((c) => c.startsWith('sprig-table-'))).toEqual([]);
    expect(r.stderr).not.toMatch(/rejected|mismatch|writing cache/i);
  }, 30_000);

  it('`vaultlet ready` (the startup probe) loads neither the main chunk nor what was hoisted into it', () => {
    const bin = imageBin('ready', join(tmp, 'build'));
    if (asRoot) readOnly(bin);
    const marker = join(tmp, 'rendered-marker');
    execFileSync('touch', [marker]);
    const r = spawnSync(NODE, [join(bin, 'vaultlet'), 'ready', `-file=${marker}`], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      ...(asRoot ? { uid, gid } : {}),
    });
    expect(r.status).toBe(0);
    const stderr = r.stderr;
    const loaded = accepted(stderr);
    expect(loaded.some((c) => c.startsWith('ready-check-'))).toBe(true);
    expect(loaded.filter((c) => c.startsWith('main-') || c.startsWith('engine-'))).toEqual([]);
  });

  it('without a cache the agent compiles as before and says nothing about it', async () => {
    const bin = imageBin('no-cache', join(tmp, 'build'));
    rmSync(join(bin, 'vaultlet-lib', 'compile-cache'), { recursive: true, force: true });
    const r = await init(bin);
    expect(r).toEqual({ code: 0, stderr: '', rendered: 'app-user:pw-1' });
  }, 30_000);

  it('a stale cache (the chunks changed since) is passed over', async () => {
    const bin = imageBin('stale-cache', join(tmp, 'build'));
    const main = chunkNames(bin).find((c) => c.startsWith('main-')) ?? '';
    appendFileSync(join(bin, 'vaultlet-lib', main), '\n// changed after the cache was made\n');
    if (asRoot) readOnly(bin);
    const debug = await init(bin, { debug: true, ...(asRoot ? { user: uid } : {}) });
    expect([debug.code, debug.rendered]).toEqual([0, 'app-user:pw-1']);
    expect(accepted(debug.stderr)).not.toContain(main);
    const r = await init(bin, asRoot ? { user: uid } : {});
    expect(r).toEqual({ code: 0, stderr: '', rendered: 'app-user:pw-1' });
  }, 30_000);

  (asRoot ? it : it.skip)(
    'a pod running as another uid starts without the cache, and silently',
    async () => {
      const bin = imageBin('other-uid', join(tmp, 'build'));
      readOnly(bin);
      const r = await init(bin, { user: 65534 });
      expect(r).toEqual({ code: 0, stderr: '', rendered: 'app-user:pw-1' });
    },
    30_000,
  );
});
