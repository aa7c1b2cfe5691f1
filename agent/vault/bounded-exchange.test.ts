// The body cap of one exchange, against a real server on 127.0.0.1: past the cap the response is
// dropped and the connection closed while the server is still sending, so a huge answer never sits
// in the agent's memory; the Vault transport's own cap is 32 MiB.
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundedExchange, ExchangeFailure } from './bounded-exchange.ts';
import { createHttpTransport } from './http-transport.ts';

const MIB = 1024 * 1024;

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => {
    if (server === undefined) resolve();
    else server.close(() => resolve());
  });
  server = undefined;
});

/** A server answering `total` bytes of JSON whitespace then `{}`, 1 MiB at a time; what it got written. */
async function streamingServer(
  total: number,
): Promise<{ port: number; written: () => number; closedEarly: () => boolean }> {
  let written = 0;
  let closedEarly = false;
  const s = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(MIB, 0x20);
    const pump = (): void => {
      while (written < total) {
        const part = chunk.subarray(0, Math.min(MIB, total - written));
        written += part.length;
        if (!res.write(part)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end('{}');
    };
    res.on('close', () => {
      if (!res.writableFinished) closedEarly = true;
    });
    pump();
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, written: () => written, closedEarly: () => closedEarly };
}

describe('boundedExchange', () => {
  it('fails with "response too large" past the cap, and stops reading while the server still sends', async () => {
    const { port, written, closedEarly } = await streamingServer(64 * MIB);
    const err = await boundedExchange(
      (onResponse) => http.request({ host: '127.0.0.1', port, method: 'GET' }, onResponse),
      {
        timeoutMs: 10_000,
        maxBodyBytes: 2 * MIB,
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExchangeFailure);
    expect((err as ExchangeFailure).detail).toBe('response too large');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly()).toBe(true);
    // What the server managed to write: the cap plus what the socket buffers held, far from 64 MiB.
    expect(written()).toBeLessThan(16 * MIB);
  });

  it('reads a body up to the cap', async () => {
    const { port } = await streamingServer(2 * MIB - 2);
    const result = await boundedExchange(
      (onResponse) => http.request({ host: '127.0.0.1', port, method: 'GET' }, onResponse),
      { timeoutMs: 10_000, maxBodyBytes: 2 * MIB },
    );
    expect([result.status, result.text.length, result.text.trim()]).toEqual([200, 2 * MIB, '{}']);
  });
});

describe("the Vault transport's response cap", () => {
  it('refuses a Vault answer over 32 MiB (a retryable error, the connection dropped)', async () => {
    const { port, written, closedEarly } = await streamingServer(40 * MIB);
    const t = createHttpTransport({ address: `http://127.0.0.1:${port}`, timeoutMs: 20_000 });
    const err = await t
      .send({ method: 'GET', path: 'secret/data/huge', token: 'hvs.SENTINEL' })
      .catch((e: unknown) => e);
    t.close();
    expect(err).toEqual(
      expect.objectContaining({
        status: 0,
        retryable: true,
        message: 'vault secret/data/huge: no response (response too large)',
      }),
    );
    expect(String((err as Error).message)).not.toContain('SENTINEL');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly()).toBe(true);
    expect(written()).toBeLessThan(40 * MIB);
  }, 30_000);

  it('still reads an answer just under 32 MiB', async () => {
    const { port } = await streamingServer(32 * MIB - 2);
    const t = createHttpTransport({ address: `http://127.0.0.1:${port}`, timeoutMs: 20_000 });
    const res = await t.send({ method: 'GET', path: 'secret/data/big' });
    t.close();
    expect(res).toEqual({ status: 200, body: {} });
  }, 30_000);
});
