import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { Operation } from 'fast-json-patch';
import { createLogSink } from '../test/helpers/log-sink.ts';
import type { AdmissionDecision, AdmitFn, AdmitInput } from './admission/review.ts';
import { createReviewCache } from './admission/review-cache.ts';
import { buildApp } from './app.ts';

const SENTINEL = 'sentinel-Zq9-do-not-log';
const PATCH: Operation[] = [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }];

function pod(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app-1', namespace: 'team', annotations: { 'vault.hashicorp.com/agent-inject': 'true' } },
    spec: { containers: [{ name: 'app', image: 'app:1', env: [{ name: 'PASSWORD', value: SENTINEL }] }] },
    ...extra,
  };
}

function review(overrides: Record<string, unknown> = {}, apiVersion: string | undefined = 'admission.k8s.io/v1'): Record<string, unknown> {
  return {
    ...(apiVersion === undefined ? {} : { apiVersion }),
    kind: 'AdmissionReview',
    request: { uid: 'uid-1', namespace: 'team', operation: 'CREATE', object: pod(), ...overrides },
  };
}

/** A stand-in for inject/admit.ts: records its inputs, answers a fixed decision. */
function fixedAdmit(decision: AdmissionDecision): { admit: AdmitFn; calls: AdmitInput[] } {
  const calls: AdmitInput[] = [];
  return {
    calls,
    admit: (input) => {
      calls.push(input);
      return decision;
    },
  };
}

const INJECT: AdmissionDecision = { allowed: true, patch: PATCH, warnings: ['w1'], injection: 'init_and_sidecar', reason: 'injected' };
const NOTHING: AdmissionDecision = { allowed: true, patch: [], warnings: [], injection: 'none', reason: 'not annotated' };
const DENY: AdmissionDecision = { allowed: false, message: 'bad annotation vault.hashicorp.com/role', warnings: ['w2'], code: 403 };

function setup(decision: AdmissionDecision = INJECT, opts: { telemetryPath?: string; ready?: boolean; maxBodyBytes?: number } = {}) {
  const sink = createLogSink('info');
  const registry = new Registry();
  const fake = fixedAdmit(decision);
  const app = buildApp({
    config: { maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024, telemetryPath: opts.telemetryPath ?? '/metrics' },
    admit: fake.admit,
    log: sink.log,
    registry,
    isReady: () => opts.ready ?? true,
  });
  return { app, sink, calls: fake.calls, registry };
}

// POST /mutate is served by the server's request listener, ahead of Fastify, so it is exercised
// over a real (plain HTTP) socket, not app.inject().
const listening = new Map<ReturnType<typeof buildApp>, Promise<number>>();

afterEach(async () => {
  const apps = [...listening.keys()];
  listening.clear();
  await Promise.all(apps.map((app) => app.close()));
});

interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  // Tests read arbitrary JSON answers, as with Fastify's inject().
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

