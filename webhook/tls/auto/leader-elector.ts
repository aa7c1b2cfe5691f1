// One leader among the webhook replicas through a coordination.k8s.io/v1 Lease. Each step reads
// the Lease and acquires, renews or waits (decisions in lease-decision.ts). A leader that cannot
// renew within renewDeadline stops acting as leader before its Lease can expire, so two replicas
// never both believe they lead; writes are resourceVersion-guarded as a second line of defence.
import type { Logger } from '../../../shared/logger.ts';
import type { Clock } from '../../../shared/clock.ts';
import { isConflict, type KubePort, type LeaseRecord, type ObjectRef, type Versioned } from '../../kube/port.ts';
import { decideLease, observe, releasedLease, type LeaseObservation } from './lease-decision.ts';

export interface LeaderElectorOptions {
  readonly kube: KubePort;
  readonly lease: ObjectRef;
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** How long a leader keeps leading without a successful renewal; below leaseDurationMs. */
  readonly renewDeadlineMs: number;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface LeaderElector {
  /** One read-decide-write round; resolves to whether this replica leads afterwards. */
  step(): Promise<boolean>;
  isLeader(): boolean;
  /** Gives the Lease up (holder cleared) if this replica holds it. */
  release(): Promise<void>;
}

export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { kube, identity, clock } = options;
  const log = options.log.child({ component: 'leader-elector', lease: options.lease.name });
  let observation: LeaseObservation | undefined;
  let lastRenewedMs: number | undefined;
  let held: Versioned<LeaseRecord> | undefined;

  const leading = (): boolean => lastRenewedMs !== undefined && clock.now() - lastRenewedMs < options.renewDeadlineMs;

  async function write(kind: 'create' | 'renew' | 'takeover', lease: LeaseRecord, resourceVersion: string | undefined): Promise<void> {
    const wasLeading = leading();
    held = resourceVersion === undefined ? await kube.createLease(options.lease, lease) : await kube.updateLease(options.lease, lease, resourceVersion);
    lastRenewedMs = clock.now();
    observation = observe(observation, held.value, lastRenewedMs);
    if (kind === 'renew' && wasLeading) log.debug({ identity }, 'lease renewed');
    else log.info({ identity, kind }, 'became leader');
  }

  async function step(): Promise<boolean> {
    const wasLeading = leading();
    try {
      const current = await kube.getLease(options.lease);
      const nowMs = clock.now();
      observation = observe(observation, current?.value, nowMs);
      const decision = decideLease({ current: current?.value, observation, identity, nowMs, leaseDurationMs: options.leaseDurationMs });
      if (decision.kind === 'wait') {
        lastRenewedMs = undefined;
        held = undefined;
      } else {
        await write(decision.kind, decision.lease, current?.resourceVersion);
      }
    } catch (err) {
      // Someone else wrote first (409) or the API is unreachable: keep leading only until the deadline.
      if (isConflict(err)) log.info({ identity }, 'lease changed under us; re-reading next round');
      else log.warn({ err, identity }, 'lease update failed');
    }
    const now = leading();
    if (wasLeading && !now) log.info({ identity }, 'leadership lost');
    return now;
  }

  async function release(): Promise<void> {
    if (held === undefined || !leading()) return;
    try {
      await kube.updateLease(options.lease, releasedLease(held.value, clock.now()), held.resourceVersion);
      log.info({ identity }, 'lease released');
    } catch (err) {
      log.warn({ err, identity }, 'lease release failed');
    } finally {
      held = undefined;
      lastRenewedMs = undefined;
    }
  }

  return { step, isLeader: leading, release };
}
