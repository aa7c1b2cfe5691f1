// The lease cache's key: the whole request as Vault Agent compares it (method, path and query,
// every header but the consistency ones, the body) plus the token that is sent, so only an
// identical request made with the same token gets a cached response. Kept as the text itself, not
// a hash of it: a Map lookup on a string costs less than hashing on the hot path, and no
// collision is possible. Requests with bodies over MAX_KEYED_BODY_BYTES are not cached at all.
const IGNORED = new Set([
  'x-vault-index',
  'x-vault-forward',
  'x-vault-inconsistent',
  'content-length',
  'connection',
  'keep-alive',
]);

export const MAX_KEYED_BODY_BYTES = 64 * 1024;

/** undefined when the request is too large to be a cache key. */
export function cacheKey(
  method: string,
  pathAndQuery: string,
  headers: Readonly<Record<string, readonly string[]>>,
  body: Buffer,
  token: string,
): string | undefined {
  if (body.length > MAX_KEYED_BODY_BYTES) return undefined;
  // Header values and the path cannot hold CR/LF (Node's parser refuses them), so lines separate.
  let key = `${method} ${pathAndQuery}\n${token}\n`;
  for (const name of Object.keys(headers).sort()) {
    if (IGNORED.has(name) || name === 'x-vault-token') continue;
    for (const v of headers[name] ?? []) key += `${name}: ${v}\n`;
  }
  return `${key}\n${body.toString('latin1')}`;
}
