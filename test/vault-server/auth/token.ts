// The token auth method's self endpoints: lookup-self, renew-self (Vault's capped renewal with its
// warning), revoke-self (which also revokes every lease the token created).
import { badRequest, envelope, noContent, unsupportedOperation, unsupportedPath } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenEntry, TokenStore } from '../tokens.ts';
import type { LeaseStore } from '../leases.ts';
import { rfc3339Nano } from '../time-format.ts';
import { parseIncrement } from '../ttl.ts';

export interface TokenRequest {
  readonly method: string;
  /** Path after auth/token/. */
  readonly op: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly token: TokenEntry;
}

export function lookupData(t: TokenEntry, tokens: TokenStore): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: t.accessor,
    creation_time: Math.floor(t.issueMs / 1000),
    creation_ttl: t.creationTtl,
    display_name: t.displayName,
    entity_id: t.entityId,
    expire_time: t.expireMs === null ? null : rfc3339Nano(t.expireMs),
    explicit_max_ttl: 0,
    id: t.id,
    issue_time: rfc3339Nano(t.issueMs),
    meta: t.meta,
    num_uses: 0,
    orphan: true,
    path: t.path,
    policies: t.policies,
    renewable: t.renewable,
    ttl: tokens.remaining(t),
    type: 'service',
  };
  if (t.lastRenewalMs !== null) {
    data['last_renewal'] = rfc3339Nano(t.lastRenewalMs);
    data['last_renewal_time'] = Math.floor(t.lastRenewalMs / 1000);
  }
  return data;
}

export function handleTokenSelf(req: TokenRequest, tokens: TokenStore, leases: LeaseStore): VaultResponse {
  const write = req.method === 'PUT' || req.method === 'POST';
  switch (req.op) {
    case 'lookup-self':
      if (req.method !== 'GET' && !write) return unsupportedOperation;
      return envelope({ data: lookupData(req.token, tokens), mountType: 'token' });
    case 'renew-self': {
      if (!write) return unsupportedOperation;
      const increment = parseIncrement(req.body['increment']);
      if (increment === undefined) return badRequest('invalid increment');
      const result = tokens.renew(req.token, increment);
      if (!result.ok) return badRequest(result.error);
      const t = req.token;
      return envelope({
        warnings: result.value.warnings,
        auth: {
          client_token: t.id, accessor: t.accessor, policies: t.policies, token_policies: t.policies, metadata: t.meta,
          lease_duration: result.value.ttl, renewable: true, entity_id: t.entityId, token_type: 'service', orphan: true, num_uses: 0,
        },
        mountType: 'token',
      });
    }
    case 'revoke-self':
      if (!write) return unsupportedOperation;
      req.token.revoked = true;
      leases.revokeByToken(req.token);
      return noContent;
    default:
      return unsupportedPath;
  }
}
