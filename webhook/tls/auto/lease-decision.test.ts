import { describe, expect, it } from '@jest/globals';
import { decideLease, observe, releasedLease } from './lease-decision.ts';

const T0 = 1_800_000_000_000;
const held = { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTimeMs: T0 - 60_000, renewTimeMs: T0, leaseTransitions: 3 };

describe('decideLease', () => {
  it('creates the Lease when there is none', () => {
    expect(decideLease({ current: undefined, observation: undefined, identity: 'pod-b', nowMs: T0, leaseDurationMs: 15_000 })).toEqual({
      kind: 'create', lease: { holderIdentity: 'pod-b', leaseDurationSeconds: 15, acquireTimeMs: T0, renewTimeMs: T0, leaseTransitions: 0 },
    });
  });

  it('renews its own Lease, keeping acquireTime and transitions', () => {
    expect(decideLease({ current: held, observation: undefined, identity: 'pod-a', nowMs: T0 + 5_000, leaseDurationMs: 15_000 })).toEqual({
      kind: 'renew', lease: { ...held, renewTimeMs: T0 + 5_000 },
    });
  });

  it.each([
    ['just observed', T0 + 1_000, T0 + 1_000, 'wait'],
    ['observed 14.999 s ago', T0 + 1_000, T0 + 15_999, 'wait'],
    ['observed exactly one lease duration ago', T0 + 1_000, T0 + 16_000, 'takeover'],
  ])('waits for another holder until the lease expires on our clock (%s)', (_name, observedAtMs, nowMs, kind) => {
    const observation = { holderIdentity: 'pod-a', renewTimeMs: T0, observedAtMs };
    const decision = decideLease({ current: held, observation, identity: 'pod-b', nowMs, leaseDurationMs: 15_000 });
    expect(decision).toEqual(kind === 'wait'
      ? { kind: 'wait', holderIdentity: 'pod-a', expiresAtMs: observedAtMs + 15_000 }
      : { kind: 'takeover', lease: { holderIdentity: 'pod-b', leaseDurationSeconds: 15, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: 4 } });
  });

  it('ignores a renewTime in the past from a skewed holder clock: expiry counts from observation', () => {
    const stale = { ...held, renewTimeMs: T0 - 3_600_000 };
    const observation = observe(undefined, stale, T0);
    expect(decideLease({ current: stale, observation, identity: 'pod-b', nowMs: T0 + 1_000, leaseDurationMs: 15_000 }).kind).toBe('wait');
  });

  it('takes a released Lease over at once', () => {
    const released = releasedLease(held, T0);
    expect(released).toEqual({ ...held, holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: T0 });
    const observation = observe(undefined, released, T0);
    expect(decideLease({ current: released, observation, identity: 'pod-b', nowMs: T0, leaseDurationMs: 15_000 })).toEqual({
      kind: 'takeover', lease: { holderIdentity: 'pod-b', leaseDurationSeconds: 15, acquireTimeMs: T0, renewTimeMs: T0, leaseTransitions: 4 },
    });
  });

  it('rounds a sub-second lease duration up to one second', () => {
    const decision = decideLease({ current: undefined, observation: undefined, identity: 'a', nowMs: T0, leaseDurationMs: 200 });
    expect(decision.kind === 'create' && decision.lease.leaseDurationSeconds).toBe(1);
  });
});

describe('observe', () => {
  it('keeps the first observation time while holder and renewTime stay the same', () => {
    const first = observe(undefined, held, T0);
    expect(observe(first, { ...held }, T0 + 9_000)).toBe(first);
    expect(observe(first, { ...held, renewTimeMs: T0 + 5_000 }, T0 + 9_000)).toEqual({ holderIdentity: 'pod-a', renewTimeMs: T0 + 5_000, observedAtMs: T0 + 9_000 });
    expect(observe(first, undefined, T0 + 9_000)).toEqual({ holderIdentity: undefined, renewTimeMs: undefined, observedAtMs: T0 + 9_000 });
  });
});
