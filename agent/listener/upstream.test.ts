import { afterEach, describe, expect, it } from '@jest/globals';
import { startTricklingServer, type TricklingServer } from '../../test/fakes/trickling-server.ts';
import { createUpstream } from './upstream.ts';

let server: TricklingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A Vault stand-in whose body trickles in. */
async function trickling(): Promise<string> {
  server = await startTricklingServer('application/json', ' ');
  return server.url;
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
