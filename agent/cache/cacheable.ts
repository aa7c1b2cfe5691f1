// Which proxied responses the lease cache keeps (Vault Agent's LeaseCache rules): a 200 JSON
// answer to a request made with a token the agent manages, carrying a renewable lease or creating
// a renewable token. Everything else (static KV, errors, non-renewable leases) passes through.
import type { Renewable } from './lease-cache.ts';
import { isRecord } from '../vault/client.ts';
import { plainNumber } from '../vault/json-number.ts';

export function cacheableResponse(
  status: number,
  body: unknown,
  request: { token: string; path: string },
): Renewable | undefined {
  if (status !== 200 || !isRecord(body)) return undefined;
  const base = { requestToken: request.token, requestPath: request.path };
  const leaseId = body['lease_id'];
  const leaseDuration = plainNumber(body['lease_duration']) ?? 0;
  if (typeof leaseId === 'string' && leaseId !== '') {
    return body['renewable'] === true && leaseDuration > 0 ? { ...base, leaseId, leaseDuration } : undefined;
  }
  const auth = body['auth'];
  if (isRecord(auth) && typeof auth['client_token'] === 'string' && auth['client_token'] !== '') {
    const ttl = plainNumber(auth['lease_duration']) ?? 0;
    if (auth['renewable'] !== true || ttl <= 0) return undefined;
    return {
      ...base,
      createdToken: auth['client_token'],
      ...(typeof auth['accessor'] === 'string' ? { createdAccessor: auth['accessor'] } : {}),
      leaseDuration: ttl,
    };
  }
  return undefined;
}
