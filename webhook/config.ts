// The webhook's configuration: vault-k8s's flags and AGENT_INJECT_* variables with their names and
// defaults, validated once, every problem reported together, deep-frozen.
// Precedence as in vault-k8s: default → flag → environment variable (when non-empty).
import { ConfigError, type FieldError } from '../shared/errors.ts';
import { parseGoBool } from '../shared/parse/go-bool.ts';
import { parseGoDuration } from '../shared/parse/go-duration.ts';
import { parseIntInRange } from '../shared/parse/integers.ts';
import { TEMPLATE_ENGINES, type TemplateEngineName } from '../shared/agent-config.ts';
import { canonicalQuantity } from './annotations/quantity.ts';
import { parseGoFlags } from './config/flags.ts';
import { SETTINGS, type Setting, type SettingName } from './config/settings.ts';
import { CIPHER_SUITES, TLS_MIN_VERSIONS, type TlsMinVersion } from './config/tls-options.ts';

export type { TlsMinVersion } from './config/tls-options.ts';
export { DEFAULT_AGENT_IMAGE } from './config/settings.ts';

export type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Default agent resources; each value is a canonical quantity or '' (unset). */
export interface AgentResourceDefaults {
  readonly cpuRequest: string;
  readonly memRequest: string;
  readonly ephemeralRequest: string;
  readonly cpuLimit: string;
  readonly memLimit: string;
  readonly ephemeralLimit: string;
}

export interface WebhookConfig {
  /** `:8080` → host `0.0.0.0`. */
  readonly listen: { readonly host: string; readonly port: number };
  readonly logLevel: PinoLevel;
  readonly logFormat: 'standard' | 'json';
  readonly vaultAddress: string;
  /** PEM text (base64-decoded when it was given base64-encoded); '' when unset. */
  readonly vaultCaCertBytes: string;
  readonly proxyAddress: string;
  readonly vaultImage: string;
  readonly vaultAuthType: string;
  readonly vaultAuthPath: string;
  readonly vaultNamespace: string;
  readonly revokeOnShutdown: boolean;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly runAsSameUser: boolean;
  readonly setSecurityContext: boolean;
  readonly defaultTemplate: 'map' | 'json';
  readonly resources: AgentResourceDefaults;
  readonly exitOnRetryFailure: boolean;
  readonly staticSecretRenderInterval: string;
  readonly maxConnectionsPerHost: number;
  /** Applied to pods (vault-k8s parses it and then ignores it). */
  readonly leaseRenewalThreshold: number;
  readonly authMinBackoff: string;
  readonly authMaxBackoff: string;
  /** Raw comma lists, the default of the matching annotations. */
  readonly disableIdleConnections: string;
  readonly disableKeepAlives: string;
  readonly tlsAuto: string;
  readonly tlsAutoHosts: readonly string[];
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly tlsCaCertFile: string;
  readonly tlsMinVersion: TlsMinVersion;
  /** OpenSSL cipher names, ready for Node's `ciphers` option (joined with ':'); empty = Node's defaults. */
  readonly tlsCipherSuites: readonly string[];
  readonly telemetryPath: string;
  readonly useLeaderElector: boolean;
  /** The Lease the replicas elect their leader with (auto-TLS with the leader elector). */
  readonly leaderLease: string;
  /** The Secret holding auto-TLS's shared CA and serving certificate. */
  readonly tlsAutoSecret: string;
  readonly nativeSidecar: boolean;
  readonly maxBodyBytes: number;
  /** Open connections (TLS handshakes included) past which new ones are dropped. */
  readonly maxConnections: number;
  /** Request body bytes buffered across all connections; past it new bodies get 503. */
  readonly maxInflightBodyBytes: number;
  /** Milliseconds a request (headers and body) has to arrive in full. */
  readonly requestTimeoutMs: number;
  /** Milliseconds a new connection has to finish its TLS handshake. */
  readonly tlsHandshakeTimeoutMs: number;
  readonly templateEngine: TemplateEngineName;
  /** The webhook's own namespace (leader election, certs Secret). */
  readonly namespace: string;
  readonly podName: string;
}

const LOG_LEVELS: Readonly<Record<string, PinoLevel>> = {
  '': 'info',
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
};

