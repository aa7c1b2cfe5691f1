// Every webhook setting: its environment variable, its flag and its default, the same as vault-k8s
// plus vaultlet's own. The one table docs/webhook-config.md describes.

export interface Setting {
  readonly env: string;
  /** Flag name without dashes; absent for env-only settings. */
  readonly flag?: string;
  readonly default: string;
  /** A Go bool flag may be given bare (`-revoke-on-shutdown`). */
  readonly bool?: true;
}

export const DEFAULT_AGENT_IMAGE = 'ghcr.io/vaultlet/agent:0.1.0';
export const MIB = 1024 * 1024;

export const SETTINGS = Object.freeze({
  listen: { env: 'AGENT_INJECT_LISTEN', flag: 'listen', default: ':8080' },
  logLevel: { env: 'AGENT_INJECT_LOG_LEVEL', flag: 'log-level', default: 'info' },
  logFormat: { env: 'AGENT_INJECT_LOG_FORMAT', flag: 'log-format', default: 'standard' },
  vaultAddress: { env: 'AGENT_INJECT_VAULT_ADDR', flag: 'vault-address', default: '' },
  vaultCaCertBytes: { env: 'AGENT_INJECT_VAULT_CACERT_BYTES', flag: 'vault-cacert-bytes', default: '' },
  proxyAddress: { env: 'AGENT_INJECT_PROXY_ADDR', flag: 'proxy-address', default: '' },
  vaultImage: { env: 'AGENT_INJECT_VAULT_IMAGE', flag: 'vault-image', default: DEFAULT_AGENT_IMAGE },
  vaultAuthType: { env: 'AGENT_INJECT_VAULT_AUTH_TYPE', flag: 'vault-auth-type', default: 'kubernetes' },
  vaultAuthPath: { env: 'AGENT_INJECT_VAULT_AUTH_PATH', flag: 'vault-auth-path', default: 'auth/kubernetes' },
  vaultNamespace: { env: 'AGENT_INJECT_VAULT_NAMESPACE', flag: 'vault-namespace', default: '' },
  revokeOnShutdown: {
    env: 'AGENT_INJECT_REVOKE_ON_SHUTDOWN',
    flag: 'revoke-on-shutdown',
    default: 'false',
    bool: true,
  },
  runAsUser: { env: 'AGENT_INJECT_RUN_AS_USER', flag: 'run-as-user', default: '100' },
  runAsGroup: { env: 'AGENT_INJECT_RUN_AS_GROUP', flag: 'run-as-group', default: '1000' },
  runAsSameUser: { env: 'AGENT_INJECT_RUN_AS_SAME_USER', flag: 'run-as-same-user', default: 'false', bool: true },
  setSecurityContext: {
    env: 'AGENT_INJECT_SET_SECURITY_CONTEXT',
    flag: 'set-security-context',
    default: 'true',
    bool: true,
  },
  defaultTemplate: { env: 'AGENT_INJECT_DEFAULT_TEMPLATE', flag: 'default-template', default: 'map' },
  cpuRequest: { env: 'AGENT_INJECT_CPU_REQUEST', flag: 'cpu-request', default: '250m' },
  memRequest: { env: 'AGENT_INJECT_MEM_REQUEST', flag: 'memory-request', default: '64Mi' },
  ephemeralRequest: { env: 'AGENT_INJECT_EPHEMERAL_REQUEST', flag: 'ephemeral-storage-request', default: '' },
  cpuLimit: { env: 'AGENT_INJECT_CPU_LIMIT', flag: 'cpu-limit', default: '500m' },
  memLimit: { env: 'AGENT_INJECT_MEM_LIMIT', flag: 'memory-limit', default: '128Mi' },
  ephemeralLimit: { env: 'AGENT_INJECT_EPHEMERAL_LIMIT', flag: 'ephemeral-storage-limit', default: '' },
  exitOnRetryFailure: {
    env: 'AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE',
    flag: 'template-config-exit-on-retry-failure',
    default: 'true',
    bool: true,
  },
  staticSecretRenderInterval: {
    env: 'AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL',
    flag: 'template-static-secret-render-interval',
    default: '',
  },
  maxConnectionsPerHost: { env: 'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST', default: '0' },
  leaseRenewalThreshold: { env: 'AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD', default: '0' },
  authMinBackoff: { env: 'AGENT_INJECT_AUTH_MIN_BACKOFF', flag: 'auth-min-backoff', default: '' },
  authMaxBackoff: { env: 'AGENT_INJECT_AUTH_MAX_BACKOFF', flag: 'auth-max-backoff', default: '' },
  disableIdleConnections: {
    env: 'AGENT_INJECT_DISABLE_IDLE_CONNECTIONS',
    flag: 'disable-idle-connections',
    default: '',
  },
  disableKeepAlives: { env: 'AGENT_INJECT_DISABLE_KEEP_ALIVES', flag: 'disable-keep-alives', default: '' },
  tlsAuto: { env: 'AGENT_INJECT_TLS_AUTO', flag: 'tls-auto', default: '' },
  tlsAutoHosts: { env: 'AGENT_INJECT_TLS_AUTO_HOSTS', flag: 'tls-auto-hosts', default: '' },
  tlsCertFile: { env: 'AGENT_INJECT_TLS_CERT_FILE', flag: 'tls-cert-file', default: '' },
  tlsKeyFile: { env: 'AGENT_INJECT_TLS_KEY_FILE', flag: 'tls-key-file', default: '' },
  tlsCaCertFile: { env: 'AGENT_INJECT_TLS_CA_CERT_FILE', flag: 'tls-ca-cert-file', default: '' },
  tlsMinVersion: { env: 'AGENT_INJECT_TLS_MIN_VERSION', flag: 'tls-min-version', default: 'tls12' },
  tlsCipherSuites: { env: 'AGENT_INJECT_TLS_CIPHER_SUITES', flag: 'tls-cipher-suites', default: '' },
  telemetryPath: { env: 'AGENT_INJECT_TELEMETRY_PATH', flag: 'telemetry-path', default: '' },
  useLeaderElector: {
    env: 'AGENT_INJECT_USE_LEADER_ELECTOR',
    flag: 'use-leader-elector',
    default: 'false',
    bool: true,
  },
  // vaultlet's own: the Lease and the certificate Secret of auto-TLS, named per installation so two
  // releases in one namespace never share them.
  leaderLease: { env: 'AGENT_INJECT_LEADER_LEASE', flag: 'leader-lease', default: 'vaultlet-injector-leader' },
  tlsAutoSecret: { env: 'AGENT_INJECT_TLS_AUTO_SECRET', flag: 'tls-auto-secret', default: 'vaultlet-injector-certs' },
  nativeSidecar: { env: 'AGENT_INJECT_NATIVE_SIDECAR', flag: 'native-sidecar', default: 'false', bool: true },
  maxBodyBytes: { env: 'AGENT_INJECT_MAX_BODY_BYTES', flag: 'max-body-bytes', default: String(3 * MIB) },
  // Connection hygiene (vaultlet's own): anyone who can reach the Service can open connections.
  maxConnections: { env: 'AGENT_INJECT_MAX_CONNECTIONS', flag: 'max-connections', default: '512' },
  maxInflightBodyBytes: {
    env: 'AGENT_INJECT_MAX_INFLIGHT_BODY_BYTES',
    flag: 'max-inflight-body-bytes',
    default: String(32 * MIB),
  },
  requestTimeout: { env: 'AGENT_INJECT_REQUEST_TIMEOUT', flag: 'request-timeout', default: '10s' },
  tlsHandshakeTimeout: { env: 'AGENT_INJECT_TLS_HANDSHAKE_TIMEOUT', flag: 'tls-handshake-timeout', default: '10s' },
  templateEngine: { env: 'AGENT_INJECT_TEMPLATE_ENGINE', flag: 'template-engine', default: 'go' },
  namespace: { env: 'NAMESPACE', default: 'default' },
  podName: { env: 'POD_NAME', default: '' },
} satisfies Record<string, Setting>);

export type SettingName = keyof typeof SETTINGS;
