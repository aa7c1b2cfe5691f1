// Auto-TLS as a CertSource (AGENT_INJECT_TLS_AUTO): a generated CA and serving leaf, the webhook
// configuration's caBundle kept current, and with AGENT_INJECT_USE_LEADER_ELECTOR one leader (a
// Lease) keeping CA and leaf in a Secret that every replica serves from. Polls; no watch.
import { AppError } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/logger.ts';
import { systemClock, type Clock, type TimerHandle } from '../../../shared/clock.ts';
import { backoffDelay, type Random } from '../../../shared/backoff.ts';
import type { KubePort } from '../../kube/port.ts';
import type { CertBundle, CertSource } from '../cert-source.ts';
import { memoryCertStore, secretCertStore } from './cert-store.ts';
import { createAutoTlsController } from './controller.ts';
import { createLeaderElector } from './leader-elector.ts';

export interface AutoTlsTiming {
  /** How often each replica runs a round (lease renew, Secret read, caBundle check). */
  readonly syncIntervalMs: number;
  readonly leaseDurationMs: number;
  /** A leader that has not renewed for this long stops leading; below leaseDurationMs. */
  readonly renewDeadlineMs: number;
  readonly caValidityMs: number;
  readonly leafValidityMs: number;
  /** Regenerate when less than this fraction of a certificate's life remains. */
  readonly renewBeforeFraction: number;
}

export const DEFAULT_TIMING: AutoTlsTiming = Object.freeze({
  syncIntervalMs: 5_000,
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  caValidityMs: 10 * 365 * 24 * 3_600_000,
  leafValidityMs: 24 * 3_600_000,
  renewBeforeFraction: 0.1,
});

export const DEFAULT_SECRET_NAME = 'vaultlet-injector-certs';
export const DEFAULT_LEASE_NAME = 'vaultlet-injector-leader';

export interface AutoTlsOptions {
  readonly kube: KubePort;
  readonly log: Logger;
  /** The MutatingWebhookConfiguration whose caBundle is kept current (AGENT_INJECT_TLS_AUTO). */
  readonly webhookConfigName: string;
  /** SANs of the serving certificate (AGENT_INJECT_TLS_AUTO_HOSTS). */
  readonly hosts: readonly string[];
  /** The webhook's namespace, where the Lease and Secret live (NAMESPACE). */
  readonly namespace: string;
  /** This replica's Lease holder identity (POD_NAME). */
  readonly identity: string;
  readonly useLeaderElector: boolean;
  readonly secretName?: string;
  readonly leaseName?: string;
  readonly timing?: Partial<AutoTlsTiming>;
  readonly clock?: Clock;
  readonly random?: Random;
}

export class AutoTlsStoppedError extends AppError {
  constructor() {
    super('WHK_TLS_AUTO_STOPPED', 'auto-TLS was stopped before a certificate was available');
  }
}

const RETRY = { initialMs: 250, maxMs: 5_000, multiplier: 2, jitter: 0.25, mode: 'reduce' } as const;

export function createAutoTlsCertSource(options: AutoTlsOptions): CertSource {
  const timing: AutoTlsTiming = { ...DEFAULT_TIMING, ...options.timing };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const log = options.log.child({ component: 'auto-tls-source' });
  if (options.hosts.length === 0) {
    log.warn({ webhookConfigName: options.webhookConfigName }, 'AGENT_INJECT_TLS_AUTO_HOSTS is empty: the serving certificate has no names the API server can verify');
  }
  const elector = options.useLeaderElector
    ? createLeaderElector({
      kube: options.kube, lease: { namespace: options.namespace, name: options.leaseName ?? DEFAULT_LEASE_NAME },
      identity: options.identity, leaseDurationMs: timing.leaseDurationMs, renewDeadlineMs: timing.renewDeadlineMs, clock, log: options.log,
    })
    : undefined;
  const store = options.useLeaderElector
    ? secretCertStore(options.kube, { namespace: options.namespace, name: options.secretName ?? DEFAULT_SECRET_NAME })
    : memoryCertStore();
  const controller = createAutoTlsController({
    kube: options.kube, store, elector, webhookConfigName: options.webhookConfigName, clock, log: options.log,
    policy: { caValidityMs: timing.caValidityMs, leafValidityMs: timing.leafValidityMs, renewBeforeFraction: timing.renewBeforeFraction, hosts: options.hosts },
  });

  const listeners: ((bundle: CertBundle) => void)[] = [];
  let current: CertBundle | undefined;
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let failures = 0;
  let first: { resolve: (b: CertBundle) => void; reject: (e: Error) => void } | undefined;

  function publish(bundle: CertBundle): void {
    if (current !== undefined && current.certPem === bundle.certPem && current.keyPem === bundle.keyPem) return;
    const isFirst = current === undefined;
    current = bundle;
    if (isFirst) first?.resolve(bundle);
    else for (const listener of listeners) listener(bundle);
  }

  async function round(): Promise<void> {
    try {
      const bundle = await controller.step();
      failures = 0;
      if (bundle !== undefined) publish(bundle);
    } catch (err) {
      failures += 1;
      log.warn({ err, failures }, 'auto-TLS round failed; retrying');
    }
  }

  function schedule(): void {
    if (stopped) return;
    const delay = failures > 0 || current === undefined
      ? Math.min(timing.syncIntervalMs, backoffDelay(RETRY, Math.max(0, failures - 1), random))
      : timing.syncIntervalMs;
    timer = clock.setTimer(delay, () => {
      running = round().then(schedule);
    });
  }

  return {
    start() {
      const ready = new Promise<CertBundle>((resolve, reject) => { first = { resolve, reject }; });
      running = round().then(schedule);
      return ready;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      await running;
      if (current === undefined) first?.reject(new AutoTlsStoppedError());
      await elector?.release();
    },
  };
}
