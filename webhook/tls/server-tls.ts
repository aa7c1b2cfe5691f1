// The HTTPS server's TLS options (policy from config plus the current pair) and the hot swap of
// the pair on a running server: new connections get the new certificate, open ones keep theirs.
import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../../shared/logger.ts';
import type { WebhookConfig } from '../config.ts';
import type { CertBundle, CertSource } from './cert-source.ts';

export type TlsPolicy = Pick<SecureContextOptions, 'minVersion' | 'ciphers'>;

export function tlsPolicy(config: Pick<WebhookConfig, 'tlsMinVersion' | 'tlsCipherSuites'>): TlsPolicy {
  return config.tlsCipherSuites.length === 0
    ? { minVersion: config.tlsMinVersion }
    : { minVersion: config.tlsMinVersion, ciphers: config.tlsCipherSuites.join(':') };
}

export function secureContextOptions(policy: TlsPolicy, bundle: CertBundle): SecureContextOptions {
  return { ...policy, cert: bundle.certPem, key: bundle.keyPem };
}

/** Applies every later pair from the source to the server; a pair Node refuses keeps the old one. */
export function applyCertChanges(server: HttpsServer, source: CertSource, policy: TlsPolicy, log: Logger): void {
  source.onChange((bundle) => {
    try {
      server.setSecureContext(secureContextOptions(policy, bundle));
      log.info({}, 'serving the new TLS certificate');
    } catch (err) {
      log.error({ code: (err as { code?: string }).code }, 'new TLS certificate rejected; keeping the current one');
    }
  });
}
