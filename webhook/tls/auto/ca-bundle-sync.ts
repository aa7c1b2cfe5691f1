// Keeping a MutatingWebhookConfiguration's caBundle equal to a wanted PEM bundle: used by the
// auto-TLS leader, and in manual TLS mode when AGENT_INJECT_TLS_CA_CERT_FILE and
// AGENT_INJECT_TLS_AUTO are both set (vault-k8s patches that CA file into the configuration).
import type { Logger } from '../../../shared/logger.ts';
import type { Clock, TimerHandle } from '../../../shared/clock.ts';
import type { KubePort } from '../../kube/port.ts';
import type { CertSource } from '../cert-source.ts';

export type CaBundleResult = 'unchanged' | 'patched' | 'no-config';

/** One check: patches every webhook whose caBundle differs; never logs the bundle itself. */
export async function syncCaBundle(kube: KubePort, webhookConfigName: string, caBundlePem: string): Promise<CaBundleResult> {
  const bundles = await kube.getWebhookCaBundles(webhookConfigName);
  if (bundles === undefined) return 'no-config';
  if (bundles.every((b) => b === caBundlePem)) return 'unchanged';
  await kube.patchWebhookCaBundles(webhookConfigName, caBundlePem, bundles.length);
  return 'patched';
}

export interface CaFileSyncOptions {
  readonly kube: KubePort;
  readonly webhookConfigName: string;
  /** Reads the CA file afresh each time (a mounted Secret may have been rotated). */
  readonly readCaBundle: () => Promise<string>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly intervalMs?: number;
}

/** Wraps a file CertSource so the given CA file is also kept in the webhook configuration. */
export function withCaBundleSync(source: CertSource, options: CaFileSyncOptions): CertSource {
  const log = options.log.child({ component: 'ca-bundle-sync', webhookConfigName: options.webhookConfigName });
  const intervalMs = options.intervalMs ?? 60_000;
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function round(): Promise<void> {
    try {
      const result = await syncCaBundle(options.kube, options.webhookConfigName, await options.readCaBundle());
      if (result === 'patched') log.info({}, 'caBundle updated from the CA file');
      if (result === 'no-config') log.warn({}, 'mutating webhook configuration not found; caBundle not set');
    } catch (err) {
      log.warn({ err }, 'caBundle sync failed; retrying');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = options.clock.setTimer(intervalMs, () => {
      running = round().then(schedule);
    });
  }

  return {
    async start() {
      const bundle = await source.start();
      running = round().then(schedule);
      return bundle;
    },
    onChange(listener) {
      source.onChange(listener);
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      await running;
      await source.stop();
    },
  };
}
