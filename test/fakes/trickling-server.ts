// An HTTP server that answers at once and then trickles its body a byte every 100 ms for 5 s: for
// tests that a client's timeout covers the whole exchange, not only idle time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TricklingServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  close(): Promise<void>;
}

export async function startTricklingServer(contentType: string, byte: string): Promise<TricklingServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent++ >= 50 || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(byte);
    }, 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
