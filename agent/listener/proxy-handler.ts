// The listener's `/` route: every Vault API call proxied to the configured Vault with Vault's
// semantics (method, path, query, headers, status and body passed through; bodies stream), the
// auto-auth token added or forced as configured, and, with `cache {}`, the lease cache in front:
// identical requests made with the auto-auth token share one renewable lease. Retries as Vault
// Agent's proxy client does: 412 and 5xx except 501, and failed connections.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/clock.ts';
import { sleep } from '../../shared/clock.ts';
import type { Random } from '../../shared/backoff.ts';
import type { Logger } from '../../shared/logger.ts';
import type { UseAutoAuthToken } from '../config/listener.ts';
import type { LeaseCache, CachedResponse } from '../cache/lease-cache.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../cache/lease-cache.ts';
import { cacheKey } from '../cache/cache-key.ts';
import { cacheableResponse } from '../cache/cacheable.ts';
import { revocationClear } from '../cache/revocation.ts';
import { isRetryableStatus, isRecord } from '../vault/client.ts';
import type { AgentMetrics } from './metrics.ts';
import type { Upstream, UpstreamRequest } from './upstream.ts';
import {
  chooseToken,
  clientToken,
  forwardHeaders,
  returnedHeaders,
  targetPath,
  wantsAutoAuth,
  type Headers,
} from './proxy-request.ts';
import { readBody, respondError } from './respond.ts';
import { withoutQuery } from '../../shared/string-ends.ts';

/** Vault's default max_request_size. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** Request bodies held at once across all requests (bodies are kept whole so a retry can resend them). */
const BODY_BUDGET_BYTES = 16 * 1024 * 1024;
const USER_AGENT = 'vaultlet-agent API Proxy';

export interface AutoAuthTokens {
  /** The token held now, if any. */
  current(): string | undefined;
  /** Waits for a login when none is held. */
  wait(): Promise<string>;
}

export interface ProxyDeps {
  readonly upstream: Upstream;
  readonly tokens: AutoAuthTokens;
  readonly useAutoAuthToken: UseAutoAuthToken;
  readonly cache?: LeaseCache;
  readonly metrics: AgentMetrics;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  /** Retries of a 412/5xx/failed exchange (vault.retry.num_retries). */
  readonly retries: number;
}

