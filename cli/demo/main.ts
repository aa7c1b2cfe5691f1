// `vaultlet demo`: the whole path on one machine, as it happens in a cluster. Starts the Vault
// test server with sample secrets, the webhook over HTTPS with generated certificates, sends an
// annotated pod, shows the patch, runs the injected init and sidecar agents as local processes
// with a temp dir standing in for /vault/secrets, changes a secret and shows the re-render.
//
// Rendered files are printed on purpose: they hold the test server's sample values and showing
// them is the point of a demo. Nothing here is logged.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { createCa, issueCertificate } from '../../shared/tls/certificates.ts';
import { decodeAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { startVaultServer, type VaultTestServer } from '../../test/vault-server/server.ts';
import { loadSeedFile } from '../../test/vault-server/seed.ts';
import { makeServiceAccountJwt } from '../../test/vault-server/jwt.ts';
import { createProgress, type Progress } from './progress.ts';
import { localizeAgentConfig, type LocalPaths } from './local-config.ts';
import { dockerRunArgs, parseDemoArgs, type DemoImages } from './container-command.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'bin', 'vaultlet.js');

interface Pod {
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: { initContainers?: Container[]; containers: Container[]; volumes?: { name: string }[] };
}
interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  args?: string[];
  restartPolicy?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        resolve(typeof addr === 'object' && addr !== null ? addr.port : 0);
      });
    });
  });
}

