// `node bench/webhook.ts [--rounds N]`: the webhook over HTTPS with keep-alive (16 connections,
// autocannon) against a floor measured in the same run, plus the in-process time of admitPod on a
// typical annotated pod. Writes docs/benchmarks/webhook.md.
//
// The floor is a bare node:https server (this file with --floor) that reads every byte of each
// request body and answers with the webhook's own response to the typical pod, byte for byte, with
// the same status and content-type: the cost of HTTPS, keep-alive and a ~9 KB response, nothing
// else. Three loads, interleaved in each round so that drifting machine load hits all alike:
//   floor   — the floor, every request a fresh uid;
//   repeat  — the webhook, the same pod every request with a fresh uid (a ReplicaSet scaling up:
//             the API server sends byte-identical pods, so the decision cache answers);
//   varied  — the webhook, a different pod every request (its own pod-template-hash, generateName,
//             owner and Vault secret paths; fresh uid): every decision is made in full, the
//             template syntax check included (no cache of any kind can answer).
// All three build each request body the same way in the client, so the client's cost is equal.
// Both servers are child processes; their CPU time per request is read from /proc.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createTlsDir } from '../test/helpers/tls-dir.ts';
import { CLI, NODE, ROOT, freePort, httpsRequest } from '../test/helpers/webhook-process.ts';

const CONNECTIONS = 16;
const WARMUP_S = 2;
const DURATION_S = 8;
const ADMIT_ITERATIONS = 20_000;
const TARGETS = { throughputRatio: 0.7, p99Ms: 5, admitMedianUs: 100 } as const;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'pods', 'typical-annotated-pod.json');
// In the fixture: the ReplicaSet's pod-template-hash (in generateName, a label and the owner's
// name) and the Vault path prefix of its secrets. Varied pods replace both.
const TEMPLATE_HASH = '7d9c8b6f4';
const SECRET_PATHS = 'secret/data/orders/';
const UID = 'bench-00000000001';

function typicalPod(): unknown {
  if (!existsSync(FIXTURE)) throw new Error(`missing ${FIXTURE}`);
  const text = readFileSync(FIXTURE, 'utf8');
  if (!text.includes(TEMPLATE_HASH) || !text.includes(SECRET_PATHS)) throw new Error('the fixture no longer has the fields the varied load changes');
  return JSON.parse(text) as unknown;
}

/**
 * Starts a server with its stdout going to a file, as a container runtime takes it, and waits for
 * the marker there. Not a pipe into this process: autocannon runs here, and reading the webhook's
 * log lines would take the load generator's CPU, charging the webhook's logging twice.
 */
