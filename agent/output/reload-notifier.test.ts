import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../shared/clock.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import { notifyReload } from './reload-notifier.ts';

/** A clock whose timers fire at once (next tick) and that remembers the delays asked for. */
function immediateClock(): Clock & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    now: () => 0,
    setTimer(ms, fn) {
      delays.push(ms);
      const t = setImmediate(fn);
      return { cancel: () => { clearImmediate(t); } };
    },
  };
}

interface Seen { method: string; url: string; body: string }

let server: Server | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      handler(req, res, seen.length);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/-/reload?x=1`, seen };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

describe('notifyReload', () => {
  it('POSTs an empty body once when the app answers 2xx', async () => {
    const { url, seen } = await serve((_req, res) => { res.writeHead(204).end(); });
    const clock = immediateClock();
    const sink = createLogSink();
    expect(await notifyReload(url, { clock, random: () => 0.5, log: sink.log })).toBe(true);
    expect(seen).toEqual([{ method: 'POST', url: '/-/reload?x=1', body: '' }]);
    expect(clock.delays).toEqual([]);
    expect(sink.entries().map((e) => [e['msg'], e['status'], e['url']])).toEqual([['app reload requested', 204, url.replace('?x=1', '')]]);
  });

  it('retries with jittered exponential backoff until the app answers', async () => {
    const { url, seen } = await serve((_req, res, n) => { res.writeHead(n < 3 ? 503 : 200).end('ok'); });
    const clock = immediateClock();
    expect(await notifyReload(url, { clock, random: () => 1, log: createLogSink().log })).toBe(true);
    expect(seen.length).toBe(3);
    // spread ±20 %: random 1 → +20 % of 500 ms, then of 1 s
    expect(clock.delays).toEqual([600, 1200]);
  });

  it('gives up after the retries and says so', async () => {
    const { url, seen } = await serve((_req, res) => { res.writeHead(500).end(); });
    const clock = immediateClock();
    const sink = createLogSink();
    expect(await notifyReload(url, { clock, random: () => 0, retries: 2, log: sink.log })).toBe(false);
    expect(seen.length).toBe(3);
    expect(clock.delays).toEqual([400, 800]);
    const last = sink.entries().at(-1)!;
    expect([last['msg'], last['status'], last['attempts']]).toEqual(['app reload failed; giving up', 500, 3]);
  });

  it('treats a refused connection and a silent app as failures', async () => {
    const { url } = await serve(() => { /* never answers */ });
    const clock = immediateClock();
    const sink = createLogSink();
    expect(await notifyReload(url, { clock, random: () => 0.5, retries: 0, timeoutMs: 100, log: sink.log })).toBe(false);
    expect(sink.entries().at(-1)!['errorCode']).toBe('ETIMEDOUT');
    const port = (server!.address() as AddressInfo).port;
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
    expect(await notifyReload(`http://127.0.0.1:${port}/`, { clock, random: () => 0.5, retries: 1, log: sink.log })).toBe(false);
    expect(sink.entries().at(-1)!['errorCode']).toBe('ECONNREFUSED');
  });

  it('gives up a try at its deadline while the app trickles its answer (1 byte a second)', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '30' });
      const drip = setInterval(() => { res.write('.'); }, 1000);
      res.on('close', () => { clearInterval(drip); });
    });
    const sink = createLogSink();
    const started = performance.now();
    expect(await notifyReload(url, { clock: immediateClock(), random: () => 0.5, retries: 0, timeoutMs: 1500, log: sink.log })).toBe(false);
    const elapsed = performance.now() - started;
    expect(sink.entries().at(-1)!['errorCode']).toBe('ETIMEDOUT');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(5000);
  }, 15_000);

  it.each(['http://10.1.2.3/reload', 'https://127.0.0.1/reload', 'http://user:pw@127.0.0.1/', 'not a url'])('refuses %s without calling it', async (url) => {
    const sink = createLogSink();
    expect(await notifyReload(url, { clock: immediateClock(), random: () => 0.5, log: sink.log })).toBe(false);
    expect(sink.entries().map((e) => [e['msg'], e['url']])).toEqual([['reload url is not an http URL on the loopback; not called', '[invalid]']]);
  });
});
