// Which CertSource serves: files when AGENT_INJECT_TLS_CERT_FILE is set (no Kubernetes API
// needed), auto-TLS when AGENT_INJECT_TLS_AUTO names the MutatingWebhookConfiguration.
import { ConfigError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { WebhookConfig } from '../config.ts';
import type { CertSource } from './cert-source.ts';
import { createFileCertSource } from './file-cert-source.ts';
import { hostname } from 'node:os';
import { createKubePort } from '../kube/client-node-port.ts';
import { createAutoTlsCertSource } from './auto/auto-cert-source.ts';

export type CertSourceConfig = Pick<
  WebhookConfig, 'tlsCertFile' | 'tlsKeyFile' | 'tlsAuto' | 'tlsAutoHosts' | 'useLeaderElector' | 'namespace' | 'podName'
>;

export function selectCertSource(config: CertSourceConfig, log: Logger): CertSource {
  if (config.tlsCertFile !== '') {
    return createFileCertSource({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, log });
  }
  if (config.tlsAuto !== '') {
    return createAutoTlsCertSource({
      kube: createKubePort({}), log, webhookConfigName: config.tlsAuto, hosts: config.tlsAutoHosts,
      namespace: config.namespace, identity: config.podName === '' ? hostname() : config.podName, useLeaderElector: config.useLeaderElector,
    });
  }
  throw new ConfigError([
    { field: 'AGENT_INJECT_TLS_CERT_FILE', message: 'no serving certificate: set AGENT_INJECT_TLS_CERT_FILE and AGENT_INJECT_TLS_KEY_FILE, or AGENT_INJECT_TLS_AUTO' },
  ]);
}
