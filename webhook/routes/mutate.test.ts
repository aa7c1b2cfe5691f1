import { afterEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import type { Reviewer } from '../admission/reviewer.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import { createBodyBudget, type BodyBudget } from './body-budget.ts';
import { createMutateListener, isMutatePost } from './mutate.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Counts the queue: started minus finished must come back to zero. */
function countingMetrics(): AdmissionMetrics & { inFlight: () => number; finished: () => number } {
  let started = 0;
  let finished = 0;
  return {
    requestStarted: () => {
      started += 1;
    },
    requestFinished: () => {
      finished += 1;
    },
    injected: () => undefined,
    failed: () => undefined,
    inFlight: () => started - finished,
    finished: () => finished,
  };
}

interface ServeOptions {
  closing?: boolean;
  maxBodyBytes?: number;
  budget?: BodyBudget;
  freeBytesPerRequest?: number;
  bodyTimeoutMs?: number;
}

async function serve(review: Reviewer, options: ServeOptions = {}) {
  const sink = createLogSink('info');
  const metrics = countingMetrics();
  const budget = options.budget ?? createBodyBudget(1024 * 1024);
  const listener = createMutateListener({
    review,
    metrics,
    log: sink.log,
    now: () => performance.now(),
    maxBodyBytes: options.maxBodyBytes ?? 1024,
    bodyBudget: budget,
    freeBytesPerRequest: options.freeBytesPerRequest ?? 0,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000,
    isClosing: () => options.closing ?? false,
  });
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, sink, metrics };
}

function post(
  port: number,
  path: string,
  chunks: string[],
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const echo: Reviewer = (bytes, reqId) => {
  const text = Buffer.from(JSON.stringify({ got: bytes.toString(), reqId }));
  return { statusCode: 200, body: [text.subarray(0, 3), text.subarray(3, 5), text.subarray(5)] }; // chunks, joined on the wire
};

describe('the /mutate request listener', () => {
  it('routes POST /mutate with or without a query, and nothing else', () => {
    const req = (method: string, url: string) => ({ method, url }) as never;
    expect([isMutatePost(req('POST', '/mutate')), isMutatePost(req('POST', '/mutate?timeout=10s'))]).toEqual([
      true,
      true,
    ]);
    expect([
      isMutatePost(req('GET', '/mutate')),
      isMutatePost(req('POST', '/mutated')),
      isMutatePost(req('POST', '/health/ready')),
    ]).toEqual([false, false, false]);
  });

  it('hands the whole body, however chunked, to the reviewer and answers its bytes as JSON', async () => {
    const { port, metrics } = await serve(echo);
    const res = await post(port, '/mutate?timeout=10s', ['{"a":', '1', '}']);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual({ got: '{"a":1}', reqId: 'req-m1' });
    expect(metrics.finished()).toBe(1);
    expect(metrics.inFlight()).toBe(0);
  });

  it('answers 413 to a chunked body that grows past the limit, without calling the reviewer', async () => {
    let calls = 0;
    const { port } = await serve(
      (b, id, t) => {
        calls += 1;
        return echo(b, id, t);
      },
      { maxBodyBytes: 100 },
    );
    const res = await post(port, '/mutate', ['x'.repeat(60), 'y'.repeat(60)], {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'WHK_BODY_TOO_LARGE' });
    expect(calls).toBe(0);
  });

  it('answers 503 and closes the connection while the server shuts down', async () => {
    const { port, metrics } = await serve(echo, { closing: true });
    const res = await post(port, '/mutate', ['{}']);
    expect(res.status).toBe(503);
    expect(res.headers['connection']).toBe('close');
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'WHK_CLOSING',
      message: 'the webhook is shutting down',
    });
    expect(metrics.inFlight()).toBe(0);
  });

  it('answers a reviewer that throws with a 500 that says nothing of the error, and logs it', async () => {
    const { port, sink } = await serve(() => {
      throw new Error('secret-ish detail');
    });
    const res = await post(port, '/mutate', ['{}']);
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'WHK_INTERNAL',
      message: 'internal error',
    });
    expect(sink.entries().some((e) => e['msg'] === 'request failed')).toBe(true);
  });

  it('answers 503 without calling the reviewer when the shared body budget is spent, and gives bytes back', async () => {
    const budget = createBodyBudget(100);
    let calls = 0;
    const { port } = await serve(
      (b, id, t) => {
        calls += 1;
        return echo(b, id, t);
      },
      { budget, maxBodyBytes: 1000 },
    );
    expect(budget.take(60)).toBe(true); // another request holds 60 bytes
    const res = await post(port, '/mutate', ['x'.repeat(50)]);
    expect([res.status, JSON.parse(res.body).code, calls]).toEqual([503, 'WHK_BUSY', 0]);
    budget.give(60);
    const ok = await post(port, '/mutate', ['{"a":1}']);
    expect([ok.status, calls, budget.inUse()]).toEqual([200, 1, 0]);
  });

  it('lets every request buffer its free bytes whatever the budget, and take only the rest from it', async () => {
    const budget = createBodyBudget(100);
    const { port } = await serve(echo, { budget, maxBodyBytes: 1000, freeBytesPerRequest: 50 });
    expect(budget.take(100)).toBe(true); // other requests hold the whole budget
    const small = await post(port, '/mutate', ['x'.repeat(50)]);
    const large = await post(port, '/mutate', ['x'.repeat(30), 'y'.repeat(30)]);
    expect([small.status, large.status, JSON.parse(large.body).code]).toEqual([200, 503, 'WHK_BUSY']);
    budget.give(100);
    const fits = await post(port, '/mutate', ['x'.repeat(40), 'y'.repeat(40)], {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    expect([fits.status, budget.inUse()]).toEqual([200, 0]);
  });

  it('refuses at once, before reading, a declared body that cannot fit in what is left of the budget', async () => {
    const budget = createBodyBudget(100);
    let calls = 0;
    const { port } = await serve(
      (b, id, t) => {
        calls += 1;
        return echo(b, id, t);
      },
      { budget, maxBodyBytes: 1000, freeBytesPerRequest: 50 },
    );
    expect(budget.take(60)).toBe(true);
    const res = await post(port, '/mutate', ['x'.repeat(100)]); // 50 free + 50 more > 40 left
    expect([res.status, JSON.parse(res.body).code, calls]).toEqual([503, 'WHK_BUSY', 0]);
  });

  it('answers 408 to a body that does not arrive before the deadline, and frees its bytes', async () => {
    const budget = createBodyBudget(1000);
    const { port, metrics } = await serve(echo, { budget, bodyTimeoutMs: 100 });
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.write(
          'POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a"',
        );
      });
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      socket.on('error', () => undefined);
      socket.once('close', () => {
        resolve(received);
      });
    });
    expect(answer.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(answer).toContain('"error":"Request Timeout","code":"WHK_REQUEST_TIMEOUT"');
    // The server sees the close a moment after the client does.
    for (let waited = 0; waited < 2000 && metrics.inFlight() !== 0; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect([budget.inUse(), metrics.inFlight()]).toEqual([0, 0]);
  });

  it('answers a review decided later (in the review worker), and survives a client that left meanwhile', async () => {
    const pending: ((answer: ReturnType<typeof echo>) => void)[] = [];
    const later: Reviewer = (bytes, reqId, t) =>
      new Promise((resolve) => {
        pending.push(() => {
          resolve(echo(bytes, reqId, t));
        });
      });
    const { port, metrics } = await serve(later);
    const answered = post(port, '/mutate', ['{"a":1}']);
    for (let waited = 0; waited < 2000 && pending.length === 0; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    pending.shift()?.(echo(Buffer.alloc(0), '', 0));
    expect(JSON.parse((await answered).body)).toEqual({ got: '{"a":1}', reqId: 'req-m1' });
    // A client that hangs up before the answer: the late answer is dropped, nothing throws.
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.end('POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        resolve();
      });
    });
    for (let waited = 0; waited < 2000 && pending.length === 0; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    for (let waited = 0; waited < 2000 && metrics.inFlight() !== 0; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    pending.shift()?.(echo(Buffer.alloc(0), '', 0));
    await new Promise((r) => setTimeout(r, 20));
    expect(metrics.inFlight()).toBe(0);
  });

  it('keeps a body counted in the budget while its review is decided, even after the client hung up', async () => {
    const budget = createBodyBudget(1000);
    let finish: (() => void) | undefined;
    const later: Reviewer = (bytes, reqId, t) =>
      new Promise((resolve) => {
        finish = () => {
          resolve(echo(bytes, reqId, t));
        };
      });
    const { port, metrics } = await serve(later, { budget });
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(
        `POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n${'x'.repeat(50)}`,
      );
    });
    socket.on('error', () => undefined);
    for (let waited = 0; waited < 2000 && finish === undefined; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    for (let waited = 0; waited < 2000 && metrics.inFlight() !== 0; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    expect([metrics.inFlight(), budget.inUse()]).toEqual([0, 50]);
    finish?.();
    await new Promise((r) => setTimeout(r, 20));
    expect(budget.inUse()).toBe(0);
  });

  it('rejects a missing Content-Type with 400', async () => {
    const { port } = await serve(echo);
    const res = await post(port, '/mutate', ['{}'], {});
    expect([res.status, JSON.parse(res.body).code]).toEqual([400, 'WHK_CONTENT_TYPE']);
  });
});

