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
  scales up; the decision cache answers from the third (it keeps an entry on a key's second miss).
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
| throughput ratio webhook / floor, varied pods — **the target figure** | ${spread(ratios('varied'), 3)} | ≥ ${TARGETS.throughputRatio} | ${met(variedRatio >= TARGETS.throughputRatio)} |
| webhook p99 latency, varied pods — **the target figure** | ${variedP99} ms | ≤ ${TARGETS.p99Ms} ms | ${met(variedP99 <= TARGETS.p99Ms)} |
| throughput ratio webhook / floor, repeated pod | ${spread(ratios('repeat'), 3)} | (≥ ${TARGETS.throughputRatio}) | ${met(repeatRatio >= TARGETS.throughputRatio)} |
| webhook p99 latency, repeated pod | ${repeatP99} ms | (≤ ${TARGETS.p99Ms} ms) | ${met(repeatP99 <= TARGETS.p99Ms)} |
| admitPod median (in-process, ${ADMIT_ITERATIONS} runs, typical pod) | ${round(admit.medianUs, 1)} µs | ≤ ${TARGETS.admitMedianUs} µs | ${met(admit.medianUs <= TARGETS.admitMedianUs)} |
| admitPod p99 | ${round(admit.p99Us, 1)} µs | — | — |

The targets are judged on the varied load: a cluster sends a mix, and only the varied load makes
every decision; the repeated pod shows what the decision cache adds on a scale-up.
admitPod on the typical pod: ${admit.injection}, ${admit.patchOps} patch operations.

${NOTES}`;
  console.log(report);
  mkdirSync(join(ROOT, 'docs', 'benchmarks'), { recursive: true });
  writeFileSync(join(ROOT, 'docs', 'benchmarks', 'webhook.md'), report);
}

// Hand-written account, kept with the code that produces the tables above.
const NOTES = `### Why the 0.7 target is not met, in numbers

The floor is not limited by its server: it needs about 25 µs of CPU per request, and the load
generator on the same 2 cores sets its pace (18k–32k req/s between runs on this shared machine).
To reach 0.7 of it, the webhook would have to spend at most about 35 µs per request in all. The
work any correct webhook must add already exceeds that: a Fastify server that answers the same
canned bytes reached 0.87 of the floor, 0.67 once it parses the JSON review (with the
prototype-poisoning checks), and 0.54 when it also serialises the pod once (one run each,
2026-11-25). The webhook then spends, per request (server CPU, all threads):

- **repeated pod ≈ 115–125 µs**: the TLS write of the ~9 KB response ≈ 20 % of the server's busy
  time (the floor pays this too), the cache lookup ≈ 18 % (serialising the parsed pod as the key
  and hashing it, ~13 µs in-process and about twice that in the busy server), the JSON parse with
  the prototype-poisoning scan ≈ 8 %, Fastify routing and hooks, the log line, the response bytes.
- **varied pods ≈ 390–425 µs**: admitPod ≈ 85 µs in-process on fresh objects (was ≈ 100) and two
  to three times that inside the busy server, the patch's JSON and base64 encoding ≈ 14 µs, the
  decision-cache key ≈ 13 µs (an entry is no longer kept for a key seen once, see below), and the
  repeated-pod path above. In-process, the whole pipeline short of HTTP (parse, cache, admitPod,
  response bytes) went from ≈ 205 to ≈ 180 µs a varied review.

The varied-pod p99 follows from the service time: with 16 requests in flight each waits for those
ahead of it (p50 ≈ 16 × 0.37 ms ≈ 6 ms; garbage-collection pauses make the tail), so p99 ≤ 5 ms needs well under 0.25 ms a request. The
repeated-pod p99 meets it (2–4 ms).

What is left to try: (1) keying the decision cache on the review's raw bytes with the uid taken out,
instead of re-serialising the parsed pod (needs a proof that no two different pods share a key: the
uid's text can also occur inside the pod, so a plain search-and-remove is not one); (2) a lighter
HTTP layer than Fastify for /mutate; (3) more webhook processes (replicas), which a 2-core machine
shared with the load generator cannot show.

### What was changed, and why (2026-11-25, second pass)

- **The patch diff** (webhook/inject/diff.ts). The patch is still a structural diff of the original
  pod against its mutated clone, but no longer fast-json-patch's compare(), which deep-cloned every
  added value through a JSON round trip. diffJson is a transcription of compare()'s algorithm that
  emits a value uncloned only when that is provably the same: every node of it is plain JSON (equal
  to its own round trip) and none belongs to the original pod (so applying the patch to the original
  in place cannot change the value under it, as when an init container of the pod moves one place
  down); anything else is cloned as before. Tests compare its ops whole against compare() on the
  fixtures under several annotation sets, on 150 random pods through mutatePod and on 600 random
  documents with copy-on-write edits, and apply them to a copy and to the original in place.
  admitPod on varied fresh pods: ≈ 100 → ≈ 87 µs in-process (three runs each, back to back).
- **Decision cache on a varied load.** A miss cost ≈ 45 µs in-process over no cache at all, mostly
  keeping a 16 MiB cache full of entries nobody asks for again (building and freezing them, then the
  garbage collector moving and dropping them). The webhook now keeps an entry only on the second
  miss of its key (the second pod of a workload); for keys seen once only a SHA-1 fingerprint is
  kept, in a bounded set of 8192. The fingerprint only decides whether to keep an entry; lookups
  compare the whole key as before, so a collision cannot hand a pod another pod's decision. A
  scale-up of N identical pods now costs two decisions instead of one. In-process, a varied review
  through the cache went from ≈ 205 to ≈ 187 µs (no cache: ≈ 155).
- Tried and dropped: a larger young generation (--max-semi-space-size=32/64): no change.
- Back to back (bench/webhook.ts, 2 rounds each, 11:08–11:10 UTC; commit 4530607 → this one): server
  CPU µs per request repeated pod 130 → 120, varied 429 → 407; varied p99 13 → 10 ms; varied
  req/s 2484 → 2561 (floor 25599 and 25376); admitPod median 71 → 62 µs.
  A second pair at 11:12–11:14 UTC: repeated pod 109 → 106, varied 390 → 368; varied p99 12 → 11 ms;
  varied req/s 2732 → 2792 (floor 28759 and 29861); admitPod median 60 → 51 µs. The ratio to the
  floor does not move (0.09–0.10): the floor's own pace varies more between runs than this gain.

### What was changed, and why (2026-11-25, first pass)


Measured first (node --cpu-prof of the webhook under this load, server CPU time per request from
/proc, in-process timings), then:

- **Response bytes.** The response is a per-request head (API version, uid) plus the decision's
  tail (allowed, base64 patch, warnings), encoded once per decision and kept with it; before, Fastify
  ran JSON.stringify over the ~9 KB response, base64 text included, on every request. A unit test
  checks the bytes equal JSON.stringify of the response object for every kind of decision.
- **The log line.** The one line per admission goes through a child logger without pino's redaction
  pass, which cost ~10 µs a line with the project's wildcard paths (11.6 µs against 1.6 µs
  measured); the line's fields are a fixed list of clipped identifiers and enums. Every other line,
  the trace dump of a review included, is still redacted.
- **Decision cache.** Freezes the decision, its lists and its operations, not every node of the
  injected containers; the size estimate is now measured (8× the key, was a guess of 4×), so the
  16 MiB budget holds. Reviews with nothing to decide (no agent-inject annotation, or not a
  CREATE) bypass it: their decision takes ~1–2 µs, less than serialising the pod for a key.
- **admitPod.** The annotation reader indexes \`vault.hashicorp.com/\` keys by their short name once
  per pod instead of building and hashing a prefixed key on each of ~100 reads; the template syntax
  check remembers its outcome per template text, engine and delimiters (bounded), as every pod of a
  workload carries the same templates. The varied load changes the secret paths inside the
  templates, so neither the decision cache nor this memo answers any of its requests.
- **Start-up.** The auto-TLS code and @kubernetes/client-node load only when AGENT_INJECT_TLS_AUTO is
  set: with file TLS the webhook listens after ~0.25 s with ~110 MB resident (was ~0.7 s, ~180 MB).
  A SIGTERM while waiting for the first auto-TLS certificate now exits 0 within ~2.5 s, even against
  an API server that never answers (test/integration/webhook-startup-signal.test.ts).
- **This benchmark.** Every request carries a fresh uid (as from the API server) and every load
  builds its bodies the same way, so the client's cost is the same for all three; the varied load
  changes the pod's identity and secret paths, not just an unknown field; rounds interleave the
  loads and report their spread; the server's CPU per request is reported, which varies far less
  between runs than req/s on this shared machine. The "before" figures come from this same bench run
  on the webhook code of commit 0acb206, each run directly followed by one on the new code (2 rounds
  each, 2026-11-25; server CPU µs per request, old → new): at 10:32 UTC repeated pod 123 → 100,
  varied 400 → 367; at 10:45 UTC, a busier moment, repeated pod 146 → 110, varied 465 → 399.
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
