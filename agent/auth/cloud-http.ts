// (adapter) Plain HTTP(S) exchanges with cloud identity endpoints (AWS STS, the GCE metadata
// server, Azure IMDS), on node:http/node:https loaded lazily as the Vault transport does, with the
// same whole-exchange deadline and body cap (bounded-exchange.ts). Bodies never go into errors.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { AuthError } from '../errors.ts';
import { boundedExchange, ExchangeFailure } from '../vault/bounded-exchange.ts';

export interface CloudHttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface CloudHttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface CloudHttp {
  send(request: CloudHttpRequest): Promise<CloudHttpResponse>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const requireBuiltin = createRequire(import.meta.url);

export function createCloudHttp(options: { timeoutMs: number }): CloudHttp {
  return {
    send(req) {
      const url = new URL(req.url);
      const secure = url.protocol === 'https:';
      const lib = requireBuiltin(secure ? 'node:https' : 'node:http') as typeof Http | typeof Https;
      const payload = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
      const headers: Record<string, string> = {
        ...req.headers,
        ...(payload !== undefined ? { 'content-length': String(payload.length) } : {}),
      };
      return boundedExchange((onResponse) => lib.request(url, { method: req.method, headers }, onResponse), {
        timeoutMs: options.timeoutMs,
        maxBodyBytes: MAX_BODY_BYTES,
        payload,
      }).then(
        ({ status, text }) => ({ status, body: text }),
        (err: unknown) =>
          Promise.reject(
            new AuthError(
              `${req.method} ${url.origin}${url.pathname}: no response (${err instanceof ExchangeFailure ? err.detail : 'connection failed'})`,
            ),
          ),
      );
    },
  };
}
