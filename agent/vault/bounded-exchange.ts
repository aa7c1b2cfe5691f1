// One HTTP exchange with a deadline on the whole of it (connect, headers and body, as Go's
// http.Client.Timeout: an idle timeout alone lets a server trickling a byte a second hold it) and
// a cap on the body. Shared by the Vault transport and the cloud identity calls of auth methods;
// each turns the failure's detail into its own error. Never puts a body into the detail.
import type { ClientRequest, IncomingMessage } from 'node:http';

export class ExchangeFailure extends Error {
  /** `timeout`, `response too large`, `response aborted`, or the socket error's code. */
  readonly detail: string;
  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }
}

export interface ExchangeResult {
  readonly status: number;
  readonly text: string;
}

/** `start` sends the request (not yet ended) with the given response callback; `payload` ends it. */
export function boundedExchange(
  start: (onResponse: (res: IncomingMessage) => void) => ClientRequest,
  options: { readonly timeoutMs: number; readonly maxBodyBytes: number; readonly payload?: Buffer | undefined },
): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(new ExchangeFailure(detail));
    };
    const r = start((res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBodyBytes) {
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
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const deadline = setTimeout(() => {
      fail('timeout');
      r.destroy();
    }, options.timeoutMs);
    r.on('error', (err: NodeJS.ErrnoException) => {
      fail(err.code ?? 'connection failed');
    });
    r.end(options.payload);
  });
}
