// What the API proxy forwards, as pure functions of the incoming request: which token goes to
// Vault (`use_auto_auth_token` true / "force"), which headers pass, and whether the
// `require_request_header` check holds.
import type { UseAutoAuthToken } from '../config/listener.ts';

export type Headers = Readonly<Record<string, readonly string[] | undefined>>;

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the proxy sets itself. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  // Vault Agent drops it too, so Vault answers uncompressed (the cache parses bodies).
  'accept-encoding',
]);

/** Response headers not copied back (hop-by-hop). Content-Length stays: the body passes unchanged. */
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The client's own token: `X-Vault-Token`, else `Authorization: Bearer <token>` (as Vault reads them). */
export function clientToken(headers: Headers): string | undefined {
  const direct = headers['x-vault-token']?.[0];
  if (direct !== undefined && direct !== '') return direct;
  const auth = headers['authorization']?.[0];
  const match = auth === undefined ? null : /^Bearer (\S+)$/i.exec(auth.trim());
  return match?.[1];
}

export interface TokenChoice {
  /** The token sent to Vault; undefined = the request goes without one. */
  readonly token: string | undefined;
  /** The auto-auth token is the one sent (the lease cache only serves these requests). */
  readonly autoAuth: boolean;
}

/** true: the auto-auth token when the client sent none; "force": always the auto-auth token. */
export function chooseToken(
  client: string | undefined,
  autoAuth: string | undefined,
  mode: UseAutoAuthToken,
): TokenChoice {
  if (mode === 'force' || (mode === true && client === undefined))
    return { token: autoAuth, autoAuth: autoAuth !== undefined };
  return { token: client, autoAuth: client !== undefined && client === autoAuth };
}

/** Whether the request needs the auto-auth token (so the proxy waits for a login when none is held). */
export function wantsAutoAuth(client: string | undefined, mode: UseAutoAuthToken): boolean {
  return mode === 'force' || (mode === true && client === undefined);
}

/** Vault Agent's check: exactly one `X-Vault-Request` header, and it is `true`. */
export function hasVaultRequestHeader(headers: Headers): boolean {
  const values = headers['x-vault-request'];
  return values !== undefined && values.length === 1 && values[0] === 'true';
}

/**
 * Headers sent to Vault: the client's, minus hop-by-hop ones, with the chosen token. When the
 * agent supplies the token, the client's Authorization bearer goes too, so Vault sees one token.
 */
export function forwardHeaders(headers: Headers, choice: TokenChoice, userAgent: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (values === undefined || NOT_FORWARDED.has(name) || name === 'x-vault-token' || name === 'user-agent') continue;
    if (name === 'authorization' && choice.autoAuth && /^\s*bearer\s/i.test(values[0] ?? '')) continue;
    out[name] = [...values];
  }
  if (choice.token !== undefined) out['x-vault-token'] = [choice.token];
  const clientAgent = headers['user-agent']?.[0];
  out['user-agent'] = [clientAgent === undefined || clientAgent === '' ? userAgent : `${userAgent}; ${clientAgent}`];
  return out;
}

/** Vault's response headers as the listener returns them. */
export function returnedHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_RETURNED.has(name)) out[name] = value;
  }
  return out;
}

/** `/v1/...` path and query from the request target, whatever host an absolute-form target names. */
export function targetPath(url: string): string | undefined {
  // The usual origin-form target needs no parsing (a `//host` start would read as a host).
  if (url.startsWith('/') && !url.startsWith('//') && !url.includes('#') && !/[\\\t]/.test(url) && !url.includes('/.'))
    return url;
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://listener.invalid');
  } catch {
    return undefined;
  }
  return `${parsed.pathname}${parsed.search}`;
}
