// The Vault connection and the auto-auth method of a pod.
import { NAME_SUFFIX, VAULT_PREFIX } from '../annotations/keys.ts';
import type { AnnotationReader } from '../annotations/reader.ts';
import type { WebhookConfig } from '../config.ts';
import type { PodView } from './pod.ts';
import { findServiceAccountToken, type ServiceAccountToken } from './service-account.ts';

const AUTH_CONFIG_PREFIX = `${VAULT_PREFIX}auth-config-`;

export interface VaultConnection {
  readonly address: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly tlsServerName: string;
  readonly tlsSkipVerify: boolean;
}

export interface AuthSpec {
  readonly type: string;
  readonly path: string;
  readonly namespace: string;
  /** auto_auth.method.config, keys sorted. */
  readonly config: Readonly<Record<string, string>>;
  readonly minBackoff: string;
  readonly maxBackoff: string;
  readonly exitOnErr: boolean;
}

export function readVault(
  r: AnnotationReader,
  config: WebhookConfig,
  configMapMode: boolean,
  warnings: string[],
): VaultConnection {
  const address = r.str('service', config.vaultAddress);
  if (!configMapMode && address === '')
    r.fail(`${VAULT_PREFIX}service`, 'no Vault address found (the annotation is empty)');
  // vault-k8s does not check the address and admits the pod; so does vaultlet, with a warning.
  if (address !== '' && !URL.canParse(address))
    warnings.push(
      `annotation "${VAULT_PREFIX}service" is not a URL such as https://vault.vault.svc:8200; the agent will not reach Vault`,
    );
  return {
    address,
    caCert: r.str('ca-cert', ''),
    caKey: r.str('ca-key', ''),
    clientCert: r.str('client-cert', ''),
    clientKey: r.str('client-key', ''),
    tlsServerName: r.str('tls-server-name', ''),
    tlsSkipVerify: r.bool('tls-skip-verify', false),
  };
}

export function readAuth(
  r: AnnotationReader,
  config: WebhookConfig,
  view: PodView,
): { spec: AuthSpec; serviceAccount: ServiceAccountToken } {
  const projected = r.str('agent-service-account-token-volume-name', '');
  const found = findServiceAccountToken(view.pod, view.containers, projected);
  const serviceAccount = typeof found === 'string' ? { volumeName: '', mountPath: '', tokenPath: '' } : found;
  if (typeof found === 'string') r.fail(`${VAULT_PREFIX}agent-service-account-token-volume-name`, found);
  const type = r.str('auth-type', config.vaultAuthType);
  const path = r.str('auth-path', config.vaultAuthPath);
  const configMapMode = r.str('agent-configmap', '') !== '';
  const entries = new Map<string, string>([['token_path', serviceAccount.tokenPath]]);
  const prefix = AUTH_CONFIG_PREFIX;
  for (const { key, name } of r.keysUnder(prefix)) {
    if (!NAME_SUFFIX.test(name)) {
      r.fail(key, 'the config key must be letters, digits, "-", "_" or "."');
      continue;
    }
    entries.set(name.replaceAll('-', '_'), r.named(prefix, name) ?? '');
  }
  const role = r.str('role', '');
  if (role !== '') entries.set('role', role);
  if (!configMapMode) {
    if (type === '') r.fail(`${VAULT_PREFIX}auth-type`, 'no Vault auth type found (the annotation is empty)');
    if (path === '') r.fail(`${VAULT_PREFIX}auth-path`, 'no Vault auth path found (the annotation is empty)');
    if (type === 'kubernetes' && (entries.get('role') ?? '') === '') {
      r.fail(
        `${VAULT_PREFIX}role`,
        'no Vault role found: set vault.hashicorp.com/role to the Kubernetes auth role to log in with',
      );
    }
  }
  const methodConfig = Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    serviceAccount,
    spec: {
      type,
      path,
      namespace: r.str('namespace', config.vaultNamespace),
      config: methodConfig,
      minBackoff: r.duration('auth-min-backoff', config.authMinBackoff),
      maxBackoff: r.duration('auth-max-backoff', config.authMaxBackoff),
      exitOnErr: r.bool('agent-auto-auth-exit-on-err', false),
    },
  };
}
