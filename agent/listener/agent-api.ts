// Vault Agent's own endpoints on a listener: `POST /agent/v1/quit` (only with
// `agent_api { enable_quit = true }`, else 404), `POST /agent/v1/cache-clear` (with `cache {}`) and
// `GET /agent/v1/metrics` (JSON, or Prometheus text with `?format=prometheus`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LeaseCache, ClearRequest } from '../cache/lease-cache.ts';
import { isRecord } from '../vault/client.ts';
import type { AgentMetrics } from './metrics.ts';
import { readBody, respondError } from './respond.ts';

export const AGENT_PATHS = Object.freeze({
  quit: '/agent/v1/quit',
  cacheClear: '/agent/v1/cache-clear',
  metrics: '/agent/v1/metrics',
});

const CLEAR_TYPES = ['all', 'lease', 'token', 'token_accessor', 'request_path'];

export function handleQuit(enabled: boolean, quit: () => void, req: IncomingMessage, res: ServerResponse): void {
  if (!enabled) return empty(res, 404);
  if (req.method !== 'POST') return empty(res, 405);
  empty(res, 200);
  // Answer first, then stop: the caller sees its 200.
  res.once('finish', quit);
}

export async function handleCacheClear(
  cache: LeaseCache | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST' && req.method !== 'PUT') return respondError(res, 405);
  const body = await readBody(req, 64 * 1024);
  if (typeof body === 'string') return respondError(res, 413, 'request body too large');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return respondError(res, 400, 'failed to parse request body');
  }
  const request = clearRequest(parsed);
  if (request === undefined) return respondError(res, 400, 'invalid type provided');
  cache?.clear(request);
  empty(res, 200);
}

export function handleMetrics(metrics: AgentMetrics, now: Date, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') return respondError(res, 405);
  const url = new URL(req.url ?? '/', 'http://listener.invalid');
  const accept = String(req.headers['accept'] ?? '');
  const format =
    url.searchParams.get('format') ??
    (accept.includes('text/plain') && accept.includes('version=0.0.4') ? 'prometheus' : '');
  if (format === 'prometheus') {
    if (!metrics.prometheusEnabled) return respondError(res, 400, 'prometheus is not enabled');
    const text = metrics.prometheus();
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
    return;
  }
  if (format !== '' && format !== 'json') return respondError(res, 400, 'unsupported metrics format');
  const text = metrics.json(now);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Vault Agent's cache-clear body: `{"type": "all"}` or `{"type": "lease", "value": "..."}`. */
export function clearRequest(body: unknown): ClearRequest | undefined {
  if (!isRecord(body) || typeof body['type'] !== 'string' || !CLEAR_TYPES.includes(body['type'])) return undefined;
  if (body['type'] === 'all') return { type: 'all' };
  const value = body['value'];
  if (typeof value !== 'string' || value === '') return undefined;
  return { type: body['type'] as 'lease' | 'token' | 'token_accessor' | 'request_path', value };
}

function empty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}
