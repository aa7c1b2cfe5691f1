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

/** Reads a request body up to `limit` bytes; undefined when it is larger (the caller answers 413). */
export function readBody(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        resolve(undefined);
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
