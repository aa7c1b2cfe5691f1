// (adapter) The API proxy's connection to Vault: one raw HTTP exchange per proxied request, to the
// configured Vault address only (the request line's host, if any, is never used), with the same
// TLS settings as the agent's own Vault client. Bodies stream; nothing here parses or logs them.
import type * as Http from 'node:http';
import type { HttpTransportOptions } from '../vault/http-transport.ts';
import { openVaultConnection } from '../vault/vault-connection.ts';

export interface UpstreamRequest {
  readonly method: string;
  /** Path and query as the client sent them, starting with `/` (e.g. `/v1/secret/data/app?version=2`). */
  readonly pathAndQuery: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

export interface Upstream {
  /** Resolves with Vault's response (body not yet read); rejects only when no response came. */
  send(request: UpstreamRequest): Promise<Http.IncomingMessage>;
  close(): void;
}

export function createUpstream(options: HttpTransportOptions): Upstream {
  const { base, agent, request, prefix, timeoutMs } = openVaultConnection(options);
  return {
    send(req) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string | string[]> = {
          ...(req.headers as Record<string, string | string[]>),
          host: base.host,
          'content-length': String(req.body.length),
        };
        const r = request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            method: req.method,
            path: `${prefix}${req.pathAndQuery}`,
            headers,
            agent,
            timeout: timeoutMs,
          },
          resolve,
        );
        r.on('timeout', () => {
          r.destroy(new Error('timeout'));
        });
        // A deadline on the whole exchange, body included (the idle timeout alone lets a body
        // trickled a byte at a time hold the request for good), as the agent's own Vault client has.
        const deadline = setTimeout(() => {
          r.destroy(new Error('timeout'));
        }, timeoutMs);
        r.once('close', () => {
          clearTimeout(deadline);
        });
        // Whoever reads the body listens for its errors too; this one only keeps a cut body that
        // nobody is reading yet from being an unhandled 'error' event.
        r.once('response', (res) => {
          res.on('error', () => undefined);
        });
        r.on('error', (err: NodeJS.ErrnoException) => {
          reject(new Error(err.code ?? (err.message === 'timeout' ? 'timeout' : 'connection failed')));
        });
        r.end(req.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
