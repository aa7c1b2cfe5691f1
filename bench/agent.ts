// `node bench/agent.ts`: the agent's footprint, measured as shipped.
// 1. Start-up: process start → first rendered file in init mode, against `node -e 0` (same Node).
// 2. Sidecar memory: VmRSS and RssAnon from /proc/PID/status after 60 s with 20 templates and
//    5 dynamic leases (BENCH_SIDECAR_SECONDS shortens it), with and without V8 heap flags.
// 3. Vault requests of one init run against the minimum (login + renew-self + one preflight and
//    one read per distinct path).
// Measures dist/agent/vaultlet.js (npm run build:agent, rebuilt here) and the TS sources.
import { spawn, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVaultServer, type VaultTestServer } from '../test/vault-server/server.ts';
import type { VaultSeed } from '../test/vault-server/seed.ts';
import { CLI, NODE, ROOT, makeWorkDir, type AgentWorkDir } from '../test/fakes/agent-process.ts';
import type { TemplateStanza } from '../shared/agent-config.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 9);
const SIDECAR_SECONDS = Number(process.env['BENCH_SIDECAR_SECONDS'] ?? 60);
const KV_TEMPLATES = 15;
const LEASES = 5;
const HEAP_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=24'];

const seed: VaultSeed = {
  secrets: {
    secret: { type: 'kv', version: 2, data: Object.fromEntries(Array.from({ length: KV_TEMPLATES }, (_, i) => [`app/s${i}`, { user: `u${i}`, password: `p${i}-${'x'.repeat(40)}` }])) },
    database: { type: 'database', roles: Object.fromEntries(Array.from({ length: LEASES }, (_, i) => [`r${i}`, { default_ttl: 30, max_ttl: 600 }])) },
  },
  auth: { kubernetes: { type: 'kubernetes', roles: { app: { bound_service_account_names: ['app'], bound_service_account_namespaces: ['default'], token_ttl: 60, token_max_ttl: 3600 } } } },
};

function templates(dir: string): TemplateStanza[] {
  const kv = Array.from({ length: KV_TEMPLATES }, (_, i) => ({
    destination: join(dir, `kv-${i}`),
    contents: `{{ with secret "secret/app/s${i}" }}user={{ .Data.data.user }}\npassword={{ .Data.data.password }}\n{{ end }}`,
  }));
  const db = Array.from({ length: LEASES }, (_, i) => ({
    destination: join(dir, `db-${i}`),
    contents: `{{ with secret "database/creds/r${i}" }}postgres://{{ .Data.username }}:{{ .Data.password }}@db:5432/app{{ end }}\n`,
  }));
  return [...kv, ...db];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

interface Variant { readonly name: string; readonly entry: string; readonly env?: Record<string, string> }

function floorMs(): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(NODE, ['-e', '0']);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Spawn → first non-temporary file in the secrets dir, and spawn → exit, for one init run. */
function initRun(variant: Variant, vault: VaultTestServer, work: AgentWorkDir, runNo: number): Promise<{ firstFileMs: number; exitMs: number; code: number | null }> {
  const dir = join(work.secretsDir, `${variant.name.replace(/\W+/g, '-')}-${runNo}`);
  mkdirSync(dir, { recursive: true });
  const config = work.config(vault.url, templates(dir), { exit_after_auth: true, template_config: { exit_on_retry_failure: true } });
  const path = work.writeConfig(`init-${runNo}.json`, config);
  return new Promise((resolve) => {
    const t0 = performance.now();
    let first = NaN;
    const child = spawn(NODE, [variant.entry, 'agent', `-config=${path}`], { stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '', ...variant.env } });
    const poll = (): void => {
      if (!Number.isNaN(first)) return;
      if (readdirSync(dir).some((f) => !f.startsWith('.'))) first = performance.now() - t0;
      else setTimeout(poll, 1);
    };
    poll();
    child.once('exit', (code) => {
      const exitMs = performance.now() - t0;
      if (Number.isNaN(first)) first = exitMs;
      resolve({ firstFileMs: first, exitMs, code });
    });
  });
}

