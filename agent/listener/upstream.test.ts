import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUpstream } from './upstream.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A Vault stand-in that answers at once, then trickles its body a byte every 100 ms for 5 s. */
async function trickling(): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent++ >= 50 || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(' ');
    }, 100);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('upstream (the API proxy to Vault)', () => {
  it('cuts an answer whose body trickles past the timeout: the deadline covers the whole exchange', async () => {
    const upstream = createUpstream({ address: await trickling(), timeoutMs: 600 });
    const started = Date.now();
    const res = await upstream.send({
      method: 'GET',
      pathAndQuery: '/v1/secret/data/x',
      headers: {},
      body: Buffer.alloc(0),
    });
    const outcome = await new Promise<string>((resolve) => {
      res.on('data', () => undefined);
      res.once('end', () => {
        resolve('complete');
      });
      res.once('error', () => {
        resolve('cut');
      });
      res.once('aborted', () => {
        resolve('cut');
      });
    });
    expect(outcome).toBe('cut');
    expect(Date.now() - started).toBeLessThan(2500);
    upstream.close();
  });
});
