// `vaultlet webhook -h`: every flag and AGENT_INJECT_* variable of the webhook, built from the
// settings table the config loader reads, so a new setting without a description fails to compile.
import { SETTINGS, type SettingName } from '../../webhook/config/settings.ts';
import { formatEnv, formatFlags, type FlagHelp } from './flag-table.ts';

interface Described {
  readonly value?: string;
  readonly description: string;
}

export const WEBHOOK_SETTING_HELP: Readonly<Record<SettingName, Described>> = Object.freeze({
  listen: { value: 'string', description: 'Address to listen on for HTTPS (host:port; ":8080" is every interface).' },
  logLevel: { value: 'string', description: 'Log level: trace, debug, info, warn or error.' },
  logFormat: { value: 'string', description: 'Log format: standard or json.' },
  vaultAddress: { value: 'string', description: 'Vault address the injected agents use (required).' },
  vaultCaCertBytes: {
    value: 'string',
    description: 'CA certificate(s) of Vault, PEM or base64 of PEM, passed to the agents.',
  },
  proxyAddress: { value: 'string', description: 'HTTPS proxy the injected agents use to reach Vault.' },
  vaultImage: {
    value: 'string',
    description: 'Agent image; a HashiCorp Vault or OpenBao image gets the containers vault-k8s makes.',
  },
  vaultAuthType: { value: 'string', description: 'Auth method the agents use.' },
  vaultAuthPath: { value: 'string', description: 'Mount path of that auth method.' },
  vaultNamespace: { value: 'string', description: 'Vault Enterprise namespace for the agents.' },
  revokeOnShutdown: { description: 'Sidecars revoke their token when the pod stops.' },
  runAsUser: { value: 'int', description: 'User ID the agent containers run as.' },
  runAsGroup: { value: 'int', description: 'Group ID the agent containers run as.' },
  runAsSameUser: { description: "Run the agent containers as the application container's user." },
  setSecurityContext: { description: 'Set a restrictive securityContext on the agent containers.' },
  defaultTemplate: { value: 'string', description: 'Default template for secrets without one: map or json.' },
  cpuRequest: { value: 'quantity', description: 'CPU request of the agent containers.' },
  memRequest: { value: 'quantity', description: 'Memory request of the agent containers.' },
  ephemeralRequest: { value: 'quantity', description: 'Ephemeral storage request of the agent containers.' },
  cpuLimit: { value: 'quantity', description: 'CPU limit of the agent containers.' },
  memLimit: { value: 'quantity', description: 'Memory limit of the agent containers.' },
  ephemeralLimit: { value: 'quantity', description: 'Ephemeral storage limit of the agent containers.' },
  exitOnRetryFailure: { description: "Agents exit when a template's retries are exhausted (template_config)." },
  staticSecretRenderInterval: {
    value: 'duration',
    description: 'How often agents re-read non-leased secrets (template_config).',
  },
  maxConnectionsPerHost: {
    value: 'int',
    description: 'Agent connections per Vault host; 0 is unlimited (template_config).',
  },
  leaseRenewalThreshold: {
    value: 'float',
    description: "Fraction of a lease's TTL after which agents renew it; 0 is the agent's default.",
  },
  authMinBackoff: { value: 'duration', description: 'Minimum backoff between agent login attempts.' },
  authMaxBackoff: { value: 'duration', description: 'Maximum backoff between agent login attempts.' },
  disableIdleConnections: {
    value: 'list',
    description: 'Agent subsystems without idle connections (auto-auth, caching, templating).',
  },
  disableKeepAlives: {
    value: 'list',
    description: 'Agent subsystems without keep-alives (auto-auth, caching, templating).',
  },
  tlsAuto: {
    value: 'string',
    description: 'MutatingWebhookConfiguration whose caBundle auto-TLS keeps current; empty turns auto-TLS off.',
  },
  tlsAutoHosts: { value: 'list', description: 'Comma-separated host names of the auto-TLS certificate.' },
  tlsCertFile: { value: 'path', description: 'PEM certificate to serve (reloaded when it changes).' },
  tlsKeyFile: { value: 'path', description: 'PEM private key of that certificate.' },
  tlsCaCertFile: {
    value: 'path',
    description: 'CA of the serving certificate, written into the caBundle with auto-TLS.',
  },
  tlsMinVersion: { value: 'string', description: 'Minimum TLS version: tls12 or tls13.' },
  tlsCipherSuites: {
    value: 'list',
    description: 'Comma-separated TLS 1.2 cipher suites (Go names); empty uses the defaults.',
  },
  telemetryPath: { value: 'string', description: 'Path serving Prometheus metrics; empty serves none.' },
  useLeaderElector: { description: 'Elect a leader (Lease) to generate and share the auto-TLS certificate.' },
  leaderLease: { value: 'string', description: 'Lease the replicas elect their auto-TLS leader with.' },
  tlsAutoSecret: { value: 'string', description: "Secret holding auto-TLS's shared CA and serving certificate." },
  nativeSidecar: { description: 'Inject the sidecar as a native sidecar (restartable init container).' },
  maxBodyBytes: { value: 'int', description: 'Largest admission review body accepted, in bytes.' },
  maxConnections: { value: 'int', description: 'Most client connections open at once; more are refused.' },
  maxInflightBodyBytes: { value: 'int', description: 'Most request body bytes buffered across all requests at once.' },
  requestTimeout: { value: 'duration', description: 'Time a client has to send a whole request.' },
  tlsHandshakeTimeout: { value: 'duration', description: 'Time a client has to finish the TLS handshake.' },
  templateEngine: { value: 'string', description: 'Default template engine: go or handlebars.' },
  namespace: { description: "The webhook's own namespace (leader election, certificate Secret)." },
  podName: { description: "The webhook's own pod name (leader election identity)." },
});

// Looked up loosely: a setting added without a description still prints (the unit test catches it).
function described(key: string): Described {
  return (WEBHOOK_SETTING_HELP as Partial<Record<string, Described>>)[key] ?? { description: '' };
}

export function webhookFlags(): FlagHelp[] {
  const rows: FlagHelp[] = [];
  for (const [key, setting] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    if (!('flag' in setting)) continue;
    const help = described(key);
    rows.push({
      name: setting.flag,
      description: help.description,
      env: setting.env,
      default: setting.default,
      ...(help.value === undefined ? {} : { value: help.value }),
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

export function help(): string {
  const envOnly = (Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][])
    .filter(([, s]) => !('flag' in s))
    .map(([key, s]) => ({ env: s.env, description: described(key).description, default: s.default }));
  return (
    'Usage: vaultlet webhook [flags]\n\n' +
    '  Run the mutating admission webhook that injects Vault agent containers into pods.\n' +
    '  Flags are written -name=value or -name value; a non-empty environment variable\n' +
    '  overrides its flag, as in vault-k8s.\n\n' +
    `Flags:\n${formatFlags(webhookFlags())}\n` +
    `Environment only:\n${formatEnv(envOnly)}`
  );
}
