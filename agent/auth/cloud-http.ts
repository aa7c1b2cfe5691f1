// (adapter) Plain HTTP(S) exchanges with cloud identity endpoints (AWS STS, the GCE metadata
// server, Azure IMDS), on node:http/node:https loaded lazily as the Vault transport does. Bodies
// are bounded and never put into errors.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { AuthError } from '../errors.ts';

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
      return new Promise((resolve, reject) => {
        const fail = (detail: string): void => {
          reject(new AuthError(`${req.method} ${url.origin}${url.pathname}: no response (${detail})`));
        };
        const r = lib.request(url, { method: req.method, headers, timeout: options.timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy();
              fail('response too large');
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', () => {
            fail('response aborted');
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
        });
        r.on('timeout', () => {
          r.destroy(new Error('timeout'));
        });
        r.on('error', (err: NodeJS.ErrnoException) => {
          fail(err.code ?? (err.message === 'timeout' ? 'timeout' : 'connection failed'));
        });
        r.end(payload);
      });
    },
  };
}
