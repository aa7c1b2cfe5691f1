// Vault's error body (`{"errors":[...]}`, logical.RespondError) for answers the listener gives
// itself. Messages are fixed texts or error codes: never a token or a body.
import type { ServerResponse } from 'node:http';

export function respondError(res: ServerResponse, status: number, message?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${JSON.stringify({ errors: message === undefined ? [] : [message] })}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Reads a request body up to `limit` bytes. `reserve(n)` is asked before each chunk is kept (a
 * budget shared by concurrent requests): 'too-large' past the limit, 'busy' when the budget refuses.
 */
export function readBody(
  stream: NodeJS.ReadableStream,
  limit: number,
  reserve: (bytes: number) => boolean = () => true,
): Promise<Buffer | 'too-large' | 'busy'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit || !reserve(chunk.length)) {
        over = true;
        resolve(size > limit ? 'too-large' : 'busy');
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
  });
}
