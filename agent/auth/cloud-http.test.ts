import { afterEach, describe, expect, it } from '@jest/globals';
import { startTricklingServer, type TricklingServer } from '../../test/fakes/trickling-server.ts';
import { createCloudHttp } from './cloud-http.ts';

let server: TricklingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A metadata-server stand-in whose body trickles in. */
async function trickling(): Promise<string> {
  server = await startTricklingServer('text/plain', 'x');
  return server.url;
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