async function send(app: ReturnType<typeof buildApp>, method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Answer> {
  let port = listening.get(app);
  if (port === undefined) {
    port = app.listen({ host: '127.0.0.1', port: 0 }).then(() => (app.server.address() as AddressInfo).port);
    listening.set(app, port);
  }
  const target = await port;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function post(app: ReturnType<typeof buildApp>, body: unknown, contentType = 'application/json'): Promise<Answer> {
  return send(app, 'POST', '/mutate', typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': contentType });
}

describe('POST /mutate', () => {
  it('answers a v1 review with the base64 JSON patch, warnings and the request uid', async () => {
    const { app, calls } = setup();
    const res = await post(app, review());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: true, patch: Buffer.from(JSON.stringify(PATCH)).toString('base64'), patchType: 'JSONPatch', warnings: ['w1'] },
    });
    expect(calls).toEqual([{ object: pod(), namespace: 'team', operation: 'CREATE' }]);
  });

  it.each([
    ['admission.k8s.io/v1beta1', 'admission.k8s.io/v1beta1'],
    [undefined, 'admission.k8s.io/v1'],
  ])('answers a request of apiVersion %s in %s', async (requested, answered) => {
    const { app } = setup(NOTHING);
    const res = await post(app, review({}, requested));
    expect(res.json()).toEqual({ apiVersion: answered, kind: 'AdmissionReview', response: { uid: 'uid-1', allowed: true } });
  });

  it('accepts application/json with parameters', async () => {
    const { app } = setup(NOTHING);
    const res = await post(app, review(), 'application/json; charset=utf-8');
    expect(res.statusCode).toBe(200);
  });

  it('turns a denial into allowed:false with status code and message, keeping warnings', async () => {
    const { app } = setup(DENY);
    const res = await post(app, review());
    expect(res.json()).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: false, status: { metadata: {}, code: 403, message: DENY.allowed ? '' : DENY.message }, warnings: ['w2'] },
    });
  });

  it('fails closed with a 500 denial when the admit function throws', async () => {
    const { app, sink } = setup();
    const throwing = buildApp({
      config: { maxBodyBytes: 65536 },
      admit: () => {
        throw new Error('boom');
      },
      log: sink.log,
    });
    const res = await post(throwing, review());
    expect(res.json()).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: false, status: { metadata: {}, code: 500, message: 'internal error while building the injection; see the injector logs' } },
    });
    void app;
  });

  const bad: [string, string, string, number, string][] = [
    ['malformed JSON', '{"apiVersion": "admission.k8s.io/v1", ', 'application/json', 400, 'WHK_BAD_JSON'],
    ['malformed JSON quoting a secret', `{"x": "${SENTINEL}" oops}`, 'application/json', 400, 'WHK_BAD_JSON'],
    ['an empty body', '', 'application/json', 400, 'WHK_EMPTY_BODY'],
    ['text/plain', JSON.stringify(review()), 'text/plain', 400, 'WHK_CONTENT_TYPE'],
    ['application/x-www-form-urlencoded', 'a=b', 'application/x-www-form-urlencoded', 400, 'WHK_CONTENT_TYPE'],
    ['a JSON array', '[]', 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['a JSON string', '"hello"', 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['null', 'null', 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['no request', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['request not an object', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', request: 'x' }), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['no uid', JSON.stringify(review({ uid: undefined })), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['a numeric uid', JSON.stringify(review({ uid: 7 })), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['a numeric namespace', JSON.stringify(review({ namespace: 7 })), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['an unknown apiVersion', JSON.stringify(review({}, 'admission.k8s.io/v2')), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['a different kind', JSON.stringify({ ...review(), kind: 'Pod' }), 'application/json', 400, 'WHK_BAD_REVIEW'],
    ['a __proto__ key', '{"apiVersion":"admission.k8s.io/v1","request":{"uid":"u","object":{"metadata":{"__proto__":{"polluted":1}}}}}', 'application/json', 400, 'WHK_BAD_JSON'],
    ['an escaped __proto__ key', '{"request":{"uid":"u","object":{"\\u005f_proto__":{"polluted":1}}}}', 'application/json', 400, 'WHK_BAD_JSON'],
    ['a constructor.prototype key', '{"request":{"uid":"u","object":{"constructor":{"prototype":{"polluted":1}}}}}', 'application/json', 400, 'WHK_BAD_JSON'],
  ];

  it.each(bad)('rejects %s with a JSON 400-family error and never calls admit', async (_name, payload, contentType, status, code) => {
    const { app, calls, sink } = setup();
    const res = await post(app, payload, contentType);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(body).toEqual({ statusCode: status, error: 'Bad Request', code, message: expect.any(String) });
    expect(calls).toEqual([]);
    expect(res.body).not.toContain(SENTINEL);
    expect(sink.lines.join('\n')).not.toContain(SENTINEL);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects a body over the limit with 413', async () => {
    const { app, calls } = setup(INJECT, { maxBodyBytes: 2048 });
    const res = await post(app, review({ object: pod({ filler: 'x'.repeat(4096) }) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ statusCode: 413, error: 'Payload Too Large', code: 'WHK_BODY_TOO_LARGE', message: 'request body is larger than the configured limit' });
    expect(calls).toEqual([]);
  });

  it('passes a non-Pod object through to admit (which denies it) instead of crashing', async () => {
    const { app, calls } = setup(DENY);
    const res = await post(app, review({ object: { kind: 'ConfigMap', data: 'x' } }));
    expect(res.statusCode).toBe(200);
    expect(calls).toEqual([{ object: { kind: 'ConfigMap', data: 'x' }, namespace: 'team', operation: 'CREATE' }]);
  });

  it('answers other methods on /mutate with 405', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/mutate' });
    expect(res.statusCode).toBe(405);
    expect(res.headers['allow']).toBe('POST');
  });

  it('writes one log line per admission with uid, namespace, pod, decision and duration, never env values', async () => {
    const { app, sink } = setup();
    await post(app, review());
    const entries = sink.entries().filter((e) => e['msg'] === 'admission reviewed');
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry).toMatchObject({ uid: 'uid-1', namespace: 'team', pod: 'app-1', operation: 'CREATE', allowed: true, injection: 'init_and_sidecar', reason: 'injected', warnings: 1 });
    expect(typeof entry['durationMs']).toBe('number');
    expect(entry['reqId']).toMatch(/^req-/);
    expect(sink.lines.join('\n')).not.toContain(SENTINEL);
    expect(sink.lines.join('\n')).not.toContain('vault.hashicorp.com/agent-inject');
  });

  it('logs the pod generateName when the pod has no name yet', async () => {
    const { app, sink } = setup(NOTHING);
    await post(app, review({ object: { kind: 'Pod', metadata: { generateName: 'web-7d9-' } } }));
    expect(sink.entries().find((e) => e['msg'] === 'admission reviewed')).toMatchObject({ pod: 'web-7d9-' });
  });

  it('clips attacker-sized names in the log line but answers with the exact uid', async () => {
    const { app, sink } = setup(NOTHING);
    const long = 'x'.repeat(5000);
    const res = await post(app, review({ uid: long, object: { kind: 'Pod', metadata: { generateName: long } } }));
    expect(res.json().response.uid).toBe(long);
    const entry = sink.entries().find((e) => e['msg'] === 'admission reviewed')!;
    expect([entry['uid'], entry['pod']]).toEqual([`${'x'.repeat(253)}…`, `${'x'.repeat(253)}…`]);
  });

  it('at trace level, logs one line of metadata per review, never the review or its env values', async () => {
    const sink = createLogSink('trace');
    const app = buildApp({ config: { maxBodyBytes: 65536 }, admit: fixedAdmit(NOTHING).admit, log: sink.log });
    await post(app, review());
    const traced = sink.entries().filter((e) => e['msg'] === 'admission review received');
    expect(traced).toHaveLength(1);
    expect(traced[0]).not.toHaveProperty('review');
    expect(sink.lines.join('\n')).not.toContain(SENTINEL);
  });
});

describe('POST /mutate with the review cache', () => {
  function cachedSetup(decision: AdmissionDecision) {
    const sink = createLogSink('info');
    const registry = new Registry();
    const fake = fixedAdmit(decision);
    const app = buildApp({
      config: { maxBodyBytes: 65536, telemetryPath: '/metrics' },
      admit: fake.admit,
      log: sink.log,
      registry,
      reviewCache: createReviewCache({ maxBytes: 1024 * 1024, maxReviewBytes: 65536, keepOnSecondMiss: true }),
    });
    return { app, sink, calls: fake.calls, registry };
  }

  it('decides a review twice, then answers its repeats (new uids) from the cache, logged and counted alike', async () => {
    const { app, sink, calls } = cachedSetup(INJECT);
    const uids = ['uid-a', 'uid-b', 'uid-c', 'a-much-longer-uid-0123456789'];
    const answers = [];
    for (const uid of uids) answers.push((await post(app, review({ uid }))).json());
    expect(calls).toHaveLength(2);
    const fresh = await post(setup(INJECT).app, review({ uid: 'uid-c' }));
    expect(answers[2]).toEqual(fresh.json());
    expect(answers.map((a) => (a as { response: { uid: string } }).response.uid)).toEqual(uids);
    const lines = sink.entries().filter((e) => e['msg'] === 'admission reviewed');
    expect(lines.map((e) => [e['uid'], e['cached']])).toEqual([['uid-a', false], ['uid-b', false], ['uid-c', true], [uids[3], true]]);
    const { durationMs: _a, reqId: _b, uid: _c, cached: _d, time: _e, ...fields } = lines[0]!;
    const { durationMs: _f, reqId: _g, uid: _h, cached: _i, time: _j, ...cachedFields } = lines[3]!;
    expect(cachedFields).toEqual(fields);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricLines(metrics, 'vault_agent_injector_injections_by_namespace_total{')).toEqual([
      'vault_agent_injector_injections_by_namespace_total{namespace="team",injection_type="init_and_sidecar"} 4',
    ]);
    expect(sink.lines.join('\n')).not.toContain(SENTINEL);
  });

  it('caches denials, counting each as a failure', async () => {
    const { app, calls } = cachedSetup(DENY);
    for (const uid of ['d1', 'd2', 'd3']) expect((await post(app, review({ uid }))).json().response).toMatchObject({ uid, allowed: false });
    expect(calls).toHaveLength(2);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricLines(metrics, 'vault_agent_injector_failed_injections_by_namespace_total{')).toEqual([
      'vault_agent_injector_failed_injections_by_namespace_total{namespace="team"} 3',
    ]);
  });

  it('never caches an internal error: every repeat is decided again', async () => {
    const { app, calls } = cachedSetup({ allowed: false, message: 'internal', warnings: [], code: 500 });
    for (const uid of ['e1', 'e2', 'e3', 'e4']) await post(app, review({ uid }));
    expect(calls).toHaveLength(4);
  });

  it('still rejects bad bodies once reviews are cached', async () => {
    const { app, calls } = cachedSetup(INJECT);
    for (const uid of ['u1', 'u2']) await post(app, review({ uid }));
    const text = JSON.stringify(review({ uid: 'u3' }));
    expect((await post(app, text.slice(0, -1))).json()).toMatchObject({ statusCode: 400, code: 'WHK_BAD_JSON' });
    expect((await post(app, text.replace('"uid":"u3"', '"uid":"u\\"3"'))).statusCode).toBe(200);
    expect(calls).toHaveLength(3);
  });
});

