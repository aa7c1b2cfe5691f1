// (adapter) Starts the agent's listeners (`listener "tcp"` / `"unix"`, plain or TLS) with their
// routes: Vault Agent's `/agent/v1/*` endpoints and the API proxy with its lease cache. Loaded
// with a dynamic import only when the config has a listener or a cache, so agents without one
// never pay for this code at start-up.
import { createRequire } from 'node:module';
import { lstatSync, unlinkSync } from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/clock.ts';
import type { Random } from '../../shared/backoff.ts';
import type { Logger } from '../../shared/logger.ts';
import { AppError, toError } from '../../shared/errors.ts';
import type * as Os from 'node:os';
import type * as V8 from 'node:v8';
import { DEFAULT_LISTENER_MAX_CONNECTIONS, type ListenerSettings, type ProxySettings } from '../config/listener.ts';
import type { AgentSettings } from '../config/settings.ts';
import type { VaultClient } from '../vault/client.ts';
import type { CurrentToken } from '../auth/token-manager.ts';
import { LeaseCache } from '../cache/lease-cache.ts';
import { AgentMetrics } from './metrics.ts';
import { createUpstream } from './upstream.ts';
import { upstreamOptions } from './upstream-options.ts';
import { createProxyHandler } from './proxy-handler.ts';
import { hasVaultRequestHeader } from './proxy-request.ts';
import { AGENT_PATHS, handleCacheClear, handleMetrics, handleQuit } from './agent-api.ts';
import { respondError } from './respond.ts';
import { withoutQuery } from '../../shared/string-ends.ts';

/** The part of the token manager the listeners use. */
export interface ListenerTokens {
  readonly current: CurrentToken | undefined;
  token(): Promise<string>;
  onToken(listener: (token: CurrentToken, previous: CurrentToken | undefined) => void): void;
}

export interface ListenerDeps {
  readonly agent: AgentSettings;
  readonly settings: ProxySettings;
  readonly tokens: ListenerTokens;
  readonly client: VaultClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  /** `POST /agent/v1/quit`: stop the agent (exit 0). */
  readonly quit: () => void;
  readonly readFile: (path: string) => string;
  /** V8 flags set once the listeners start; default V8_FLAGS_WITH_LISTENER (tests in a shared process pass []). */
  readonly v8Flags?: readonly string[];
}

export interface AgentListeners {
  /** Where each listener is listening: `host:port` (the real port when 0 was asked) or the socket path. */
  readonly addresses: readonly string[];
  readonly metrics: AgentMetrics;
  /** Entries in the lease cache (0 without a cache). */
  cacheEntries(): number;
  close(): Promise<void>;
}

/** A listener could not be started (address in use, unreadable certificate, ...). */
export class ListenerError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('AGT_LISTENER', message, options);
  }
}

const requireBuiltin = createRequire(import.meta.url);

/**
 * An app polling the listener makes its request path hot, and V8's optimising tiers (Maglev,
 * TurboFan) then compile it: measured +17 MiB of VmRSS (compiler code paged in, optimised code)
 * on a sidecar after 6,000 proxied reads, past the sidecar's 64 MiB budget. The interpreter and
 * the baseline compiler keep a cache hit well under a millisecond (docs/benchmarks/agent-proxy.md).
 */
const V8_FLAGS_WITH_LISTENER = ['--no-maglev', '--no-turbofan'];