function httpsJson(url: string, ca: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method: payload === undefined ? 'GET' : 'POST',
        ca,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => {
      req.destroy(new Error('request timed out'));
    });
    req.end(payload);
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startCli(
  args: readonly string[],
  env: Record<string, string>,
  logFile: string,
  run?: { image: string; dir: string },
): ChildProcess {
  const child =
    run === undefined
      ? spawn(process.execPath, [CLI, ...args], {
          env: { PATH: process.env['PATH'] ?? '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(
          'docker',
          dockerRunArgs({
            image: run.image,
            args,
            env,
            dir: run.dir,
            uid: process.getuid?.() ?? 0,
            gid: process.getgid?.() ?? 0,
          }),
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  child.on('close', () => {
    void writeFile(logFile, Buffer.concat(chunks));
  });
  return child;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    const t = setTimeout(() => {
      reject(new Error(`process did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

async function showFiles(progress: Progress, dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    files.set(name, text);
    progress.detail(`${name}:`);
    progress.detail(text.replace(/\n$/, '').replace(/^/gm, '  '));
  }
  return files;
}

function summarizePatch(ops: readonly Operation[]): string {
  return ops.map((op) => `${op.op.padEnd(7)} ${op.path}`).join('\n');
}

function agentConfigOf(c: Container | undefined): AgentConfig {
  const b64 = c?.env?.find((e) => e.name === 'VAULT_CONFIG')?.value;
  if (b64 === undefined) throw new Error(`container ${c?.name ?? '?'} has no VAULT_CONFIG`);
  return decodeAgentConfig(b64) as AgentConfig;
}

interface DemoState {
  vault?: VaultTestServer;
  webhook?: ChildProcess;
  sidecar?: ChildProcess;
  dir?: string;
}

async function demo(progress: Progress, state: DemoState, keep: boolean, images: DemoImages): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlet-demo-'));
  state.dir = dir;
  const paths: LocalPaths = {
    secretsDir: join(dir, 'secrets'),
    homeDir: join(dir, 'home'),
    stateDir: join(dir, 'agent-state'),
    tokenFile: join(dir, 'sa', 'token'),
  };
  for (const d of [paths.secretsDir, paths.stateDir, dirname(paths.tokenFile), join(dir, 'tls'), join(dir, 'logs')])
    await mkdir(d, { recursive: true });

  progress.section('Vault and the webhook');
  const vault = await progress.step('Start the Vault test server with sample secrets', async () => {
    const seed = loadSeedFile(join(ROOT, 'test', 'fixtures', 'vault-seed.yaml'));
    return startVaultServer({ seed });
  });
  state.vault = vault;
  progress.detail(`Vault at ${vault.url} (KV v2 "secret", KV v1 "kv", database, pki; Kubernetes auth role "app")`);

  const tls = await progress.step('Generate a CA and the webhook serving certificate (ECDSA P-256)', async () => {
    const ca = await createCa({ commonName: 'vaultlet demo CA', validityMs: 3_600_000 });
    const leaf = await issueCertificate({
      ca,
      commonName: 'vaultlet-webhook',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityMs: 3_600_000,
      usages: ['server'],
    });
    await writeFile(join(dir, 'tls', 'tls.crt'), leaf.certPem);
    await writeFile(join(dir, 'tls', 'tls.key'), leaf.keyPem, { mode: 0o600 });
    return { caPem: ca.certPem };
  });

  const port = await freePort();
  const base = `https://127.0.0.1:${port}`;
  await progress.step(`Start the webhook on ${base}`, async () => {
    state.webhook = startCli(
      ['webhook'],
      {
        AGENT_INJECT_VAULT_ADDR: vault.url,
        AGENT_INJECT_LISTEN: `127.0.0.1:${port}`,
        AGENT_INJECT_TLS_CERT_FILE: join(dir, 'tls', 'tls.crt'),
        AGENT_INJECT_TLS_KEY_FILE: join(dir, 'tls', 'tls.key'),
        AGENT_INJECT_TELEMETRY_PATH: '/metrics',
        AGENT_INJECT_LOG_FORMAT: 'json',
      },
      join(dir, 'logs', 'webhook.log'),
      images.webhook === undefined ? undefined : { image: images.webhook, dir },
    );
    await waitFor('the webhook to be ready', 15_000, async () =>
      (await httpsJson(`${base}/health/ready`, tls.caPem)).status === 204 ? true : undefined,
    );
  });

  progress.section('Admission');
  const pod = parseYaml(await readFile(join(ROOT, 'cli', 'demo', 'demo-pod.yaml'), 'utf8')) as Pod;
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'demo-0001',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'default',
      operation: 'CREATE',
      object: pod,
    },
  };
  const response = await progress.step('Send the annotated pod "orders" to POST /mutate', async () => {
    const res = await httpsJson(`${base}/mutate`, tls.caPem, review);
    const r = (
      res.json as {
        response?: { allowed?: boolean; patch?: string; warnings?: string[]; status?: { message?: string } };
      }
    ).response;
    if (res.status !== 200 || r === undefined) throw new Error(`webhook answered HTTP ${res.status}`);
    if (r.allowed !== true) throw new Error(`webhook denied the pod: ${r.status?.message ?? ''}`);
    return r;
  });
  const ops = JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8')) as Operation[];
  progress.detail(
    `allowed, ${ops.length} JSON Patch operations${(response.warnings ?? []).length > 0 ? `, warnings: ${(response.warnings ?? []).join('; ')}` : ''}:`,
  );
  progress.detail(summarizePatch(ops));
  const mutated = fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument;
  const init = mutated.spec.initContainers?.find((c) => c.name === 'vault-agent-init');
  const sidecar =
    mutated.spec.containers.find((c) => c.name === 'vault-agent') ??
    mutated.spec.initContainers?.find((c) => c.name === 'vault-agent');
  const initConfig = agentConfigOf(init);
  const sidecarConfig = agentConfigOf(sidecar);
  progress.detail(`init container "${init?.name ?? '-'}" and sidecar "${sidecar?.name ?? '-'}" added; templates:`);
  for (const t of initConfig.template ?? []) progress.detail(`  ${t.destination}`);

  progress.section('The agents, as local processes (a temp dir stands in for /vault/secrets)');
  await writeFile(paths.tokenFile, makeServiceAccountJwt({ namespace: 'default', serviceAccount: 'app' }), {
    mode: 0o600,
  });
  await writeFile(
    join(dir, 'init.json'),
    JSON.stringify(localizeAgentConfig(initConfig, { ...paths, homeDir: join(dir, 'home-init') })),
  );
  await writeFile(
    join(dir, 'sidecar.json'),
    JSON.stringify(localizeAgentConfig(sidecarConfig, { ...paths, homeDir: join(dir, 'home-sidecar') })),
  );
  for (const h of ['home-init', 'home-sidecar']) await mkdir(join(dir, h), { recursive: true });

  const loginsBefore = vault.requests.filter((r) => r.path.endsWith('/login')).length;
  await progress.step('Run the init container: log in, render every template once, exit', async () => {
    const child = startCli(
      ['agent', `-config=${join(dir, 'init.json')}`],
      {},
      join(dir, 'logs', 'agent-init.log'),
      images.agent === undefined ? undefined : { image: images.agent, dir },
    );
    const code = await exited(child, 30_000);
    if (code !== 0)
      throw new Error(`init agent exited with ${String(code)} (log: ${join(dir, 'logs', 'agent-init.log')})`);
  });
  const first = await showFiles(progress, paths.secretsDir);
  const leasesAfterInit = vault.leases().filter((l) => !l.revoked).length;

  await progress.step("Start the sidecar: it adopts the init container's token and leases", async () => {
    await rm(join(paths.stateDir, 'ready'), { force: true }); // the init container marked it; wait for the sidecar's own mark
    state.sidecar = startCli(
      ['agent', `-config=${join(dir, 'sidecar.json')}`],
      {},
      join(dir, 'logs', 'agent-sidecar.log'),
      images.agent === undefined ? undefined : { image: images.agent, dir },
    );
    await waitFor('the sidecar to be ready', 20_000, async () =>
      (await readdir(paths.stateDir)).includes('ready') ? true : undefined,
    );
  });
  const logins = vault.requests.filter((r) => r.path.endsWith('/login')).length - loginsBefore;
  const leasesNow = vault.leases().filter((l) => !l.revoked).length;
  progress.detail(
    `Vault logins for this pod: ${logins}; live leases after init: ${leasesAfterInit}, with the sidecar running: ${leasesNow}`,
  );

  progress.section('A secret changes in Vault');
  const before = first.get('app.env') ?? '';
  await progress.step('Rotate secret/app/config password in Vault; wait for the sidecar to re-render', async () => {
    vault.writeKv('secret', 'app/config', {
      username: 'app-user',
      password: 'rotated-by-demo-42',
      url: 'https://db.example.com:5432/app?sslmode=require&x=<y>',
    });
    await waitFor('the re-render', 20_000, async () => {
      const now = await readFile(join(paths.secretsDir, 'app.env'), 'utf8');
      return now !== before ? now : undefined;
    });
  });
  await showFiles(progress, paths.secretsDir);

  progress.section('Shutdown');
  await progress.step('Stop the sidecar with SIGTERM (it exits within 2 s)', async () => {
    state.sidecar?.kill('SIGTERM');
    const code = await exited(state.sidecar as ChildProcess, 5_000);
    if (code !== 0) throw new Error(`sidecar exited with ${String(code)}`);
  });
  if (keep) progress.detail(`kept ${dir} (logs in ${join(dir, 'logs')})`);
}

async function cleanup(state: DemoState, keep: boolean): Promise<void> {
  state.sidecar?.kill('SIGTERM');
  state.webhook?.kill('SIGTERM');
  if (state.webhook !== undefined) await exited(state.webhook, 5_000).catch(() => state.webhook?.kill('SIGKILL'));
  await state.vault?.close();
  if (!keep && state.dir !== undefined) await rm(state.dir, { recursive: true, force: true });
}

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseDemoArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(
      `vaultlet demo: ${args}\nusage: vaultlet demo [--keep] [--agent-image IMAGE] [--webhook-image IMAGE]\n`,
    );
    return 2;
  }
  const { keep, images } = args;
  const progress = createProgress(process.stdout);
  process.stdout.write('vaultlet demo: Vault test server → webhook → init agent → sidecar, all on this machine\n');
  const state: DemoState = {};
  let failed = false;
  try {
    await demo(progress, state, keep, images);
    progress.section('Done: the pod got its secrets from files, without them ever touching etcd.');
    return 0;
  } catch (err) {
    process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    if (state.dir !== undefined) process.stderr.write(`logs: ${join(state.dir, 'logs')} (kept)\n`);
    failed = true;
    return 1;
  } finally {
    await cleanup(state, keep || failed);
  }
}
