// The annotation catalogue: every key the webhook reads, in one place.
// Keys are written without their prefix; VAULT is `vault.hashicorp.com/`, VAULTLET `vaultlet.io/`.

export const VAULT_PREFIX = 'vault.hashicorp.com/';
export const VAULTLET_PREFIX = 'vaultlet.io/';
export const STATUS_KEY = `${VAULT_PREFIX}agent-inject-status`;
export const STATUS_INJECTED = 'injected';

/** Fixed `vault.hashicorp.com/` annotations. */
export const VAULT_KEYS = [
  'agent-inject',
  'agent-inject-status',
  'agent-pre-populate',
  'agent-pre-populate-only',
  'agent-init-first',
  'agent-inject-containers',
  'agent-image',
  'agent-configmap',
  'agent-extra-secret',
  'agent-copy-volume-mounts',
  'agent-inject-token',
  'agent-json-patch',
  'agent-init-json-patch',
  'agent-service-account-token-volume-name',
  'agent-share-process-namespace',
  'agent-request-namespace',
  'agent-native-sidecar',
  'agent-inject-default-template',
  'secret-volume-path',
  'preserve-secret-case',
  'role',
  'service',
  'auth-path',
  'auth-type',
  'namespace',
  'auth-min-backoff',
  'auth-max-backoff',
  'agent-auto-auth-exit-on-err',
  'tls-skip-verify',
  'ca-cert',
  'ca-key',
  'client-cert',
  'client-key',
  'tls-server-name',
  'tls-secret',
  'proxy-address',
  'client-max-retries',
  'client-timeout',
  'go-max-procs',
  'log-level',
  'log-format',
  'agent-limits-cpu',
  'agent-limits-mem',
  'agent-limits-ephemeral',
  'agent-requests-cpu',
  'agent-requests-mem',
  'agent-requests-ephemeral',
  'agent-run-as-user',
  'agent-run-as-group',
  'agent-run-as-same-user',
  'agent-set-security-context',
  'agent-cache-enable',
  'agent-cache-use-auto-auth-token',
  'agent-cache-listener-port',
  'agent-cache-exit-on-err',
  'agent-enable-quit',
  'agent-revoke-on-shutdown',
  'agent-revoke-grace',
  'agent-disable-idle-connections',
  'agent-disable-keep-alives',
  'template-config-exit-on-retry-failure',
  'template-static-secret-render-interval',
  'template-max-connections-per-host',
  'template-lease-renewal-threshold',
] as const;

export type VaultKey = (typeof VAULT_KEYS)[number];

/** The prefixes that declare a secret, tried in this order. */
export const SECRET_DECLARING_PREFIXES = [
  'agent-inject-secret-',
  'agent-inject-template-file-',
  'agent-inject-template-',
] as const;

/** `vault.hashicorp.com/` per-secret options: the suffix is the NAME of a declared secret. */
export const VAULT_PER_SECRET_OPTION_PREFIXES = [
  'agent-inject-file-',
  'agent-inject-perms-',
  'agent-inject-command-',
  'agent-template-left-delim-',
  'agent-template-right-delim-',
  'error-on-missing-key-',
  'secret-volume-path-',
  'preserve-secret-case-',
] as const;

/** `vault.hashicorp.com/` annotations that end in a user-chosen suffix (a secret NAME or a config KEY). */
export const VAULT_PER_NAME_PREFIXES = [
  ...SECRET_DECLARING_PREFIXES,
  ...VAULT_PER_SECRET_OPTION_PREFIXES,
  'auth-config-',
  'agent-telemetry-',
] as const;

export const VAULTLET_KEYS = ['template-engine'] as const;
export const VAULTLET_PER_NAME_PREFIXES = ['agent-inject-reload-url-'] as const;

/** A suffix (secret NAME, config KEY) must look like the name part of a Kubernetes annotation key. */
export const NAME_SUFFIX = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$/;