async function spawnUntil(args: string[], env: Record<string, string>, marker: string, logFile: string): Promise<ChildProcess> {
  const out = openSync(logFile, 'w');
  const child = spawn(NODE, args, { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', out, 'inherit'] });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  const deadline = Date.now() + 30_000;
  while (!readFileSync(logFile, 'utf8').includes(marker)) {
    if (exited !== undefined) throw new Error(`${args.join(' ')} exited with ${String(exited)}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not print ${marker}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

type BodyMaker = () => string;

/** Every request gets a fresh uid of the same length, as the API server gives each review. */
function freshUids(reviewBody: string, varyPod: boolean): BodyMaker {
  let n = 0;
  return () => {
    n += 1;
    const id = n.toString(36).padStart(9, '0');
    const body = reviewBody.replace(`"uid":"${UID}"`, `"uid":"bench-${id.padStart(11, '0')}"`);
    return varyPod ? body.replaceAll(TEMPLATE_HASH, id).replaceAll(SECRET_PATHS, `secret/data/${id}/`) : body;
  };
}

interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** The server process's CPU time (all threads) per answered request. */
  readonly cpuUsPerRequest: number;
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
}

async function load(url: string, server: ChildProcess, makeBody: BodyMaker, seconds: number): Promise<LoadResult> {
  const pid = server.pid ?? 0;
  const before = cpuMs(pid);
  const r = await autocannon({
    url, connections: CONNECTIONS, pipelining: 1, duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: makeBody() }) }],
  });
  const cpu = cpuMs(pid) - before;
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failures: r.errors + r.non2xx,
    cpuUsPerRequest: r.requests.total > 0 ? (cpu * 1000) / r.requests.total : 0,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function admitTiming(pod: unknown): Promise<{ medianUs: number; p99Us: number; patchOps: number; injection: string }> {
  const { loadWebhookConfig } = await import('../webhook/config.ts');
  const { admitPod } = await import('../webhook/inject/admit.ts');
  const config = loadWebhookConfig({ AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' }, []);
  const input = { object: pod, namespace: 'team', operation: 'CREATE' };
  for (let i = 0; i < 2000; i++) admitPod(input, config);
  const samples: number[] = [];
  let last = admitPod(input, config);
  for (let i = 0; i < ADMIT_ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    last = admitPod(input, config);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    medianUs: median(samples),
    p99Us: samples[Math.floor(samples.length * 0.99)] ?? 0,
    patchOps: last.allowed ? last.patch.length : -1,
    injection: last.allowed ? last.injection : `denied: ${last.message}`,
  };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function roundsArg(): number {
  const at = process.argv.indexOf('--rounds');
  const n = at === -1 ? 3 : Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--rounds wants a positive integer');
  return n;
}

const CASES = ['floor', 'repeat', 'varied'] as const;
type CaseName = (typeof CASES)[number];

async function main(): Promise<void> {
  const rounds = roundsArg();
  const tls = await createTlsDir();
  const pod = typicalPod();
  const reviewBody = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: UID, namespace: 'team', operation: 'CREATE', object: pod } });
  const children: ChildProcess[] = [];
  try {
    const webhookPort = await freePort();
    const webhook = await spawnUntil([CLI, 'webhook'], {
      AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
      AGENT_INJECT_LISTEN: `127.0.0.1:${webhookPort}`,
      AGENT_INJECT_TLS_CERT_FILE: tls.certFile,
      AGENT_INJECT_TLS_KEY_FILE: tls.keyFile,
      AGENT_INJECT_TELEMETRY_PATH: '/metrics',
    }, '"webhook listening"', join(tls.dir, 'webhook.log'));
    children.push(webhook);
    const sample = await httpsRequest({ port: webhookPort, ca: tls.ca.certPem, path: '/mutate', body: reviewBody });
    if (sample.status !== 200) throw new Error(`webhook answered ${sample.status}`);
    const variedSample = await httpsRequest({ port: webhookPort, ca: tls.ca.certPem, path: '/mutate', body: freshUids(reviewBody, true)() });
    const bodyFile = join(tls.dir, 'canned-response.json');
    writeFileSync(bodyFile, sample.body);
    const floorPort = await freePort();
    const floor = await spawnUntil([join(ROOT, 'bench', 'webhook.ts'), '--floor', String(floorPort), tls.certFile, tls.keyFile, bodyFile], {}, 'floor listening', join(tls.dir, 'floor.log'));
    children.push(floor);

    const targets: Record<CaseName, { url: string; server: ChildProcess; body: BodyMaker }> = {
      floor: { url: `https://127.0.0.1:${floorPort}/mutate`, server: floor, body: freshUids(reviewBody, false) },
      repeat: { url: `https://127.0.0.1:${webhookPort}/mutate`, server: webhook, body: freshUids(reviewBody, false) },
      varied: { url: `https://127.0.0.1:${webhookPort}/mutate`, server: webhook, body: freshUids(reviewBody, true) },
    };
    const results: Record<CaseName, LoadResult[]> = { floor: [], repeat: [], varied: [] };
    for (let i = 0; i < rounds; i++) {
      for (const name of CASES) {
        const t = targets[name];
        await load(t.url, t.server, t.body, WARMUP_S);
        results[name].push(await load(t.url, t.server, t.body, DURATION_S));
      }
    }
    const admit = await admitTiming(pod);
    writeReport({ rounds, results, admit, reviewBytes: reviewBody.length, responseBytes: sample.body.length, variedResponseBytes: variedSample.body.length });
    // Missed targets are reported in the tables; only failed requests fail the run.
    process.exitCode = CASES.every((name) => results[name].every((r) => r.failures === 0)) ? 0 : 1;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await tls.remove();
  }
}

interface Report {
  readonly rounds: number;
  readonly results: Record<CaseName, LoadResult[]>;
  readonly admit: Awaited<ReturnType<typeof admitTiming>>;
  readonly reviewBytes: number;
  readonly responseBytes: number;
  readonly variedResponseBytes: number;
}

function spread(values: readonly number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${round(median(sorted), digits)} (${round(sorted[0] ?? 0, digits)}–${round(sorted.at(-1) ?? 0, digits)})`;
}

function writeReport(r: Report): void {
  const { results, admit } = r;
  const ratios = (name: CaseName): number[] => results[name].map((x, i) => x.rps / (results.floor[i]?.rps ?? 1));
  const med = (name: CaseName, f: (x: LoadResult) => number): number => median(results[name].map(f));
  const row = (label: string, name: CaseName): string =>
    `| ${label} | ${spread(results[name].map((x) => x.rps), 0)} | ${spread(results[name].map((x) => x.p50), 0)} | ${spread(results[name].map((x) => x.p99), 0)} | ${spread(results[name].map((x) => x.cpuUsPerRequest), 0)} | ${results[name].reduce((a, x) => a + x.failures, 0)} |`;
  const met = (ok: boolean): string => (ok ? 'yes' : 'NO');
  const variedRatio = median(ratios('varied'));
  const repeatRatio = median(ratios('repeat'));
  const variedP99 = med('varied', (x) => x.p99);
  const repeatP99 = med('repeat', (x) => x.p99);
  const report = `## webhook

Run: ${new Date().toISOString()} · ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}) · Node ${process.version}
Load: autocannon in the bench process, ${CONNECTIONS} keep-alive HTTPS connections, POST /mutate; ${r.rounds} rounds, each
running the three loads in turn for ${DURATION_S} s after a ${WARMUP_S} s warm-up. Review ${r.reviewBytes} bytes
(test/fixtures/pods/typical-annotated-pod.json), response ${r.responseBytes} bytes (varied pods: ${r.variedResponseBytes}).
Both servers are child processes on 127.0.0.1; the webhook runs with its defaults (info logs, metrics on).

What each load is:
- **floor**: a bare \`node:https\` server that reads every byte of each request body and answers with
  the webhook's own response to the typical pod, byte for byte (same status and content-type).
- **repeat**: the webhook, the same pod in every review (fresh uid each time), as when a ReplicaSet
  scales up; the review cache answers from the third (it keeps an entry on a review's second miss).
- **varied**: the webhook, a different pod in every review (own pod-template-hash, generateName,
  owner and Vault secret paths; fresh uid): every decision made in full, template check included.

Figures are the median of the rounds, with the lowest and highest in brackets. "CPU µs/req" is the
server process's CPU time (all its threads) per answered request.

| Load | req/s | p50 ms | p99 ms | CPU µs/req | failed |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('floor (bare node:https, canned response)', 'floor')}
${row('webhook, repeat (the same pod)', 'repeat')}
${row('webhook, varied (a different pod each time)', 'varied')}

| Figure | Value | Target | Met |
| --- | ---: | ---: | :---: |
| throughput ratio webhook / floor, repeated pod — **the target figure** | ${spread(ratios('repeat'), 3)} | ≥ ${TARGETS.throughputRatio} | ${met(repeatRatio >= TARGETS.throughputRatio)} |
| webhook p99 latency, repeated pod — **the target figure** | ${repeatP99} ms | ≤ ${TARGETS.p99Ms} ms | ${met(repeatP99 <= TARGETS.p99Ms)} |
| throughput ratio webhook / floor, varied pods | ${spread(ratios('varied'), 3)} | (≥ ${TARGETS.throughputRatio}) | ${met(variedRatio >= TARGETS.throughputRatio)} |
| webhook p99 latency, varied pods | ${variedP99} ms | (≤ ${TARGETS.p99Ms} ms) | ${met(variedP99 <= TARGETS.p99Ms)} |
| admitPod median (in-process, ${ADMIT_ITERATIONS} runs, typical pod) | ${round(admit.medianUs, 1)} µs | ≤ ${TARGETS.admitMedianUs} µs | ${met(admit.medianUs <= TARGETS.admitMedianUs)} |
| admitPod p99 | ${round(admit.p99Us, 1)} µs | — | — |

The throughput and p99 targets are judged on the repeated pod, the benchmark the issue describes:
the floor and the webhook answer the same typical review, each request with a fresh uid as the API
server sends it. The varied load, where every review is a pod never seen before, is reported with
it: it is what a first rollout of many different workloads costs, and it stays far from the floor
(see below).
admitPod on the typical pod: ${admit.injection}, ${admit.patchOps} patch operations.

${NOTES}`;
  console.log(report);
  mkdirSync(join(ROOT, 'docs', 'benchmarks'), { recursive: true });
  writeFileSync(join(ROOT, 'docs', 'benchmarks', 'webhook.md'), report);
}

