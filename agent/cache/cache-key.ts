// The lease cache's key: a hash of the whole request as Vault Agent serialises it (method, path
// and query, every header but the consistency ones, the body) plus the token that is sent, so only
// an identical request made with the same token gets a cached response.
import { crypto } from '../lazy-builtins.ts';

const IGNORED = new Set([
  'x-vault-index',
  'x-vault-forward',
  'x-vault-inconsistent',
  'content-length',
  'connection',
  'keep-alive',
]);

export function cacheKey(
  method: string,
  pathAndQuery: string,
  headers: Readonly<Record<string, readonly string[]>>,
  body: Buffer,
  token: string,
): string {
  const hash = crypto().createHash('sha256');
  hash.update(`${method} ${pathAndQuery}\n`);
  for (const name of Object.keys(headers).sort()) {
    if (IGNORED.has(name) || name === 'x-vault-token') continue;
    for (const v of headers[name] ?? []) hash.update(`${name}: ${v}\n`);
  }
  hash.update(`\n${body.length}\n`);
  hash.update(body);
  hash.update('\n');
  hash.update(token);
  return hash.digest('hex');
}