export function loadWebhookConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): WebhookConfig {
  const known = new Map<string, boolean>();
  for (const s of Object.values(SETTINGS) as Setting[]) if (s.flag !== undefined) known.set(s.flag, s.bool === true);
  // vault-k8s runs as `vault-k8s agent-inject [flags]`; accept the subcommand word so its args work.
  const flags = parseGoFlags(argv[0] === 'agent-inject' ? argv.slice(1) : argv, known);
  const errors: FieldError[] = [...flags.errors];
  const raw = (name: SettingName): string => {
    const s: Setting = SETTINGS[name];
    const fromEnv = env[s.env];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return (s.flag === undefined ? undefined : flags.values.get(s.flag)) ?? s.default;
  };
  const field = <T>(name: SettingName, parse: (value: string) => T, fallback: T): T => {
    try {
      return parse(raw(name));
    } catch (err) {
      errors.push({ field: SETTINGS[name].env, message: err instanceof Error ? err.message : String(err) });
      return fallback;
    }
  };
  const bool = (name: SettingName): boolean => field(name, parseGoBool, false);
  const quantity = (name: SettingName): string => field(name, (v) => (v === '' ? '' : canonicalQuantity(v)), '');
  const duration = (name: SettingName): string =>
    field(
      name,
      (v) => {
        if (v !== '') parseGoDuration(v);
        return v;
      },
      '',
    );

  const config: WebhookConfig = {
    listen: field('listen', parseListen, { host: '0.0.0.0', port: 8080 }),
    logLevel: field(
      'logLevel',
      (v) => oneOf(LOG_LEVELS, v.trim().toLowerCase(), 'a log level (trace, debug, info, warn, error)'),
      'info',
    ),
    logFormat: field('logFormat', (v) => (v === 'json' ? 'json' : 'standard'), 'standard'),
    vaultAddress: field('vaultAddress', parseVaultAddress, ''),
    vaultCaCertBytes: field('vaultCaCertBytes', decodeMaybeBase64, ''),
    proxyAddress: raw('proxyAddress'),
    vaultImage: field('vaultImage', nonEmpty, ''),
    vaultAuthType: raw('vaultAuthType') === '' ? 'kubernetes' : raw('vaultAuthType'),
    vaultAuthPath: raw('vaultAuthPath'),
    vaultNamespace: raw('vaultNamespace'),
    revokeOnShutdown: bool('revokeOnShutdown'),
    runAsUser: field('runAsUser', (v) => parseIntInRange(v, 0, 2 ** 31 - 1), 100),
    runAsGroup: field('runAsGroup', (v) => parseIntInRange(v, 0, 2 ** 31 - 1), 1000),
    runAsSameUser: bool('runAsSameUser'),
    setSecurityContext: bool('setSecurityContext'),
    defaultTemplate: field(
      'defaultTemplate',
      (v) => oneOf({ map: 'map', json: 'json' } as const, v, '"map" or "json"'),
      'map',
    ),
    resources: {
      cpuRequest: quantity('cpuRequest'),
      memRequest: quantity('memRequest'),
      ephemeralRequest: quantity('ephemeralRequest'),
      cpuLimit: quantity('cpuLimit'),
      memLimit: quantity('memLimit'),
      ephemeralLimit: quantity('ephemeralLimit'),
    },
    exitOnRetryFailure: bool('exitOnRetryFailure'),
    staticSecretRenderInterval: duration('staticSecretRenderInterval'),
    maxConnectionsPerHost: field('maxConnectionsPerHost', (v) => parseIntInRange(v, 0, 2 ** 31 - 1), 0),
    leaseRenewalThreshold: field('leaseRenewalThreshold', parseFraction, 0),
    authMinBackoff: duration('authMinBackoff'),
    authMaxBackoff: duration('authMaxBackoff'),
    disableIdleConnections: raw('disableIdleConnections'),
    disableKeepAlives: raw('disableKeepAlives'),
    tlsAuto: raw('tlsAuto'),
    tlsAutoHosts: splitList(raw('tlsAutoHosts')),
    tlsCertFile: raw('tlsCertFile'),
    tlsKeyFile: raw('tlsKeyFile'),
    tlsCaCertFile: raw('tlsCaCertFile'),
    tlsMinVersion: field('tlsMinVersion', (v) => oneOf(TLS_MIN_VERSIONS, v, 'tls10, tls11, tls12 or tls13'), 'TLSv1.2'),
    tlsCipherSuites: field('tlsCipherSuites', parseCipherSuites, []),
    telemetryPath: field('telemetryPath', (v) => (v === '' || v.startsWith('/') ? v : fail('must start with "/"')), ''),
    useLeaderElector: bool('useLeaderElector'),
    leaderLease: field('leaderLease', parseObjectName, SETTINGS.leaderLease.default),
    tlsAutoSecret: field('tlsAutoSecret', parseObjectName, SETTINGS.tlsAutoSecret.default),
    nativeSidecar: bool('nativeSidecar'),
    maxBodyBytes: field('maxBodyBytes', (v) => parseIntInRange(v, 1024, 1024 * 1024 * 1024), 3 * 1024 * 1024),
    maxConnections: field('maxConnections', (v) => parseIntInRange(v, 1, 1_000_000), 512),
    maxInflightBodyBytes: field(
      'maxInflightBodyBytes',
      (v) => parseIntInRange(v, 1024, 16 * 1024 * 1024 * 1024),
      32 * 1024 * 1024,
    ),
    requestTimeoutMs: field('requestTimeout', parseTimeout, 10_000),
    tlsHandshakeTimeoutMs: field('tlsHandshakeTimeout', parseTimeout, 10_000),
    templateEngine: field('templateEngine', parseEngine, 'go'),
    namespace: raw('namespace'),
    podName: raw('podName'),
  };
  if (config.tlsCertFile !== '' && config.tlsKeyFile === '') {
    errors.push({ field: SETTINGS.tlsKeyFile.env, message: 'required when AGENT_INJECT_TLS_CERT_FILE is set' });
  }
  if (config.maxInflightBodyBytes < config.maxBodyBytes) {
    errors.push({
      field: SETTINGS.maxInflightBodyBytes.env,
      message: 'must be at least AGENT_INJECT_MAX_BODY_BYTES (one largest body must fit)',
    });
  }
  if (errors.length > 0) throw new ConfigError(errors);
  return deepFreeze(config);
}

