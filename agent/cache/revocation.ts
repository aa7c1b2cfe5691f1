// Vault Agent's lease cache drops what a proxied revocation made useless: after Vault accepted a
// revoke of a lease, a token, an accessor or a lease prefix, the matching cached responses go, so
// an identical request is not answered with revoked credentials.
import type { ClearRequest } from './lease-cache.ts';
import { isRecord } from '../vault/client.ts';
import { trimTrailing, withoutQuery } from '../../shared/string-ends.ts';

/** What to clear after a successful (2xx) proxied request, or undefined when it revoked nothing. */
export function revocationClear(
  method: string,
  path: string,
  body: Buffer,
  token: string | undefined,
): ClearRequest | undefined {
  if (method !== 'PUT' && method !== 'POST') return undefined;
  const p = trimTrailing(withoutQuery(path), '/');
  const field = (name: string): string | undefined => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
    const v = isRecord(parsed) ? parsed[name] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const tail = (prefix: string): string | undefined =>
    p.startsWith(prefix) && p.length > prefix.length ? decodeURIComponent(p.slice(prefix.length)) : undefined;
  if (p === '/v1/auth/token/revoke-self') return token === undefined ? undefined : { type: 'token', value: token };
  if (p === '/v1/auth/token/revoke' || p === '/v1/auth/token/revoke-orphan') return one('token', field('token'));
  if (p === '/v1/auth/token/revoke-accessor') return one('token_accessor', field('accessor'));
  if (p === '/v1/sys/leases/revoke' || p === '/v1/sys/revoke') return one('lease', field('lease_id'));
  const prefix =
    tail('/v1/sys/leases/revoke-prefix/') ??
    tail('/v1/sys/revoke-prefix/') ??
    tail('/v1/sys/leases/revoke-force/') ??
    tail('/v1/sys/revoke-force/');
  if (prefix !== undefined) return { type: 'request_path', value: `/v1/${prefix}` };
  return one('lease', tail('/v1/sys/leases/revoke/') ?? tail('/v1/sys/revoke/'));
}

function one(type: 'token' | 'token_accessor' | 'lease', value: string | undefined): ClearRequest | undefined {
  return value === undefined ? undefined : { type, value };
}
