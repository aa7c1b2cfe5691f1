// sys/leases/renew, revoke and lookup (and the old sys/renew, sys/revoke aliases). The lease id
// comes from the body or from the path suffix.
import { badRequest, envelope, noContent, unsupportedOperation, unsupportedPath } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { LeaseStore } from '../leases.ts';
import { rfc3339Nano } from '../time-format.ts';
import { parseIncrement } from '../ttl.ts';

export interface LeaseRequest {
  readonly method: string;
  /** renew, revoke or lookup. */
  readonly op: string;
  /** Path suffix after the op, possibly ''. */
  readonly suffix: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly nowMs: number;
}

export function handleLeases(req: LeaseRequest, leases: LeaseStore): VaultResponse {
  if (req.method !== 'PUT' && req.method !== 'POST') return unsupportedOperation;
  const fromBody = typeof req.body['lease_id'] === 'string' ? req.body['lease_id'] : '';
  const leaseId = fromBody !== '' ? fromBody : req.suffix;
  if (leaseId === '') return badRequest('lease_id must be specified');
  const lease = leases.get(leaseId);
  switch (req.op) {
    case 'renew': {
      if (leaseId.startsWith('auth/')) return badRequest('tokens cannot be renewed through this endpoint');
      const increment = parseIncrement(req.body['increment']);
      if (increment === undefined) return badRequest('invalid increment');
      if (lease === undefined) return badRequest('lease not found');
      const result = leases.renew(lease, increment);
      if (!result.ok) return badRequest(result.error);
      return envelope({ leaseId: lease.id, renewable: true, leaseDuration: result.value.ttl, warnings: result.value.warnings, mountType: 'system' });
    }
    case 'revoke':
      if (lease !== undefined) leases.revoke(lease);
      return noContent;
    case 'lookup': {
      if (lease === undefined || leases.state(lease) === 'gone') return badRequest('invalid lease');
      return envelope({
        data: {
          expire_time: rfc3339Nano(lease.expireMs), id: lease.id, issue_time: rfc3339Nano(lease.issueMs),
          last_renewal: lease.lastRenewalMs === null ? null : rfc3339Nano(lease.lastRenewalMs), renewable: lease.renewable,
          ttl: Math.max(0, Math.floor((lease.expireMs - req.nowMs) / 1000)),
        },
        mountType: 'system',
      });
    }
    default:
      return unsupportedPath;
  }
}
