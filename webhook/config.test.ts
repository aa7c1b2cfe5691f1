import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../shared/errors.ts';
import { loadWebhookConfig, type WebhookConfig } from './config.ts';

const ADDR = { AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' };

const DEFAULTS: WebhookConfig = {
  listen: { host: '0.0.0.0', port: 8080 },
  logLevel: 'info',
  logFormat: 'standard',
  vaultAddress: 'https://vault.vault.svc:8200',
  vaultCaCertBytes: '',
  proxyAddress: '',
  vaultImage: 'ghcr.io/vaultlet/agent:0.1.0',
  vaultAuthType: 'kubernetes',
  vaultAuthPath: 'auth/kubernetes',
  vaultNamespace: '',
  revokeOnShutdown: false,
  runAsUser: 100,
  runAsGroup: 1000,
  runAsSameUser: false,
  setSecurityContext: true,
  defaultTemplate: 'map',
  resources: {
    cpuRequest: '250m',
    memRequest: '64Mi',
    ephemeralRequest: '',
    cpuLimit: '500m',
    memLimit: '128Mi',
    ephemeralLimit: '',
  },
  exitOnRetryFailure: true,
  staticSecretRenderInterval: '',
  maxConnectionsPerHost: 0,
  leaseRenewalThreshold: 0,
  authMinBackoff: '',
  authMaxBackoff: '',
  disableIdleConnections: '',
  disableKeepAlives: '',
  tlsAuto: '',
  tlsAutoHosts: [],
  tlsCertFile: '',
  tlsKeyFile: '',
  tlsCaCertFile: '',
  tlsMinVersion: 'TLSv1.2',
  tlsCipherSuites: [],
  telemetryPath: '',
  useLeaderElector: false,
  leaderLease: 'vaultlet-injector-leader',
  tlsAutoSecret: 'vaultlet-injector-certs',
  nativeSidecar: false,
  maxBodyBytes: 3 * 1024 * 1024,
  maxConnections: 512,
  maxInflightBodyBytes: 32 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  tlsHandshakeTimeoutMs: 10_000,
  templateEngine: 'go',
  namespace: 'default',
  podName: '',
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadWebhookConfig', () => {
  it("has vault-k8s's defaults, with vaultlet's agent image", () => {
    expect(loadWebhookConfig(ADDR, [])).toEqual(DEFAULTS);
  });

  it('is deeply frozen', () => {
    const config = loadWebhookConfig(ADDR, []);
    expect(
      Object.isFrozen(config) &&
        Object.isFrozen(config.listen) &&
        Object.isFrozen(config.resources) &&
        Object.isFrozen(config.tlsAutoHosts),
    ).toBe(true);
  });

  it('reads every variable', () => {
    const env = {
      ...ADDR,
      AGENT_INJECT_LISTEN: '127.0.0.1:9443',
      AGENT_INJECT_LOG_LEVEL: ' WARNING ',
      AGENT_INJECT_LOG_FORMAT: 'json',
      AGENT_INJECT_VAULT_CACERT_BYTES: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64'),
      AGENT_INJECT_PROXY_ADDR: 'http://proxy:3128',
      AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4',
      AGENT_INJECT_VAULT_AUTH_TYPE: 'jwt',
      AGENT_INJECT_VAULT_AUTH_PATH: 'auth/jwt',
      AGENT_INJECT_VAULT_NAMESPACE: 'team',
      AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'true',
      AGENT_INJECT_RUN_AS_USER: '1000',
      AGENT_INJECT_RUN_AS_GROUP: '2000',
      AGENT_INJECT_RUN_AS_SAME_USER: 'T',
      AGENT_INJECT_SET_SECURITY_CONTEXT: 'false',
      AGENT_INJECT_DEFAULT_TEMPLATE: 'json',
      AGENT_INJECT_CPU_REQUEST: '0.1',
      AGENT_INJECT_MEM_REQUEST: '1024Mi',
      AGENT_INJECT_EPHEMERAL_REQUEST: '1Gi',
      AGENT_INJECT_CPU_LIMIT: '1000m',
      AGENT_INJECT_MEM_LIMIT: '2Gi',
      AGENT_INJECT_EPHEMERAL_LIMIT: '2Gi',
      AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'false',
      AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL: '1m',
      AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST: '10',
      AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: '0.9',
      AGENT_INJECT_AUTH_MIN_BACKOFF: '1s',
      AGENT_INJECT_AUTH_MAX_BACKOFF: '30s',
      AGENT_INJECT_DISABLE_IDLE_CONNECTIONS: 'auto-auth',
      AGENT_INJECT_DISABLE_KEEP_ALIVES: 'caching',
      AGENT_INJECT_TLS_AUTO: 'vault-agent-injector-cfg',
      AGENT_INJECT_TLS_AUTO_HOSTS: 'svc, svc.ns,svc.ns.svc',
      AGENT_INJECT_TLS_CERT_FILE: '/etc/webhook/certs/tls.crt',
      AGENT_INJECT_TLS_KEY_FILE: '/etc/webhook/certs/tls.key',
      AGENT_INJECT_TLS_CA_CERT_FILE: '/etc/webhook/certs/ca.crt',
      AGENT_INJECT_TLS_MIN_VERSION: 'tls13',
      AGENT_INJECT_TLS_CIPHER_SUITES: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256',
      AGENT_INJECT_TELEMETRY_PATH: '/metrics',
      AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
      AGENT_INJECT_NATIVE_SIDECAR: '1',
      AGENT_INJECT_MAX_BODY_BYTES: '1048576',
      AGENT_INJECT_MAX_CONNECTIONS: '200',
      AGENT_INJECT_MAX_INFLIGHT_BODY_BYTES: '33554432',
      AGENT_INJECT_REQUEST_TIMEOUT: '5s',
      AGENT_INJECT_TLS_HANDSHAKE_TIMEOUT: '3s',
      AGENT_INJECT_TEMPLATE_ENGINE: 'handlebars',
      AGENT_INJECT_LEADER_LEASE: 'vault-agent-injector-leader',
      AGENT_INJECT_TLS_AUTO_SECRET: 'vault-agent-injector-certs',
      NAMESPACE: 'vault',
      POD_NAME: 'injector-0',
    };
    expect(loadWebhookConfig(env, [])).toEqual({
      listen: { host: '127.0.0.1', port: 9443 },
      logLevel: 'warn',
      logFormat: 'json',
      vaultAddress: 'https://vault.vault.svc:8200',
      vaultCaCertBytes: '-----BEGIN CERTIFICATE-----',
      proxyAddress: 'http://proxy:3128',
      vaultImage: 'hashicorp/vault:2.0.4',
      vaultAuthType: 'jwt',
      vaultAuthPath: 'auth/jwt',
      vaultNamespace: 'team',
      revokeOnShutdown: true,
      runAsUser: 1000,
      runAsGroup: 2000,
      runAsSameUser: true,
      setSecurityContext: false,
      defaultTemplate: 'json',
      resources: {
        cpuRequest: '100m',
        memRequest: '1Gi',
        ephemeralRequest: '1Gi',
        cpuLimit: '1',
        memLimit: '2Gi',
        ephemeralLimit: '2Gi',
      },
      exitOnRetryFailure: false,
      staticSecretRenderInterval: '1m',
      maxConnectionsPerHost: 10,
      leaseRenewalThreshold: 0.9,
      authMinBackoff: '1s',
      authMaxBackoff: '30s',
      disableIdleConnections: 'auto-auth',
      disableKeepAlives: 'caching',
      tlsAuto: 'vault-agent-injector-cfg',
      tlsAutoHosts: ['svc', 'svc.ns', 'svc.ns.svc'],
      tlsCertFile: '/etc/webhook/certs/tls.crt',
      tlsKeyFile: '/etc/webhook/certs/tls.key',
      tlsCaCertFile: '/etc/webhook/certs/ca.crt',
      tlsMinVersion: 'TLSv1.3',
      tlsCipherSuites: ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256'],
      telemetryPath: '/metrics',
      useLeaderElector: true,
      leaderLease: 'vault-agent-injector-leader',
      tlsAutoSecret: 'vault-agent-injector-certs',
      nativeSidecar: true,
      maxBodyBytes: 1048576,
      maxConnections: 200,
      maxInflightBodyBytes: 32 * 1024 * 1024,
      requestTimeoutMs: 5000,
      tlsHandshakeTimeoutMs: 3000,
      templateEngine: 'handlebars',
      namespace: 'vault',
      podName: 'injector-0',
    });
  });

  it.each([
    [['-listen=:9000'], { listen: { host: '0.0.0.0', port: 9000 } }],
    [['-listen', '[::1]:9000'], { listen: { host: '::1', port: 9000 } }],
    [['--vault-image=hashicorp/vault:2.0.4'], { vaultImage: 'hashicorp/vault:2.0.4' }],
    [['-revoke-on-shutdown'], { revokeOnShutdown: true }],
    [['-set-security-context=false', '-run-as-user', '0'], { setSecurityContext: false, runAsUser: 0 }],
    [
      ['-cpu-limit=2', '-memory-limit', '0.5Gi'],
      { resources: { ...DEFAULTS.resources, cpuLimit: '2', memLimit: '512Mi' } },
    ],
    [
      ['-native-sidecar', '-template-engine=handlebars', '-max-body-bytes=4096'],
      { nativeSidecar: true, templateEngine: 'handlebars', maxBodyBytes: 4096 },
    ],
    [['-log-level=debug', '--', '-log-level=error'], { logLevel: 'debug' }],
    [['agent-inject', '-log-format=json'], { logFormat: 'json' }],
  ])('reads flags %j', (argv, expected) => {
    expect(loadWebhookConfig(ADDR, argv)).toEqual({ ...DEFAULTS, ...expected });
  });

  it('takes the Vault address from the flag, and lets a non-empty variable override flags', () => {
    expect(loadWebhookConfig({}, ['-vault-address=http://a:8200']).vaultAddress).toBe('http://a:8200');
    const config = loadWebhookConfig({ ...ADDR, AGENT_INJECT_LISTEN: ':7000', AGENT_INJECT_LOG_LEVEL: '' }, [
      '-vault-address=http://a:8200',
      '-listen=:9000',
      '-log-level=debug',
    ]);
    expect([config.vaultAddress, config.listen.port, config.logLevel]).toEqual([
      'https://vault.vault.svc:8200',
      7000,
      'debug',
    ]);
  });

  it('keeps a CA that is not base64 as it is', () => {
    expect(
      loadWebhookConfig({ ...ADDR, AGENT_INJECT_VAULT_CACERT_BYTES: '-----BEGIN CERTIFICATE-----\nMIIB' }, [])
        .vaultCaCertBytes,
    ).toBe('-----BEGIN CERTIFICATE-----\nMIIB');
  });

  it('names every bad variable and flag in one error', () => {
    const err = configError(() =>
      loadWebhookConfig(
        {
          AGENT_INJECT_LISTEN: 'everywhere',
          AGENT_INJECT_LOG_LEVEL: 'loud',
          AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'yes',
          AGENT_INJECT_RUN_AS_USER: '-1',
          AGENT_INJECT_DEFAULT_TEMPLATE: 'JSON',
          AGENT_INJECT_CPU_LIMIT: '500mi',
          AGENT_INJECT_AUTH_MIN_BACKOFF: 'soon',
          AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: '2',
          AGENT_INJECT_TLS_MIN_VERSION: 'tls14',
          AGENT_INJECT_TLS_CIPHER_SUITES: 'TLS_FAKE',
          AGENT_INJECT_TELEMETRY_PATH: 'metrics',
          AGENT_INJECT_MAX_BODY_BYTES: '10',
          AGENT_INJECT_TEMPLATE_ENGINE: 'jinja',
          AGENT_INJECT_TLS_CERT_FILE: '/tls.crt',
          AGENT_INJECT_VAULT_IMAGE: ' ',
        },
        ['-no-such-flag', '-listen'],
      ),
    );
    expect(err.code).toBe('CFG_INVALID');
    expect(err.fieldErrors).toEqual([
      { field: '-no-such-flag', message: 'flag provided but not defined' },
      { field: '-listen', message: 'flag needs an argument' },
      { field: 'AGENT_INJECT_LISTEN', message: '"everywhere" is not host:port (for example :8080)' },
      { field: 'AGENT_INJECT_LOG_LEVEL', message: '"loud" is not a log level (trace, debug, info, warn, error)' },
      {
        field: 'AGENT_INJECT_VAULT_ADDR',
        message: 'no Vault address configured (required, for example https://vault.vault.svc:8200)',
      },
      { field: 'AGENT_INJECT_VAULT_IMAGE', message: 'must not be empty' },
      { field: 'AGENT_INJECT_REVOKE_ON_SHUTDOWN', message: '"yes" is not a boolean (use true or false)' },
      { field: 'AGENT_INJECT_RUN_AS_USER', message: '-1 is out of range [0, 2147483647]' },
      { field: 'AGENT_INJECT_DEFAULT_TEMPLATE', message: '"JSON" is not "map" or "json"' },
      { field: 'AGENT_INJECT_CPU_LIMIT', message: '"500mi": unable to parse quantity\'s suffix' },
      { field: 'AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD', message: '"2" is not a number between 0 and 1' },
      { field: 'AGENT_INJECT_AUTH_MIN_BACKOFF', message: '"soon" is not a duration (examples: 30s, 5m, 1h30m)' },
      { field: 'AGENT_INJECT_TLS_MIN_VERSION', message: '"tls14" is not tls10, tls11, tls12 or tls13' },
      { field: 'AGENT_INJECT_TLS_CIPHER_SUITES', message: 'unknown cipher suite(s): TLS_FAKE' },
      { field: 'AGENT_INJECT_TELEMETRY_PATH', message: 'must start with "/"' },
      { field: 'AGENT_INJECT_MAX_BODY_BYTES', message: '10 is out of range [1024, 1073741824]' },
      { field: 'AGENT_INJECT_TEMPLATE_ENGINE', message: '"jinja" is not a template engine (go or handlebars)' },
      { field: 'AGENT_INJECT_TLS_KEY_FILE', message: 'required when AGENT_INJECT_TLS_CERT_FILE is set' },
    ]);
    expect(err.message).toContain('invalid configuration (18 problems)');
  });

  it('reads the connection limits from flags and variables, and names each bad one', () => {
    const config = loadWebhookConfig({ ...ADDR, AGENT_INJECT_REQUEST_TIMEOUT: '1.5s' }, [
      '-max-connections=50',
      '-max-inflight-body-bytes',
      '8388608',
      '-tls-handshake-timeout=250ms',
    ]);
    expect([
      config.maxConnections,
      config.maxInflightBodyBytes,
      config.requestTimeoutMs,
      config.tlsHandshakeTimeoutMs,
    ]).toEqual([50, 8 * 1024 * 1024, 1500, 250]);
    const err = configError(() =>
      loadWebhookConfig(
        {
          ...ADDR,
          AGENT_INJECT_MAX_CONNECTIONS: '0',
          AGENT_INJECT_REQUEST_TIMEOUT: '10ms',
          AGENT_INJECT_TLS_HANDSHAKE_TIMEOUT: 'never',
          AGENT_INJECT_MAX_BODY_BYTES: '2097152',
          AGENT_INJECT_MAX_INFLIGHT_BODY_BYTES: '1048576',
        },
        [],
      ),
    );
    expect(err.fieldErrors).toEqual([
      { field: 'AGENT_INJECT_MAX_CONNECTIONS', message: '0 is out of range [1, 1000000]' },
      { field: 'AGENT_INJECT_REQUEST_TIMEOUT', message: '"10ms" is not between 100ms and 5m' },
      { field: 'AGENT_INJECT_TLS_HANDSHAKE_TIMEOUT', message: '"never" is not a duration (examples: 30s, 5m, 1h30m)' },
      {
        field: 'AGENT_INJECT_MAX_INFLIGHT_BODY_BYTES',
        message: 'must be at least AGENT_INJECT_MAX_BODY_BYTES (one largest body must fit)',
      },
    ]);
  });

  it('names the auto-TLS Lease and Secret from their settings, and rejects what is not an object name', () => {
    const base = { AGENT_INJECT_VAULT_ADDR: 'https://vault:8200' };
    const config = loadWebhookConfig(base, ['-leader-lease=team-a-leader', '-tls-auto-secret=team-a.certs']);
    expect([config.leaderLease, config.tlsAutoSecret]).toEqual(['team-a-leader', 'team-a.certs']);
    expect(() =>
      loadWebhookConfig({ ...base, AGENT_INJECT_LEADER_LEASE: 'Team_A', AGENT_INJECT_TLS_AUTO_SECRET: '-certs' }, []),
    ).toThrow(/AGENT_INJECT_LEADER_LEASE.*\n?[\s\S]*AGENT_INJECT_TLS_AUTO_SECRET/);
    expect(() => loadWebhookConfig({ ...base, AGENT_INJECT_LEADER_LEASE: 'x'.repeat(254) }, [])).toThrow(
      /AGENT_INJECT_LEADER_LEASE/,
    );
  });

  it('rejects a Vault address that is not an http(s) URL', () => {
    expect(configError(() => loadWebhookConfig({ AGENT_INJECT_VAULT_ADDR: 'vault:8200' }, [])).fieldErrors).toEqual([
      { field: 'AGENT_INJECT_VAULT_ADDR', message: '"vault:8200" is not an http(s) URL' },
    ]);
  });
});
