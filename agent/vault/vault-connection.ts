// The connection pool both ways of reaching Vault share: the agent's own client (http-transport.ts)
// and the listener's API proxy (listener/upstream.ts). Keep-alive, the per-host cap, the proxy and
// the TLS settings of the `vault` stanza, in one place.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { HttpTransportOptions } from './http-transport.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

export interface VaultConnection {
  readonly base: URL;
  /** Whether Vault is reached over https (per-request TLS material applies then). */
  readonly secure: boolean;
  readonly agent: Http.Agent;
  readonly request: typeof Http.request;
  /** The address's path, without a trailing slash, put before every request path. */
  readonly prefix: string;
  readonly timeoutMs: number;
}

// require(), not import: an ESM import of node:http enumerates its exports, which loads Node's
// bundled undici (for http.WebSocket) and costs ~35 ms of start-up; require() does not.
const requireBuiltin = createRequire(import.meta.url);

export function openVaultConnection(options: HttpTransportOptions): VaultConnection {
  const base = new URL(options.address);
  const secure = base.protocol === 'https:';
  const http = requireBuiltin('node:http') as typeof Http;
  const https = secure ? (requireBuiltin('node:https') as typeof Https) : undefined;
  const agentOptions = {
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.maxConnectionsPerHost ?? 10,
    ...(options.proxyUrl !== undefined && options.proxyUrl !== ''
      ? { proxyEnv: secure ? { HTTPS_PROXY: options.proxyUrl } : { HTTP_PROXY: options.proxyUrl } }
      : {}),
  };
  const agent =
    https !== undefined
      ? new https.Agent({
          ...agentOptions,
          rejectUnauthorized: options.skipVerify !== true,
          ...(options.caCertPem !== undefined ? { ca: options.caCertPem } : {}),
          ...(options.clientCertPem !== undefined ? { cert: options.clientCertPem } : {}),
          ...(options.clientKeyPem !== undefined ? { key: options.clientKeyPem } : {}),
          ...(options.tlsServerName !== undefined && options.tlsServerName !== ''
            ? { servername: options.tlsServerName }
            : {}),
        })
      : new http.Agent(agentOptions);
  return {
    base,
    secure,
    agent,
    request: https !== undefined ? https.request : http.request,
    prefix: trimTrailing(base.pathname, '/'),
    timeoutMs: options.timeoutMs ?? 60_000,
  };
}
