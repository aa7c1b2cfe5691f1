import { describe, expect, it } from '@jest/globals';
import { revocationClear } from './revocation.ts';

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const none = Buffer.alloc(0);

describe('revocations that empty the lease cache', () => {
  it('maps each revoke endpoint onto what it made useless', () => {
    expect(revocationClear('PUT', '/v1/auth/token/revoke-self', none, 'tok')).toEqual({ type: 'token', value: 'tok' });
    expect(revocationClear('POST', '/v1/auth/token/revoke', json({ token: 'child' }), 'tok')).toEqual({
      type: 'token',
      value: 'child',
    });
    expect(revocationClear('PUT', '/v1/auth/token/revoke-accessor', json({ accessor: 'acc' }), 'tok')).toEqual({
      type: 'token_accessor',
      value: 'acc',
    });
    expect(revocationClear('PUT', '/v1/sys/leases/revoke', json({ lease_id: 'database/creds/app/1' }), 'tok')).toEqual({
      type: 'lease',
      value: 'database/creds/app/1',
    });
    expect(revocationClear('PUT', '/v1/sys/leases/revoke/database/creds/app/1', none, 'tok')).toEqual({
      type: 'lease',
      value: 'database/creds/app/1',
    });
    expect(revocationClear('PUT', '/v1/sys/leases/revoke-prefix/database/creds', none, 'tok')).toEqual({
      type: 'request_path',
      value: '/v1/database/creds',
    });
  });

  it('ignores reads, other paths and bodies without the field', () => {
    expect(revocationClear('GET', '/v1/auth/token/revoke-self', none, 'tok')).toBeUndefined();
    expect(revocationClear('PUT', '/v1/secret/data/app', json({ token: 'x' }), 'tok')).toBeUndefined();
    expect(revocationClear('PUT', '/v1/sys/leases/revoke', Buffer.from('not json'), 'tok')).toBeUndefined();
    expect(revocationClear('PUT', '/v1/auth/token/revoke-self', none, undefined)).toBeUndefined();
  });
});
