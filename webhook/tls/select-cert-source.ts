// Which CertSource serves: files when AGENT_INJECT_TLS_CERT_FILE is set (no Kubernetes API
// needed), auto-TLS when AGENT_INJECT_TLS_AUTO names the MutatingWebhookConfiguration.
// Everything that talks to the Kubernetes API is imported only when AGENT_INJECT_TLS_AUTO is set:
// loading @kubernetes/client-node costs ~600 ms of start-up and tens of MB that file-TLS mode
// never needs.
import { ConfigError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { WebhookConfig } from '../config.ts';
import type { CertSource } from './cert-source.ts';
import { createFileCertSource } from './file-cert-source.ts';

export type CertSourceConfig = Pick<
  WebhookConfig,
  | 'tlsCertFile'
  | 'tlsKeyFile'
  | 'tlsCaCertFile'
  | 'tlsAuto'
  | 'tlsAutoHosts'
  | 'useLeaderElector'
  | 'leaderLease'
  | 'tlsAutoSecret'
  | 'namespace'
  | 'podName'
>;

export async function selectCertSource(config: CertSourceConfig, log: Logger): Promise<CertSource> {
  if (config.tlsCertFile !== '') {
    const files = createFileCertSource({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, log });
    if (config.tlsAuto === '' || config.tlsCaCertFile === '') return files;
    // vault-k8s: a CA file given with -tls-auto is kept in that webhook configuration's caBundle.
    const [{ readFile }, { systemClock }, { createKubePort }, { withCaBundleSync }] = await Promise.all([
      import('node:fs/promises'),
      import('../../shared/clock.ts'),
      import('../kube/client-node-port.ts'),
      import('./auto/ca-bundle-sync.ts'),
    ]);
    return withCaBundleSync(files, {
      kube: createKubePort({}),
      webhookConfigName: config.tlsAuto,
      readCaBundle: () => readFile(config.tlsCaCertFile, 'utf8'),
      clock: systemClock,
      log,
    });
  }
  if (config.tlsAuto !== '') {
    const [{ hostname }, { createKubePort }, { createAutoTlsCertSource }] = await Promise.all([
      import('node:os'),
      import('../kube/client-node-port.ts'),
      import('./auto/auto-cert-source.ts'),
    ]);
    return createAutoTlsCertSource({
      kube: createKubePort({}),
      log,
      webhookConfigName: config.tlsAuto,
      hosts: config.tlsAutoHosts,
      namespace: config.namespace,
      identity: config.podName === '' ? hostname() : config.podName,
      useLeaderElector: config.useLeaderElector,
      leaseName: config.leaderLease,
      secretName: config.tlsAutoSecret,
    });
  }
  throw new ConfigError([
    {
      field: 'AGENT_INJECT_TLS_CERT_FILE',
      message:
        'no serving certificate: set AGENT_INJECT_TLS_CERT_FILE and AGENT_INJECT_TLS_KEY_FILE, or AGENT_INJECT_TLS_AUTO',
    },
  ]);
}