// Hand-written account, kept with the code that produces the tables above.
const NOTES = `### What the repeated pod costs, and what changed (2026-11-25, third pass)

Before this pass the repeated pod ran at 0.33 of the floor (≈ 106 µs of server CPU a request, p99
3.5 ms): every review was parsed, its pod serialised again as a decision-cache key, and its
response encoded, all inside Fastify's request machinery. Now (server CPU µs a request, bench runs
of the same day, old → new):

- **Review cache** (webhook/admission/review-cache.ts) instead of the decision cache: a review that
  differs from an earlier one only in request.uid is answered from bytes, without JSON.parse, key
  serialisation or encoding. An entry is the earlier review with the uid's characters cut out and its
  response; a hit is a byte-for-byte comparison (no hash is trusted), and an entry is made only when
  the cut is provably the field JSON.parse reads request.uid from (the file's header has the
  argument; a property test checks that no hit ever differs from its entry in anything but
  request.uid). ≈ 106 → 62.
- **/mutate from the request listener** (docs/adr/0003): Fastify still serves health, metrics, 404
  and 405, but POST /mutate no longer builds Fastify's request, reply and child logger: ≈ 8 µs of
  the webhook's main-thread CPU a request, measured side by side in a smaller harness (this bench,
  which changed its log handling in the same step, cannot separate it).
- **No 9 KB copy per answer**: a cached response is written as a new ~80-byte head (API version,
  uid) and the stored rest, not copied into a fresh buffer. The copies were ~190 MB/s of short-lived
  Buffers at 20k req/s, and the garbage collector's work showed in CPU and p99. ≈ 66 → 48, p99 8 → 3 ms.
- **The admission line**: a cached entry keeps a child logger with its fixed fields bound, so a hit
  serialises only reqId, uid and durationMs; the ISO timestamp text is made once per millisecond
  (shared/logger.ts). In-process ≈ 2.4 → 0.8 µs a line.
- **This benchmark** sends each server's stdout to a file, as a container runtime takes it, instead of
  a pipe into the bench process, where reading the webhook's log lines took the load generator's CPU
  and charged the webhook's logging twice.

Tried and not kept: gathering log lines into 4 KB writes (sonic-boom minLength, 200 ms flush) made
no measurable difference (46 and 46 µs a request, back to back), so lines are still written at once.

What the rest is: the floor needs ≈ 24 µs a request (TLS read of the 3 KB review, TLS write of the
9.4 KB answer, HTTP); the webhook adds the cache lookup (a search for \`"uid":"\`, two memory
compares), the log line and its write, the metrics and the per-request objects. On 2 cores shared
with the load generator every µs counts: the ratio moves 0.05–0.1 between runs of the same code
(the range in brackets above is one run's rounds).

### Why the varied load stays far from the floor

Every varied review is a pod never seen before, so each is decided in full: admitPod ≈ 50 µs
in-process (the figure above) and two to three times that in the busy server, the patch's JSON and
base64 encoding ≈ 14 µs, the review's JSON.parse with the prototype-poisoning scan, and a fingerprint
for the review cache's second-miss rule (a review seen once costs no entry). ≈ 330 µs of server CPU
a request against the floor's ≈ 24 µs, hence ≈ 0.1 of its throughput; with 16 requests in flight
each waits for those ahead of it, so p99 ≈ 10 ms. A cluster meets this load on a first rollout of
many different workloads; scale-ups and restarts of one workload are the repeated load.
`;

// Floor mode: this same file, run as `node bench/webhook.ts --floor PORT CERT KEY BODYFILE`.
function runFloor(): void {
  const [port, certFile, keyFile, bodyFile] = process.argv.slice(3) as [string, string, string, string];
  const body = readFileSync(bodyFile);
  createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' }, (req, res) => {
    req.resume(); // every byte of the body is read (and dropped), as any server must
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
  }).listen(Number(port), '127.0.0.1', () => {
    process.stdout.write('floor listening\n');
  });
}

if (process.argv[2] === '--floor') runFloor();
else await main();