function procStatus(pid: number): { vmRssKiB: number; rssAnonKiB: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { vmRssKiB: kib('VmRSS'), rssAnonKiB: kib('RssAnon') };
}

async function sidecar(variant: Variant, flags: readonly string[], vault: VaultTestServer, work: AgentWorkDir, label: string): Promise<{ vmRssKiB: number; rssAnonKiB: number; files: number; requests: number }> {
  const dir = join(work.secretsDir, `sidecar-${label}`);
  const config = work.config(vault.url, templates(dir), { template_config: { exit_on_retry_failure: false } });
  const path = work.writeConfig(`sidecar-${label}.json`, config);
  const child = spawn(NODE, [...flags, variant.entry, 'agent', `-config=${path}`], { stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '' } });
  const before = vault.requests.length;
  await new Promise((r) => setTimeout(r, SIDECAR_SECONDS * 1000));
  const status = procStatus(child.pid ?? 0);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')).length : 0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ...status, files, requests: vault.requests.length - before };
}

async function main(): Promise<void> {
  const built = spawnSync(NODE, ['scripts/build-bundle.ts', 'agent'], { cwd: ROOT, encoding: 'utf8' });
  const bundle = join(ROOT, 'dist', 'agent', 'vaultlet.js');
  const variants: Variant[] = [];
  if (built.status === 0 && existsSync(bundle)) {
    variants.push({ name: 'bundle (dist/agent/vaultlet.js)', entry: bundle });
    // Node's on-disk compile cache, as an image could ship it pre-warmed (NODE_COMPILE_CACHE).
    const cacheDir = mkdtempSync(join(tmpdir(), 'vaultlet-ncc-'));
    variants.push({ name: 'bundle + NODE_COMPILE_CACHE (warm)', entry: bundle, env: { NODE_COMPILE_CACHE: cacheDir } });
  }
  variants.push({ name: 'TS sources (bin/vaultlet.js)', entry: CLI });
  const shipped = variants[0] as Variant;

  const vault = await startVaultServer({ seed });
  // Secrets live on tmpfs in a pod (memory emptyDir); /dev/shm is the same kind of filesystem.
  const work = makeWorkDir(existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  try {
    const floor = floorMs();
    const startup: { variant: Variant; first: number; exit: number }[] = [];
    for (const variant of variants) {
      await initRun(variant, vault, work, -1); // warm the page cache
      const firsts: number[] = [];
      const exits: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await initRun(variant, vault, work, i + (variants.indexOf(variant) * 100));
        if (r.code !== 0) throw new Error(`init run exited ${String(r.code)}`);
        firsts.push(r.firstFileMs);
        exits.push(r.exitMs);
      }
      startup.push({ variant, first: median(firsts), exit: median(exits) });
    }

    const before = vault.requests.length;
    await initRun(shipped, vault, work, 999);
    const requests = vault.requests.length - before;
    // Vault Agent's minimum: login + renew-self + a preflight and a read per distinct path.
    const minimum = 2 + 2 * (KV_TEMPLATES + LEASES);

    const [plain, flagged] = await Promise.all([
      sidecar(shipped, [], vault, work, 'default'),
      sidecar(shipped, HEAP_FLAGS, vault, work, 'flags'),
    ]);

    const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
    const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');
    const shippedStartup = startup[0];
    const ratio = (shippedStartup?.first ?? NaN) / floor;
    const cached = startup.find((s) => s.variant.env !== undefined);
    const lines = [
      '## agent',
      '',
      `Run: ${new Date().toISOString()} · ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}) · Node ${process.version} (same binary for floor and agent)`,
      `Workload: ${KV_TEMPLATES + LEASES} templates (${KV_TEMPLATES} KV v2 secrets, ${LEASES} database leases), Vault test server on 127.0.0.1, files on ${work.dir.startsWith('/dev/shm') ? 'tmpfs (/dev/shm, as the memory emptyDir in a pod)' : 'the OS temp dir'}, median of ${RUNS} runs.`,
      'The agent asks the KV preflight once per mount, not once per path, so it needs fewer requests than Vault Agent\'s minimum.',
      `Measured as shipped: ${shipped.name}${variants.length > 1 ? '; the TS sources run by type stripping are shown for comparison' : ' (no bundle could be built)'}.`,
      '',
      '| Start-up (init mode) | first file | process exit |',
      '| --- | ---: | ---: |',
      `| floor: \`node -e 0\` | ${ms(floor)} (exit) | ${ms(floor)} |`,
      ...startup.map((s) => `| ${s.variant.name} | ${ms(s.first)} | ${ms(s.exit)} |`),
      '',
      `| Sidecar after ${SIDECAR_SECONDS} s (${shipped.name}) | VmRSS | RssAnon | files | Vault requests |`,
      '| --- | ---: | ---: | ---: | ---: |',
      `| default Node flags | ${mib(plain.vmRssKiB)} | ${mib(plain.rssAnonKiB)} | ${plain.files} | ${plain.requests} |`,
      `| \`${HEAP_FLAGS.join(' ')}\` | ${mib(flagged.vmRssKiB)} | ${mib(flagged.rssAnonKiB)} | ${flagged.files} | ${flagged.requests} |`,
      '',
      '| Figure | Value | Target | Met |',
      '| --- | ---: | ---: | :---: |',
      `| first file / floor | ${ratio.toFixed(2)}× | ≤ 4× | ${yes(ratio <= 4)} |`,
      ...(cached === undefined ? [] : [`| first file / floor, with compile cache | ${(cached.first / floor).toFixed(2)}× | ≤ 4× | ${yes(cached.first / floor <= 4)} |`]),
      `| sidecar VmRSS (default flags) | ${mib(plain.vmRssKiB)} | ≤ 64 MiB | ${yes(plain.vmRssKiB <= 64 * 1024)} |`,
      `| sidecar RssAnon (default flags) | ${mib(plain.rssAnonKiB)} | ≤ 24 MiB | ${yes(plain.rssAnonKiB <= 24 * 1024)} |`,
      `| sidecar VmRSS (heap flags) | ${mib(flagged.vmRssKiB)} | ≤ 64 MiB | ${yes(flagged.vmRssKiB <= 64 * 1024)} |`,
      `| sidecar RssAnon (heap flags) | ${mib(flagged.rssAnonKiB)} | ≤ 24 MiB | ${yes(flagged.rssAnonKiB <= 24 * 1024)} |`,
      `| Vault requests per init run | ${requests} | ≤ ${minimum} (Vault Agent's minimum) | ${yes(requests <= minimum)} |`,
      '',
      'Where the start-up goes (bundle, one instrumented run, ms since process start): Node itself',
      '~22; loading and evaluating the bundle ~23 (pino pulls in thread-stream and worker_threads, ~5);',
      'config ~3; logger ~3; requiring node:http ~5–10 (an ESM import of it would add ~35 by loading',
      'undici, see docs/adr/0002); loading the Go-template engine and compiling 20 templates ~13,',
      'overlapped with the login round trip; 24 Vault requests, 20 renders and 20 atomic writes ~22.',
      'The V8 heap flags in the second sidecar row are what the agent image can set to meet both',
      'memory targets; VmRSS includes ~42 MiB that `node -e 0` already maps (binary and ICU data).',
      '',
    ];
    const text = lines.join('\n');
    process.stdout.write(`${text}\n`);
    mkdirSync(join(ROOT, 'docs', 'benchmarks'), { recursive: true });
    writeFileSync(join(ROOT, 'docs', 'benchmarks', 'agent.md'), text);
  } finally {
    await vault.close();
    work.remove();
  }
}

await main();
