// The image build steps, run the way the Dockerfiles run them (`npm run build:agent|webhook --
// --node=...`), then the bundles executed directly through their shebang (as an exec probe
// would, no shell), and the webhook bundle doing auto-TLS with two replicas against the fake
// Kubernetes API server. Plus static checks that the Dockerfiles stay in line with the scripts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, type X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startKubeApiServer, type FakeKubeApiServer } from '../kube-api-server/server.ts';

const NODE = resolve('node_modules/.bin/node');
const AGENT = resolve('dist/agent/vaultlet.js');
const WEBHOOK = resolve('dist/webhook/vaultlet.js');

function build(image: 'agent' | 'webhook'): string {
  // The Dockerfile's command, with this machine's Node 24 as the shebang.
  return execFileSync('npm', ['run', '--silent', `build:${image}`, '--', `--node=${NODE}`], { encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function inputs(image: string): string[] {
  return JSON.parse(readFileSync(`dist/${image}/inputs.json`, 'utf8')) as string[];
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(file, args, { encoding: 'utf8', env: { PATH: '/nonexistent', ...env }, timeout: 20_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => { r(); }));
  return port;
}

describe('image build steps', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vaultlet-images-'));
  beforeAll(() => {
    build('agent');
    build('webhook');
  }, 60_000);
  afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

  it('bundle reproducibly: the same sources give the same bytes', () => {
    // Other work may edit sources meanwhile: compare only builds whose inputs were identical.
    const sourcesHash = (image: string): string => {
      const h = createHash('sha256');
      for (const f of inputs(image)) h.update(f).update(readFileSync(f));
      return h.digest('hex');
    };
    let compared = 0;
    for (let attempt = 0; attempt < 3 && compared === 0; attempt += 1) {
      const before = [sourcesHash('agent'), sourcesHash('webhook'), sha256(AGENT), sha256(WEBHOOK)];
      build('agent');
      build('webhook');
      const after = [sourcesHash('agent'), sourcesHash('webhook'), sha256(AGENT), sha256(WEBHOOK)];
      if (before[0] === after[0] && before[1] === after[1]) {
        expect(after.slice(2)).toEqual(before.slice(2));
        compared += 1;
      }
    }
    expect(compared).toBe(1);
    expect(readFileSync(AGENT, 'utf8').split('\n', 1)[0]).toBe(`#!${NODE}`);
  }, 60_000);

  it('put only their own programs in each bundle', () => {
    const agent = inputs('agent');
    expect(agent.filter((f) => /^(webhook|test|bench)\//.test(f) || f.includes('@kubernetes/client-node') || f.includes('/fastify/'))).toEqual([]);
    expect(agent).toEqual(expect.arrayContaining(['cli/agent-image.ts', 'agent/main.ts', 'agent/ready-check.ts']));
    const webhook = inputs('webhook');
    expect(webhook.filter((f) => /^(agent|test|bench)\//.test(f))).toEqual([]);
    expect(webhook).toEqual(expect.arrayContaining(['cli/webhook-image.ts', 'webhook/main.ts', 'webhook/kube/client-node-port.ts']));
    // The Kubernetes client (auto-TLS only) sits in a chunk of its own: a webhook with TLS from
    // files never loads it (docs/benchmarks/webhook.md, resident memory).
    expect(readFileSync(WEBHOOK, 'utf8')).not.toContain('CoreV1Api');
  });

  it('agent bundle: `vaultlet agent` with a bad config exits 2 without needing a shell or node on PATH', () => {
    const noConfig = run(AGENT, ['agent']);
    expect(noConfig.status).toBe(2);
    expect(noConfig.stderr).toContain('invalid configuration');
    const badFile = join(tmp, 'agent.json');
    writeFileSync(badFile, '{"auto_auth": 7, "template": "nope"}');
    expect(run(AGENT, ['agent', `-config=${badFile}`]).status).toBe(2);
    expect(run(AGENT, ['agent'], { VAULT_CONFIG: 'not base64 json' }).status).toBe(2);
    expect(run(AGENT, ['webhook']).status).toBe(2);
  });

  it('agent bundle: runs from the image layout (entry + vaultlet-lib/ side by side, no package.json above) and leaves pino\'s worker-thread transport out', () => {
    const bin = join(tmp, 'usr-local-bin');
    cpSync('dist/agent/vaultlet.js', join(bin, 'vaultlet'));
    cpSync('dist/agent/vaultlet-lib', join(bin, 'vaultlet-lib'), { recursive: true });
    expect(readFileSync(join(bin, 'vaultlet-lib', 'package.json'), 'utf8')).toBe('{"type":"module"}\n');
    const r = run(join(bin, 'vaultlet'), ['agent']);
    expect([r.status, r.stderr.split('\n', 1)[0]]).toEqual([2, 'vaultlet agent: invalid configuration (1 problem):']);
    expect(inputs('agent').filter((f) => f.includes('thread-stream'))).toEqual([]);
    expect(readFileSync('Dockerfile.agent', 'utf8')).toContain('COPY --from=build --chmod=0555 /src/dist/agent/vaultlet-lib/ /usr/local/bin/vaultlet-lib/');
  });

  it('agent bundle: a rebuild removes chunks of an earlier build and keeps every chunk the entry needs', () => {
    writeFileSync('dist/agent/vaultlet-lib/chunk-STALE0000.js', 'export {};\n');
    build('agent');
    const chunks = readdirSync('dist/agent/vaultlet-lib').filter((f) => f.endsWith('.js'));
    expect(chunks).not.toContain('chunk-STALE0000.js');
    expect(run(AGENT, ['ready']).status).toBe(2);
  }, 60_000);

  it('agent bundle: `vaultlet ready` answers the startup probe', () => {
    const marker = join(tmp, 'rendered');
    expect(run(AGENT, ['ready', `-file=${marker}`]).status).toBe(1);
    writeFileSync(marker, '');
    expect(run(AGENT, ['ready', `-file=${marker}`]).status).toBe(0);
    expect(run(AGENT, ['ready']).status).toBe(2);
  });

  it('webhook bundle: a missing Vault address is a configuration error (exit 2)', () => {
    const r = run(WEBHOOK, ['webhook']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('AGENT_INJECT_VAULT_ADDR');
    expect(run(WEBHOOK, ['agent']).status).toBe(2);
  });
});

describe('webhook bundle with auto-TLS and two replicas', () => {
  let api: FakeKubeApiServer;
  const procs: ChildProcess[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'vaultlet-webhook-'));
  const MWC = 'vaultlet-agent-injector-cfg';

  beforeAll(async () => {
    api = await startKubeApiServer();
    api.put('mutatingwebhookconfigurations', {
      metadata: { name: MWC },
      webhooks: [{ name: 'vault.hashicorp.com', clientConfig: { service: { name: 'vaultlet', namespace: 'vaultlet', path: '/mutate' } } }],
    });
    writeFileSync(join(tmp, 'kubeconfig'), JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
      clusters: [{ name: 'fake', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') } }],
      users: [{ name: 'sa', user: { token: api.token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'sa' } }],
    }));
  });
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await api.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  function start(pod: string, port: number): { proc: ChildProcess; output: () => string } {
    let out = '';
    const proc = spawn(WEBHOOK, ['webhook'], {
      env: {
        PATH: '/nonexistent', KUBECONFIG: join(tmp, 'kubeconfig'), AGENT_INJECT_VAULT_ADDR: 'http://127.0.0.1:8200',
        AGENT_INJECT_LISTEN: `127.0.0.1:${port}`, AGENT_INJECT_TLS_AUTO: MWC, AGENT_INJECT_TLS_AUTO_HOSTS: 'vaultlet,vaultlet.vaultlet.svc,127.0.0.1',
        AGENT_INJECT_USE_LEADER_ELECTOR: 'true', NAMESPACE: 'vaultlet', POD_NAME: pod, AGENT_INJECT_LOG_FORMAT: 'json',
        // Named per release, as the chart sets them.
        AGENT_INJECT_LEADER_LEASE: 'team-a-leader', AGENT_INJECT_TLS_AUTO_SECRET: 'team-a-certs',
      },
    });
    proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    procs.push(proc);
    return { proc, output: () => out };
  }

  function ready(port: number, ca: string): Promise<{ status: number; cert: string }> {
    return new Promise((resolveReady, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/health/ready', ca, agent: false }, (res) => {
        const peer = res.socket as unknown as { getPeerX509Certificate(): X509Certificate | undefined };
        res.resume();
        resolveReady({ status: res.statusCode ?? 0, cert: peer.getPeerX509Certificate()?.fingerprint256 ?? '' });
      });
      req.on('error', reject);
      req.end();
    });
  }

  async function eventually<T>(fn: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let i = 0; i < 200; i += 1) {
      try {
        return await fn();
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw last;
  }

  it('both replicas serve the leader\'s certificate, trusted through the caBundle it patched', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = start('pod-a', portA);
    const caBundle = await eventually(() => {
      const webhooks = api.get('mutatingwebhookconfigurations', undefined, MWC)?.['webhooks'] as { clientConfig: { caBundle?: string } }[];
      const pem = Buffer.from(webhooks[0]?.clientConfig.caBundle ?? '', 'base64').toString('utf8');
      return pem === '' ? Promise.reject(new Error('caBundle not set yet')) : Promise.resolve(pem);
    });
    const fromA = await eventually(() => ready(portA, caBundle));
    const b = start('pod-b', portB);
    const fromB = await eventually(() => ready(portB, caBundle));
    expect([fromA.status, fromB.status]).toEqual([204, 204]);
    expect(fromB.cert).toBe(fromA.cert);
    expect((api.get('leases', 'vaultlet', 'team-a-leader')?.['spec'] as { holderIdentity: string }).holderIdentity).toBe('pod-a');
    expect(api.get('secrets', 'vaultlet', 'team-a-certs')).toBeDefined();
    expect(api.get('leases', 'vaultlet', 'vaultlet-injector-leader')).toBeUndefined();

    // A graceful stop of the leader releases the Lease for pod-b to take over.
    const exited = new Promise<number | null>((r) => a.proc.on('exit', (code) => { r(code); }));
    a.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(api.get('leases', 'vaultlet', 'team-a-leader')?.['spec']).toMatchObject({ holderIdentity: '' });
    for (const out of [a.output(), b.output()]) expect(out).not.toContain('PRIVATE KEY');
    b.proc.kill('SIGTERM');
  }, 30_000);
});

describe('Dockerfiles', () => {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const ignore = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

  it('agent: tini as init and a static busybox as /bin/sh (with kill, killall, pidof) for shell-syntax commands', () => {
    const text = readFileSync('Dockerfile.agent', 'utf8');
    const build = text.slice(0, text.indexOf('\nFROM gcr.io/distroless'));
    const runtime = text.slice(text.indexOf('\nFROM gcr.io/distroless'));
    // Debian's statically linked builds: nothing else from the build stage's libraries is needed.
    expect(build).toMatch(/apt-get install -y --no-install-recommends tini busybox-static/);
    expect(build).toContain('cp /bin/busybox /out/bin/busybox');
    expect(build).toContain('for applet in sh kill killall pidof; do ln -s busybox "/out/bin/$applet"; done');
    expect(runtime).toContain('COPY --from=build /usr/bin/tini-static /usr/bin/tini\n');
    expect(runtime).toContain('COPY --from=build /out/bin/ /bin/\n');
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1] ?? '[]') as string[];
    expect(entrypoint.slice(0, 4)).toEqual(['/usr/bin/tini', '-s', '--', '/usr/local/bin/node']);
    // The command runner's shell is the one the image provides.
    expect(readFileSync('agent/output/command-runner.ts', 'utf8')).toContain("const SHELL = '/bin/sh';");
  });

  it.each([['agent', 'Dockerfile.agent'], ['webhook', 'Dockerfile.webhook']])('%s: multi-stage, pinned Node 24, non-root numeric user, built by the npm script', (image, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('ARG NODE_VERSION=24.21.0');
    expect(text.match(/^FROM .*$/gm)).toEqual([
      'FROM node:${NODE_VERSION}-bookworm-slim AS build',
      'FROM gcr.io/distroless/cc-debian12:nonroot AS runtime',
    ]);
    expect(text).toContain(`RUN npm run build:${image} -- --node=/usr/local/bin/node`);
    expect(scripts[`build:${image}`]).toBe(`node scripts/build-bundle.ts ${image}`);
    expect(text).toMatch(/^USER 100:1000$/m);
    // Both run under Node with their heap flags (the memory targets), the bundle beside its chunks;
    // the agent under tini (it runs commands, whose orphans someone must reap).
    const semiSpace = image === 'agent' ? 1 : 8;
    const init = image === 'agent' ? '"/usr/bin/tini", "-s", "--", ' : '';
    // The agent adds its sidecar-memory flags (docs/agent.md "Footprint"); the webhook lets its old
    // generation reach 48 MiB before the first full collection (docs/benchmarks/webhook.md).
    const more = image === 'agent' ? ', "--v8-pool-size=1"' : ', "--initial-old-space-size=48"';
    expect(text).toMatch(new RegExp(`^ENTRYPOINT \\[${init}"/usr/local/bin/node", "--max-semi-space-size=${semiSpace}", "--max-old-space-size=\\d+"${more}, "/usr/local/bin/vaultlet"\\]$`, 'm'));
    expect(text).toContain(`COPY --from=build --chmod=0555 /src/dist/${image}/vaultlet-lib/ /usr/local/bin/vaultlet-lib/`);
    expect(text).toMatch(new RegExp(`^CMD \\["${image}"\\]$`, 'm'));
    expect(text).toContain(`/src/dist/${image}/vaultlet.js /usr/local/bin/vaultlet`);
    for (const label of ['title', 'description', 'source', 'licenses', 'version']) expect(text).toContain(`org.opencontainers.image.${label}=`);
    // Everything the build stage copies from the context gets past .dockerignore.
    const sources = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    for (const src of sources) expect(ignore.some((rule) => rule === `!${src}` || rule === `!${src}/**`)).toBe(true);
  });
});