describe('GET /health/ready and other paths', () => {
  it('gives 204 when a certificate is loaded and 503 before', async () => {
    expect((await setup(INJECT, { ready: true }).app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(204);
    const notReady = await setup(INJECT, { ready: false }).app.inject({ method: 'GET', url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
  });

  it('reads no large body outside /mutate (which alone is under the shared body budget)', async () => {
    const { app } = setup(INJECT, { ready: true, maxBodyBytes: 65536 });
    const big = JSON.stringify({ filler: 'x'.repeat(32 * 1024) });
    const res = await send(app, 'POST', '/health/ready', big, { 'content-type': 'application/json' });
    expect([res.statusCode, res.json().code]).toEqual([413, 'WHK_BODY_TOO_LARGE']);
    expect((await send(app, 'POST', '/health/ready', '{}', { 'content-type': 'application/json' })).statusCode).toBe(204);
  });

  it('gives a JSON 404 for any other path', async () => {
    const res = await setup().app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', code: 'WHK_NOT_FOUND', message: 'not found' });
  });
});

function metricLines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix)).sort();
}

describe('metrics', () => {
  it('counts requests, injections and failures with the vault-k8s names', async () => {
    const sink = createLogSink('info');
    const registry = new Registry();
    const decisions: AdmissionDecision[] = [INJECT, DENY, NOTHING, { ...INJECT, injection: 'init_only' }];
    let i = 0;
    const app = buildApp({
      config: { maxBodyBytes: 65536, telemetryPath: '/metrics' },
      admit: () => decisions[i++]!,
      log: sink.log,
      registry,
    });
    for (let n = 0; n < decisions.length; n++) await post(app, review({ namespace: n === 1 ? 'other' : 'team' }));
    await post(app, 'not json');
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(metricLines(text, 'vault_agent_injector_injections_by_namespace_total{')).toEqual([
      'vault_agent_injector_injections_by_namespace_total{namespace="team",injection_type="init_and_sidecar"} 1',
      'vault_agent_injector_injections_by_namespace_total{namespace="team",injection_type="init_only"} 1',
    ]);
    expect(metricLines(text, 'vault_agent_injector_failed_injections_by_namespace_total{')).toEqual([
      'vault_agent_injector_failed_injections_by_namespace_total{namespace="other"} 1',
    ]);
    expect(metricLines(text, 'vault_agent_injector_request_queue_length ')).toEqual(['vault_agent_injector_request_queue_length 0']);
    expect(metricLines(text, 'vault_agent_injector_request_processing_duration_ms_count')).toEqual([
      'vault_agent_injector_request_processing_duration_ms_count 5',
    ]);
    expect(text).toContain('vault_agent_injector_request_processing_duration_ms_bucket{le="10000"} 5');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('serves no metrics when no telemetry path is set', async () => {
    const sink = createLogSink('info');
    const app = buildApp({ config: { maxBodyBytes: 65536, telemetryPath: '' }, admit: fixedAdmit(NOTHING).admit, log: sink.log, registry: new Registry() });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
