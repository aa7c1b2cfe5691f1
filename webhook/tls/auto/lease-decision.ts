// Pure leader-election decisions over a coordination.k8s.io/v1 Lease, in the manner of client-go's
// leaderelection: expiry is judged from when THIS replica last saw the record change (its own
// clock), not from the holder's renewTime, so clock skew between nodes cannot cause a takeover.
import type { LeaseRecord } from '../../kube/port.ts';

export interface LeaseObservation {
  /** The holder and renewTime last seen; a change in either restarts the expiry countdown. */
  readonly holderIdentity: string | undefined;
  readonly renewTimeMs: number | undefined;
  /** When this replica first saw that holder/renewTime pair, on its own clock. */
  readonly observedAtMs: number;
}

export type LeaseDecision =
  | { readonly kind: 'create'; readonly lease: LeaseRecord }
  | { readonly kind: 'renew'; readonly lease: LeaseRecord }
  | { readonly kind: 'takeover'; readonly lease: LeaseRecord }
  | { readonly kind: 'wait'; readonly holderIdentity: string; readonly expiresAtMs: number };

export interface LeaseDecisionInput {
  readonly current: LeaseRecord | undefined;
  readonly observation: LeaseObservation | undefined;
  readonly identity: string;
  readonly nowMs: number;
  readonly leaseDurationMs: number;
}

/** Updates the observation: same holder and renewTime keep the old time, anything new starts now. */
export function observe(previous: LeaseObservation | undefined, current: LeaseRecord | undefined, nowMs: number): LeaseObservation {
  const holderIdentity = current?.holderIdentity;
  const renewTimeMs = current?.renewTimeMs;
  if (previous !== undefined && previous.holderIdentity === holderIdentity && previous.renewTimeMs === renewTimeMs) return previous;
  return { holderIdentity, renewTimeMs, observedAtMs: nowMs };
}

export function decideLease(input: LeaseDecisionInput): LeaseDecision {
  const { current, identity, nowMs, leaseDurationMs } = input;
  const leaseDurationSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
  if (current === undefined) {
    return { kind: 'create', lease: { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: 0 } };
  }
  if (current.holderIdentity === identity) {
    return { kind: 'renew', lease: { ...current, leaseDurationSeconds, renewTimeMs: nowMs } };
  }
  const holder = current.holderIdentity ?? '';
  const takeover: LeaseDecision = {
    kind: 'takeover',
    lease: { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: (current.leaseTransitions ?? 0) + 1 },
  };
  if (holder === '') return takeover; // released on shutdown
  const observedAtMs = input.observation?.observedAtMs ?? nowMs;
  const expiresAtMs = observedAtMs + (current.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
  return nowMs >= expiresAtMs ? takeover : { kind: 'wait', holderIdentity: holder, expiresAtMs };
}

/** The lease a leader writes on shutdown so another replica can take over at once. */
export function releasedLease(current: LeaseRecord, nowMs: number): LeaseRecord {
  return { ...current, holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: nowMs };
}