export async function startAgentListeners(deps: ListenerDeps): Promise<AgentListeners> {
  const { settings, tokens, clock, log } = deps;
  const v8 = requireBuiltin('node:v8') as typeof V8;
  for (const flag of deps.v8Flags ?? V8_FLAGS_WITH_LISTENER) v8.setFlagsFromString(flag);
  if (settings.telemetry.unusedSinks.length > 0) {
    log.warn(
      { event: 'telemetry-sinks-unused', keys: settings.telemetry.unusedSinks },
      'metrics are served at /agent/v1/metrics only; push sinks are not implemented',
    );
  }
  const metrics = new AgentMetrics(settings.telemetry, (requireBuiltin('node:os') as typeof Os).hostname());
  metrics.gauge('agent.authenticated', () => ((tokens.current?.expiresAt ?? 0) > clock.now() ? 1 : 0));
  const cache =
    settings.cache === undefined
      ? undefined
      : new LeaseCache({
          clock,
          random: deps.random,
          log: log.child({ component: 'cache' }),
          renew: {
            lease: async (token, leaseId) => (await deps.client.renewLease(token, leaseId)).leaseDuration,
            token: async (token) => (await deps.client.renewSelf(token)).leaseDuration,
          },
        });
  tokens.onToken((_token, previous) => {
    metrics.incr('agent.auth.success');
    // Entries made with a replaced token can no longer be asked for; their leases die with it.
    if (previous !== undefined) cache?.clear({ type: 'token', value: previous.token });
  });
  const upstream = createUpstream(upstreamOptions(deps.agent, deps.readFile));
  const proxy = createProxyHandler({
    upstream,
    tokens: { current: () => tokens.current?.token, wait: () => tokens.token() },
    useAutoAuthToken: settings.useAutoAuthToken,
    ...(cache !== undefined ? { cache } : {}),
    metrics,
    clock,
    random: deps.random,
    log: log.child({ component: 'proxy' }),
    retries: deps.agent.vault.numRetries,
  });
  const servers: Server[] = [];
  const addresses: string[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => {
              resolve();
            });
            s.closeAllConnections();
          }),
      ),
    );
    cache?.stop();
    upstream.close();
  };
  try {
    for (const l of settings.listeners) {
      const route = (req: IncomingMessage, res: ServerResponse): void => {
        const pathname = withoutQuery(req.url ?? '/');
        if (pathname === AGENT_PATHS.metrics) return handleMetrics(metrics, new Date(clock.now()), req, res);
        if (l.role === 'metrics_only') return respondError(res, 404);
        if (pathname === AGENT_PATHS.quit) return handleQuit(l.enableQuit, deps.quit, req, res);
        if (pathname === AGENT_PATHS.cacheClear && cache !== undefined) {
          handleCacheClear(cache, req, res).catch(() => {
            respondError(res, 500);
          });
          return;
        }
        if (l.requireRequestHeader && !hasVaultRequestHeader(req.headersDistinct))
          return respondError(res, 412, 'missing "X-Vault-Request" header');
        proxy(req, res);
      };
      const server = createServer(l, deps.readFile, route);
      // Past the cap Node closes each new connection as it is accepted: a client in the pod that
      // opens thousands holds no more memory than the cap allows.
      server.maxConnections = l.maxConnections ?? DEFAULT_LISTENER_MAX_CONNECTIONS;
      servers.push(server);
      addresses.push(await listen(server, l));
      log.info(
        {
          event: 'listener-started',
          type: l.type,
          address: addresses[addresses.length - 1],
          tls: l.tls !== undefined,
          role: l.role,
        },
        'listener started',
      );
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { addresses, metrics, cacheEntries: () => cache?.size ?? 0, close: closeAll };
}

function createServer(
  l: ListenerSettings,
  readFile: (path: string) => string,
  route: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const limits = { requestTimeout: 120_000, headersTimeout: 30_000, maxHeaderSize: 16 * 1024 };
  if (l.tls === undefined) return (requireBuiltin('node:http') as typeof Http).createServer(limits, route);
  let tls: { cert: string; key: string; ca?: string };
  try {
    tls = {
      cert: readFile(l.tls.certFile),
      key: readFile(l.tls.keyFile),
      ...(l.tls.clientCaFile !== undefined ? { ca: readFile(l.tls.clientCaFile) } : {}),
    };
  } catch (err) {
    throw new ListenerError(`listener[${l.index}]: cannot read its TLS certificate or key`, { cause: toError(err) });
  }
  const clientCerts =
    l.tls.clientCaFile !== undefined ? { requestCert: true, rejectUnauthorized: l.tls.requireClientCert } : {};
  return (requireBuiltin('node:https') as typeof Https).createServer({ ...limits, ...tls, ...clientCerts }, route);
}

function listen(server: Server, l: ListenerSettings): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new ListenerError(`listener[${l.index}]: cannot listen on ${l.address} (${err.code ?? 'error'})`));
    });
    if (l.type === 'unix') {
      removeStaleSocket(l.address);
      server.listen(l.address, () => {
        resolve(l.address);
      });
      return;
    }
    const cut = l.address.lastIndexOf(':');
    const host = l.address.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
    server.listen({ host, port: Number(l.address.slice(cut + 1)) }, () => {
      const a = server.address();
      resolve(
        typeof a === 'object' && a !== null
          ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`
          : l.address,
      );
    });
  });
}

/** A socket left by a previous run is removed; any other file at the path is left alone (listen fails). */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // Nothing there.
  }
}
