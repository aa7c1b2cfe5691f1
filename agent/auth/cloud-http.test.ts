import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCloudHttp } from './cloud-http.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A metadata-server stand-in that answers at once, then trickles its body a byte every 100 ms for 5 s. */
async function trickling(): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent++ >= 50 || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write('x');
    }, 100);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('cloud identity calls', () => {
  it('fail by the deadline even while the body trickles in (the timeout is not only an idle one)', async () => {
    const http = createCloudHttp({ timeoutMs: 600 });
    const started = Date.now();
    const outcome = await http.send({ method: 'GET', url: `${await trickling()}/token`, headers: {} }).then(
      () => 'answered',
      (err: unknown) => (err as Error).message,
    );
    expect(outcome).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/token: no response \(timeout\)$/);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