describe('reviews that complete together', () => {
  /** A request whose body arrives when the test says, and a response that records what is written. */
  function exchange(events: string[], name: string) {
    const req = Object.assign(new EventEmitter(), {
      method: 'POST',
      url: '/mutate',
      headers: { 'content-type': 'application/json', 'content-length': '2' },
      socket: new EventEmitter(),
    });
    const res = Object.assign(new EventEmitter(), {
      destroyed: false,
      headersSent: false,
      writeHead: () => undefined,
      write: () => true,
      end: () => {
        events.push(`answer ${name}`);
      },
    });
    const arrive = (): void => {
      req.emit('data', Buffer.from('{}'));
      req.emit('end');
    };
    return { req, res, arrive };
  }

  it('are all decided before any answer is written, each in arrival order', async () => {
    const events: string[] = [];
    const review: Reviewer = (_bytes, reqId) => {
      events.push(`decide ${reqId}`);
      return { statusCode: 200, body: [Buffer.from('{}')] };
    };
    const listener = createMutateListener({
      review,
      metrics: countingMetrics(),
      log: createLogSink('info').log,
      now: () => performance.now(),
      maxBodyBytes: 1024,
      bodyBudget: createBodyBudget(1024 * 1024),
      freeBytesPerRequest: 0,
      bodyTimeoutMs: 10_000,
      isClosing: () => false,
    });
    const exchanges = ['one', 'two', 'three'].map((name) => exchange(events, name));
    for (const x of exchanges) listener(x.req as never, x.res as never);
    for (const x of exchanges) x.arrive();
    // Nothing is decided in the callback where a body ends: the batch runs once this turn is over.
    expect(events).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([
      'decide req-m1',
      'decide req-m2',
      'decide req-m3',
      'answer one',
      'answer two',
      'answer three',
    ]);
  });
});
