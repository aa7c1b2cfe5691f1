// (adapter) The one agent file that speaks HTTP to Vault, on node:http/node:https (not node-vault:
// see docs/adr/0002-agent-vault-client.md for the measured load cost). Keep-alive, a per-host
// connection cap (max_connections_per_host), TLS options, X-Vault-Namespace, HTTPS_PROXY through
// Node's own proxy support. The timeout is a deadline on the whole exchange (connect, headers and
// body), as Go's http.Client.Timeout is: a socket timeout alone only limits idleness, so a server
// trickling one byte a second would hold a request forever. Never puts a token or a body into an error.
import type * as Http from 'node:http';
import type { VaultHttpRequest, VaultHttpResponse, VaultTransport } from './client.ts';
import { VaultError } from '../errors.ts';
import { parseVaultJson } from './json-number.ts';
import type { TlsMaterial } from './tls-files.ts';
import { openVaultConnection } from './vault-connection.ts';
import { boundedExchange, ExchangeFailure } from './bounded-exchange.ts';

export interface HttpTransportOptions {
  /** e.g. https://vault.vault.svc:8200 */
  readonly address: string;
  readonly caCertPem?: string;
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
  /**
   * The current CA bundle and client certificate, asked before every request (tls-files.ts re-reads
   * the files when they change); replaces the three PEM fields above. Connections are pooled per
   * material, so a rotated file is used from the next request on.
   */
  readonly tls?: () => TlsMaterial;
  readonly skipVerify?: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
  readonly timeoutMs?: number;
  readonly maxConnectionsPerHost?: number;
  readonly userAgent?: string;
  /** False when the config lists a subsystem in `disable_keep_alives`. */
  readonly keepAlive?: boolean;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function createHttpTransport(options: HttpTransportOptions): VaultTransport {
  const { base, secure, agent, request, prefix, timeoutMs } = openVaultConnection(options);
  let lastTls: TlsMaterial | undefined;

  return {
    send(req: VaultHttpRequest): Promise<VaultHttpResponse> {
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
      const headers: Record<string, string> = {
        'x-vault-request': 'true',
        'user-agent': options.userAgent ?? 'vaultlet-agent',
      };
      if (req.token !== undefined) headers['x-vault-token'] = req.token;
      if (req.namespace !== undefined) headers['x-vault-namespace'] = req.namespace;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      const path = `${prefix}/v1/${req.path.replace(/^\/+/, '')}`;
      let tls: TlsMaterial = {};
      if (secure && options.tls !== undefined) {
        try {
          tls = options.tls();
          // Idle connections made with rotated-out certificates would never be picked again.
          if (lastTls !== undefined && tls !== lastTls) closeIdle(agent);
          lastTls = tls;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
          return Promise.reject(
            new VaultError({
              status: 0,
              path: req.path,
              retryable: true,
              detail: `cannot read the TLS files (${code})`,
            }),
          );
        }
      }
      return boundedExchange(
        (onResponse) =>
          request(
            {
              protocol: base.protocol,
              hostname: base.hostname,
              port: base.port,
              method: req.method,
              path,
              headers,
              agent,
              ...tls,
            },
            onResponse,
          ),
        { timeoutMs, maxBodyBytes: MAX_BODY_BYTES, payload },
      ).then(
        ({ status, text }) => {
          let body: unknown = null;
          if (text.trim() !== '') {
            try {
              // Numbers exactly as Vault sent them (Vault Agent's UseNumber), see json-number.ts.
              body = parseVaultJson(text);
            } catch {
              body = null;
            }
          }
          return { status, body };
        },
        (err: unknown) =>
          Promise.reject(
            new VaultError({
              status: 0,
              path: req.path,
              retryable: true,
              detail: err instanceof ExchangeFailure ? err.detail : 'connection failed',
            }),
          ),
      );
    },
    close(): void {
      agent.destroy();
    },
  };
}

function closeIdle(agent: Http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}