function fail(message: string): never {
  throw new Error(message);
}

function nonEmpty(v: string): string {
  return v.trim() === '' ? fail('must not be empty') : v;
}

function oneOf<T>(table: Readonly<Record<string, T>>, v: string, what: string): T {
  return Object.hasOwn(table, v) ? (table[v] as T) : fail(`"${v.slice(0, 64)}" is not ${what}`);
}

function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(v.trim());
  if (m === null) return fail(`"${v.slice(0, 64)}" is not host:port (for example :8080)`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port: parseIntInRange(m[3] ?? '', 0, 65535) };
}

function parseVaultAddress(v: string): string {
  if (v.trim() === '') return fail('no Vault address configured (required, for example https://vault.vault.svc:8200)');
  if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol))
    return fail(`"${v.slice(0, 64)}" is not an http(s) URL`);
  return v;
}

/** A Go duration between 100ms and 5m: long enough for a real client, short enough to free a stuck socket. */
function parseTimeout(v: string): number {
  const ms = parseGoDuration(v.trim());
  return ms >= 100 && ms <= 300_000 ? Math.round(ms) : fail(`"${v.slice(0, 64)}" is not between 100ms and 5m`);
}

function parseFraction(v: string): number {
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    return fail(`"${v.slice(0, 64)}" is not a number between 0 and 1`);
  return n;
}

function parseEngine(v: string): TemplateEngineName {
  const engine = TEMPLATE_ENGINES.find((e) => e === v);
  return engine ?? fail(`"${v.slice(0, 64)}" is not a template engine (${TEMPLATE_ENGINES.join(' or ')})`);
}

function parseCipherSuites(v: string): string[] {
  const names = splitList(v);
  const unknown = names.filter((n) => !Object.hasOwn(CIPHER_SUITES, n));
  if (unknown.length > 0) fail(`unknown cipher suite(s): ${unknown.join(', ').slice(0, 200)}`);
  return names.map((n) => CIPHER_SUITES[n] ?? n);
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** vault-k8s: base64-decoded when it is valid standard base64, otherwise used as it is. */
export function decodeMaybeBase64(v: string): string {
  const compact = v.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return v;
  return Buffer.from(compact, 'base64').toString('utf8');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A Kubernetes object name (DNS subdomain): at most 253 lower-case letters, digits, '-' and '.', alphanumeric at both ends. */
function parseObjectName(value: string): string {
  if (value.length === 0 || value.length > 253) return fail('must be 1 to 253 characters');
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    const inner = c === 0x2d || c === 0x2e;
    if (!alnum && !(inner && i > 0 && i < value.length - 1))
      return fail('must be a Kubernetes object name (lower-case letters, digits, "-" and ".")');
  }
  return value;
}