export function createProxyHandler(deps: ProxyDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const inFlight = new Map<string, Promise<void>>();
  let bufferedBytes = 0;
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.log.error(
        { event: 'proxy-failed', err: { type: (err as Error).name, message: (err as Error).message } },
        'proxied request failed',
      );
      respondError(res, 500, 'internal error');
    });
  };

  /** Reserves body bytes against the shared budget, released when the response is done. */
  function budgetFor(res: ServerResponse): (n: number) => boolean {
    let held = 0;
    res.once('close', () => {
      bufferedBytes -= held;
    });
    return (n) => {
      if (bufferedBytes + n > BODY_BUDGET_BYTES) return false;
      bufferedBytes += n;
      held += n;
      return true;
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = targetPath(req.url ?? '/');
    if (path === undefined) return respondError(res, 400, 'invalid request target');
    // No body announced (the usual GET): no wait for the stream's end on the hot path.
    const headers = req.headersDistinct as Headers;
    const body =
      headers['content-length'] === undefined && headers['transfer-encoding'] === undefined
        ? drained(req)
        : await readBody(req, MAX_REQUEST_BYTES, budgetFor(res));
    if (body === 'too-large') return respondError(res, 413, 'request body too large');
    if (body === 'busy') return respondError(res, 503, 'too much request data in flight; retry');
    const client = clientToken(headers);
    const auto = wantsAutoAuth(client, deps.useAutoAuthToken)
      ? (deps.tokens.current() ?? (await deps.tokens.wait()))
      : deps.tokens.current();
    const choice = chooseToken(client, auto, deps.useAutoAuthToken);
    const forwarded = forwardHeaders(headers, choice, USER_AGENT);
    const request: UpstreamRequest = { method: req.method ?? 'GET', pathAndQuery: path, headers: forwarded, body };
    // The auto-auth token's own id never goes back to a client that did not send it.
    const sanitize = choice.autoAuth && client !== choice.token && /^\/v1\/auth\/token\/lookup-self(\?|$)/.test(path);
    if (deps.cache === undefined || !choice.autoAuth || choice.token === undefined)
      return forward(request, res, { sanitize, cache: undefined });
    const key = cacheKey(request.method, path, forwarded, body, choice.token);
    if (key === undefined) return forward(request, res, { sanitize, cache: undefined });
    const waiting = inFlight.get(key);
    if (waiting !== undefined) await waiting;
    const hit = deps.cache.get(key);
    if (hit !== undefined) {
      deps.metrics.incr('agent.cache.hit');
      return writeCached(res, hit, deps.clock.now());
    }
    deps.metrics.incr('agent.cache.miss');
    const done = forward(request, res, {
      sanitize,
      cache: { key, token: choice.token, path: withoutQuery(path) },
    });
    const settled = done.catch(() => undefined);
    inFlight.set(key, settled);
    try {
      await done;
    } finally {
      if (inFlight.get(key) === settled) inFlight.delete(key);
    }
  }

  async function forward(
    request: UpstreamRequest,
    res: ServerResponse,
    opts: { sanitize: boolean; cache: { key: string; token: string; path: string } | undefined },
  ): Promise<void> {
    const upstream = await sendWithRetries(request);
    if (upstream === undefined) {
      deps.metrics.incr('agent.proxy.error');
      return respondError(res, 500, 'failed to get the response from Vault');
    }
    const status = upstream.statusCode ?? 502;
    deps.metrics.incr(status >= 400 ? 'agent.proxy.client_error' : 'agent.proxy.success');
    if (deps.cache !== undefined && status >= 200 && status < 300) {
      const sent = request.headers['x-vault-token'];
      const cleared = revocationClear(
        request.method,
        request.pathAndQuery,
        request.body,
        typeof sent === 'string' ? sent : sent?.[0],
      );
      if (cleared !== undefined) deps.cache.clear(cleared);
    }
    const headers = returnedHeaders(upstream.headers);
    if (opts.cache !== undefined) headers['x-cache'] = 'MISS';
    const json = status === 200 && /json/i.test(String(upstream.headers['content-type'] ?? ''));
    if (!json || (opts.cache === undefined && !opts.sanitize)) return stream(upstream, res, status, headers);
    // Buffer what the cache may keep (bounded); a larger answer streams on as it is.
    const collected = await collect(upstream, opts.sanitize ? MAX_REQUEST_BYTES : DEFAULT_MAX_BODY_BYTES);
    if (Array.isArray(collected)) {
      res.writeHead(status, headers);
      for (const c of collected) res.write(c);
      return stream(upstream, res, undefined, headers);
    }
    let bytes = collected;
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (opts.sanitize && isRecord(parsed) && isRecord(parsed['data']) && 'id' in parsed['data']) {
      delete parsed['data']['id'];
      bytes = Buffer.from(`${JSON.stringify(parsed)}\n`);
    }
    if (opts.cache !== undefined && deps.cache !== undefined) {
      const about = cacheableResponse(status, parsed, { token: opts.cache.token, path: opts.cache.path });
      if (about !== undefined)
        deps.cache.store(
          opts.cache.key,
          { status, headers: { ...headers }, body: bytes, storedAt: deps.clock.now() },
          about,
        );
    }
    res.writeHead(status, { ...headers, 'content-length': bytes.length });
    res.end(bytes);
  }

  async function sendWithRetries(request: UpstreamRequest): Promise<IncomingMessage | undefined> {
    for (let attempt = 0; ; attempt++) {
      let response: IncomingMessage | undefined;
      try {
        response = await deps.upstream.send(request);
      } catch (err) {
        deps.log.warn(
          {
            event: 'proxy-upstream-failed',
            path: withoutQuery(request.pathAndQuery),
            err: { message: (err as Error).message },
            attempt,
          },
          'no response from Vault',
        );
      }
      const retry = response === undefined || isRetryableStatus(response.statusCode ?? 0);
      if (!retry || attempt >= deps.retries) return response;
      response?.resume();
      await sleep(deps.clock, 1000 + Math.round(500 * deps.random()));
    }
  }
}

/**
 * The whole body when it fits in `limit`; otherwise the chunks read so far, with the stream paused
 * and left readable (not destroyed, as leaving a for-await loop would) for the rest to be piped.
 */
function collect(upstream: IncomingMessage, limit: number): Promise<Buffer | Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        upstream.pause();
        detach();
        resolve(chunks);
      }
    };
    const onEnd = (): void => {
      detach();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      detach();
      reject(err);
    };
    const detach = (): void => {
      upstream.off('data', onData);
      upstream.off('end', onEnd);
      upstream.off('error', onError);
    };
    upstream.on('data', onData);
    upstream.once('end', onEnd);
    upstream.once('error', onError);
  });
}

const EMPTY = Buffer.alloc(0);

function drained(req: IncomingMessage): Buffer {
  req.resume();
  return EMPTY;
}

function stream(
  upstream: IncomingMessage,
  res: ServerResponse,
  status: number | undefined,
  headers: Record<string, string | string[]>,
): void {
  if (status !== undefined) res.writeHead(status, headers);
  res.on('close', () => {
    if (!upstream.complete) upstream.destroy();
  });
  upstream.on('error', () => {
    res.destroy();
  });
  upstream.pipe(res);
}

function writeCached(res: ServerResponse, hit: CachedResponse, now: number): void {
  res.writeHead(hit.status, {
    ...hit.headers,
    'x-cache': 'HIT',
    age: String(Math.max(0, Math.floor((now - hit.storedAt) / 1000))),
    'content-length': hit.body.length,
  });
  res.end(hit.body);
}
