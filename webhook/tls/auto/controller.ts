// One auto-TLS round: elect, load the shared state, (leader only) generate what is missing or
// expiring and keep the webhook configuration's caBundle equal to the trusted bundle, then say
// which leaf this replica should serve. Timers live in auto-cert-source.ts; tests drive step().
import type { Logger } from '../../../shared/logger.ts';
import type { Clock } from '../../../shared/clock.ts';
import { isConflict, type KubePort } from '../../kube/port.ts';
import type { CertBundle } from '../cert-source.ts';
import type { CertStore } from './cert-store.ts';
import { parseCert, planCerts, servable, type CertPolicy, type CertState } from './cert-state.ts';
import { issue } from './issue.ts';
import { syncCaBundle } from './ca-bundle-sync.ts';
import type { LeaderElector } from './leader-elector.ts';

export interface AutoTlsControllerOptions {
  readonly kube: KubePort;
  readonly store: CertStore;
  /** Absent for a single replica, which always acts as leader. */
  readonly elector: LeaderElector | undefined;
  readonly webhookConfigName: string;
  readonly policy: CertPolicy;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface AutoTlsController {
  /** Runs one round; resolves to the pair to serve now, or undefined while none exists yet. */
  step(): Promise<CertBundle | undefined>;
}

function describe(state: CertState): Record<string, string | undefined> {
  return { caSerial: parseCert(state.caCertPem)?.serialNumber, leafSerial: parseCert(state.certPem)?.serialNumber, leafNotAfter: parseCert(state.certPem)?.validToDate.toISOString() };
}

export function createAutoTlsController(options: AutoTlsControllerOptions): AutoTlsController {
  const { kube, store, elector, webhookConfigName, policy, clock } = options;
  const log = options.log.child({ component: 'auto-tls' });
  let missingConfigLogged = false;

  async function publishCaBundle(state: CertState): Promise<void> {
    const result = await syncCaBundle(kube, webhookConfigName, state.caBundlePem);
    if (result === 'no-config' && !missingConfigLogged) log.warn({ webhookConfigName }, 'mutating webhook configuration not found; caBundle not set');
    missingConfigLogged = result === 'no-config';
    if (result === 'patched') log.info({ webhookConfigName }, 'caBundle updated');
  }

  async function lead(loaded: CertState | undefined, version: string | undefined): Promise<CertState | undefined> {
    const nowMs = clock.now();
    const plan = planCerts(loaded, nowMs, policy);
    let state = loaded;
    if (plan.kind !== 'keep') {
      const existingBundles = loaded === undefined ? ((await kube.getWebhookCaBundles(webhookConfigName)) ?? []) : [];
      const next = await issue({ plan, state: loaded, policy, nowMs, existingBundles });
      try {
        await store.save(next, version);
        state = next;
        log.info({ plan: plan.kind, reason: 'reason' in plan ? plan.reason : undefined, ...describe(next) }, 'certificates stored');
      } catch (err) {
        if (!isConflict(err)) throw err;
        // Another replica wrote first; take what it stored rather than overwrite it.
        log.info({ plan: plan.kind }, 'certificate secret changed concurrently; using the stored one');
        state = (await store.load()).state;
      }
    }
    if (state !== undefined) await publishCaBundle(state);
    return state;
  }

  return {
    async step() {
      const leading = elector === undefined ? true : await elector.step();
      const loaded = await store.load();
      const state = leading ? await lead(loaded.state, loaded.version) : loaded.state;
      if (state === undefined || !servable(state, clock.now())) return undefined;
      return { certPem: state.certPem, keyPem: state.keyPem };
    },
  };
}
