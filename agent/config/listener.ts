// The local Vault API side of the agent: `listener` stanzas, `api_proxy`, `cache` (with its
// legacy `use_auto_auth_token` and `persist "kubernetes"`), each listener's `agent_api`, and
// `telemetry`. Parsed into ProxySettings, or undefined when the config has no
// listener and no cache, so agents without one never load the listener code.
import type { Problems } from './problems.ts';
import { absolutePathProblem, join, quoteName, type Json } from './problems.ts';
import { optional } from './flags.ts';
import {
  TELEMETRY_BOOL_KEYS,
  TELEMETRY_INT_KEYS,
  TELEMETRY_LIST_KEYS,
  TELEMETRY_STRING_KEYS,
} from '../../shared/telemetry-keys.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

export type UseAutoAuthToken = false | true | 'force';

export interface ListenerTlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  /** Client certificates are requested and checked against this CA when set. */
  readonly clientCaFile?: string;
  readonly requireClientCert: boolean;
}

export interface ListenerSettings {
  /** Position in the merged `listener` list (for messages: `listener[1]`). */
  readonly index: number;
  readonly type: 'tcp' | 'unix';
  /** `host:port` for tcp, a socket path for unix. */
  readonly address: string;
  /** Absent when `tls_disable` is true. */
  readonly tls?: ListenerTlsSettings;
  /** Answer 412 to proxied requests without `X-Vault-Request: true`. */
  readonly requireRequestHeader: boolean;
  /** `metrics_only` serves only `/agent/v1/metrics`. */
  readonly role: 'default' | 'metrics_only';
  /** `agent_api { enable_quit = true }`: `POST /agent/v1/quit` stops the agent. */
  readonly enableQuit: boolean;
  /**
   * `max_connections` (vaultlet's own key; Vault Agent has none): connections open at once, past
   * which a new one is closed as it arrives. Absent: DEFAULT_LISTENER_MAX_CONNECTIONS.
   */
  readonly maxConnections?: number;
}

/**
 * An app's connection pool is a handful of connections; each open one holds buffers in a sidecar
 * whose heap is 64 MiB, so a client in the pod that opens thousands cannot exhaust it.
 */
export const DEFAULT_LISTENER_MAX_CONNECTIONS = 128;

export interface PersistSettings {
  readonly type: 'kubernetes';
  /** Where Vault Agent keeps its encrypted cache; vaultlet keeps its hand-off state here. */
  readonly path: string;
  readonly keepAfterImport: boolean;
  readonly exitOnErr: boolean;
}

export interface TelemetrySettings {
  /** Gauges carry no host name prefix. */
  readonly disableHostname: boolean;
  /** `prometheus_retention_time`, ms (Vault's default 24 h); 0 turns the Prometheus format off. */
  readonly prometheusRetentionMs: number;
  /** `metrics_prefix`, default `vault`. */
  readonly metricsPrefix: string;
  /** Push sinks configured (statsd, dogstatsd, ...): accepted, not used; the agent logs a warning. */
  readonly unusedSinks: readonly string[];
  /** Metric name prefixes dropped (`prefix_filter` entries starting with `-`). */
  readonly blockedPrefixes: readonly string[];
}

export interface ProxySettings {
  readonly listeners: readonly ListenerSettings[];
  /** `api_proxy.use_auto_auth_token` (or its legacy spelling in `cache`). */
  readonly useAutoAuthToken: UseAutoAuthToken;
  /** `cache {}` present: lease caching is on. */
  readonly cache?: { readonly persist?: PersistSettings };
  readonly telemetry: TelemetrySettings;
}

const LISTENER_KEYS = [
  'type',
  'address',
  'tls_disable',
  'tls_cert_file',
  'tls_key_file',
  'tls_client_ca_file',
  'tls_require_and_verify_client_cert',
  'tls_disable_client_certs',
  'tls_min_version',
  'require_request_header',
  'max_connections',
  'role',
  'agent_api',
  'socket_mode',
  'socket_user',
  'socket_group',
  'proxy_api',
  'telemetry',
  'profiling',
];
const CACHE_KEYS = [
  'use_auto_auth_token',
  'persist',
  'cache_static_secrets',
  'disable_caching_dynamic_secrets',
  'static_secret_token_capacity',
];
const PERSIST_KEYS = ['type', 'path', 'keep_after_import', 'exit_on_err', 'service_account_token_file'];
const API_PROXY_KEYS = ['use_auto_auth_token', 'enforce_consistency', 'when_inconsistent'];
const TELEMETRY_STRINGS = [...TELEMETRY_STRING_KEYS, 'metrics_prefix'];
/** Keys that configure a push sink; one of them set means metrics were meant to go there. */
const PUSH_SINK_KEYS = [
  'statsite_address',
  'statsd_address',
  'dogstatsd_addr',
  'circonus_api_token',
  'circonus_submission_url',
  'stackdriver_project_id',
];

/** undefined when the config has neither a listener nor a cache (nothing to serve). */
export function resolveProxy(config: Json, problems: Problems): ProxySettings | undefined {
  const rawListeners = problems.array(config['listener'], 'listener') ?? [];
  const cache = problems.object(config['cache'], 'cache');
  const apiProxy = problems.object(config['api_proxy'], 'api_proxy');
  const telemetry = resolveTelemetry(config['telemetry'], problems);
  const listeners = rawListeners
    .map((l, i) => resolveListener(l, i, problems))
    .filter((l): l is ListenerSettings => l !== undefined);
  if (apiProxy !== undefined) {
    problems.knownKeys(apiProxy, 'api_proxy', API_PROXY_KEYS);
    for (const key of ['enforce_consistency', 'when_inconsistent']) {
      if (apiProxy[key] !== undefined)
        problems.add(`api_proxy.${key}`, 'is a Vault Enterprise option and is not supported');
    }
  }
  if (cache !== undefined) problems.knownKeys(cache, 'cache', CACHE_KEYS);
  if (cache?.['use_auto_auth_token'] !== undefined && apiProxy?.['use_auto_auth_token'] !== undefined) {
    problems.add('cache.use_auto_auth_token', 'is also set in api_proxy; remove it from the cache block');
  }
  const useRaw =
    apiProxy?.['use_auto_auth_token'] !== undefined
      ? (['api_proxy.use_auto_auth_token', apiProxy['use_auto_auth_token']] as const)
      : (['cache.use_auto_auth_token', cache?.['use_auto_auth_token']] as const);
  const useAutoAuthToken = parseUseAutoAuthToken(useRaw[1], useRaw[0], problems);
  const persist = cache === undefined ? undefined : resolvePersist(cache['persist'], problems);
  if (cache !== undefined) {
    for (const key of ['cache_static_secrets', 'disable_caching_dynamic_secrets', 'static_secret_token_capacity']) {
      if (cache[key] !== undefined)
        problems.add(`cache.${key}`, 'is not supported (static secret caching needs Vault event subscriptions)');
    }
  }
  if (listeners.length === 0 && cache === undefined) {
    if (apiProxy !== undefined) problems.add('api_proxy', 'needs at least one listener');
    return undefined;
  }
  if (cache !== undefined && listeners.length === 0 && persist === undefined && !Array.isArray(config['template'])) {
    problems.add('cache', 'enabling the cache requires at least one template or one listener');
  }
  return {
    listeners,
    useAutoAuthToken,
    ...optional('cache', cache === undefined ? undefined : { ...optional('persist', persist) }),
    telemetry,
  };
}

function resolveListener(raw: unknown, i: number, problems: Problems): ListenerSettings | undefined {
  const path = `listener[${i}]`;
  const l = problems.object(raw, path);
  if (l === undefined) return undefined;
  problems.knownKeys(l, path, LISTENER_KEYS);
  const type = l['type'];
  if (type !== 'tcp' && type !== 'unix') {
    problems.add(join(path, 'type'), `must be "tcp" or "unix" (got ${quoteName(type)})`);
    return undefined;
  }
  const address =
    problems.string(l['address'], join(path, 'address'), { nonEmpty: true }) ??
    (type === 'tcp' ? '127.0.0.1:8200' : undefined);
  if (address === undefined) {
    problems.add(join(path, 'address'), 'is required for a unix listener');
    return undefined;
  }
  if (type === 'tcp' && !/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(address))
    problems.add(join(path, 'address'), 'must be host:port');
  if (type === 'unix') {
    const problem = absolutePathProblem(address);
    if (problem !== undefined) problems.add(join(path, 'address'), problem);
  }
  const tlsDisable = problems.bool(l['tls_disable'], join(path, 'tls_disable')) ?? false;
  const tls = tlsDisable ? undefined : resolveTls(l, path, problems);
  const role = l['role'] ?? 'default';
  if (role !== 'default' && role !== 'metrics_only')
    problems.add(join(path, 'role'), 'must be "default" or "metrics_only"');
  const agentApi = problems.object(l['agent_api'], join(path, 'agent_api'));
  if (agentApi !== undefined) problems.knownKeys(agentApi, join(path, 'agent_api'), ['enable_quit']);
  for (const key of [
    'proxy_api',
    'telemetry',
    'profiling',
    'socket_user',
    'socket_group',
    'socket_mode',
    'tls_min_version',
  ]) {
    if (l[key] !== undefined) problems.add(join(path, key), 'is not supported');
  }
  return {
    index: i,
    type,
    address,
    ...optional('tls', tls),
    requireRequestHeader: problems.bool(l['require_request_header'], join(path, 'require_request_header')) ?? false,
    role: role === 'metrics_only' ? 'metrics_only' : 'default',
    enableQuit: problems.bool(agentApi?.['enable_quit'], join(path, 'agent_api.enable_quit')) ?? false,
    ...optional('maxConnections', problems.integer(l['max_connections'], join(path, 'max_connections'), 1, 65_535)),
  };
}

function resolveTls(l: Json, path: string, problems: Problems): ListenerTlsSettings | undefined {
  const certFile = problems.absolutePath(l['tls_cert_file'], join(path, 'tls_cert_file'));
  const keyFile = problems.absolutePath(l['tls_key_file'], join(path, 'tls_key_file'));
  const clientCaFile = problems.absolutePath(l['tls_client_ca_file'], join(path, 'tls_client_ca_file'));
  const requireClientCert =
    problems.bool(l['tls_require_and_verify_client_cert'], join(path, 'tls_require_and_verify_client_cert')) ?? false;
  problems.bool(l['tls_disable_client_certs'], join(path, 'tls_disable_client_certs'));
  if (certFile === undefined || keyFile === undefined) {
    if (l['tls_cert_file'] === undefined || l['tls_key_file'] === undefined)
      problems.add(path, 'needs tls_cert_file and tls_key_file unless tls_disable is true');
    return undefined;
  }
  if (requireClientCert && clientCaFile === undefined)
    problems.add(join(path, 'tls_client_ca_file'), 'is required with tls_require_and_verify_client_cert');
  return { certFile, keyFile, ...optional('clientCaFile', clientCaFile), requireClientCert };
}

/** Vault's rule: a bool, or a string that is "force" or parses as a bool (case-insensitive). */
function parseUseAutoAuthToken(raw: unknown, path: string, problems: Problems): UseAutoAuthToken {
  if (raw === undefined) return false;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if (s === 'force') return 'force';
    if (['1', 't', 'true'].includes(s)) return true;
    if (['0', 'f', 'false'].includes(s)) return false;
  }
  problems.add(path, 'must be true, false or "force"');
  return false;
}

function resolvePersist(raw: unknown, problems: Problems): PersistSettings | undefined {
  const p = problems.object(raw, 'cache.persist');
  if (p === undefined) return undefined;
  problems.knownKeys(p, 'cache.persist', PERSIST_KEYS);
  if (p['type'] !== 'kubernetes') {
    problems.add('cache.persist.type', `must be "kubernetes" (got ${quoteName(p['type'])})`);
    return undefined;
  }
  const path = problems.absolutePath(p['path'], 'cache.persist.path');
  if (p['path'] === undefined) problems.add('cache.persist.path', 'is required');
  problems.absolutePath(p['service_account_token_file'], 'cache.persist.service_account_token_file');
  if (path === undefined) return undefined;
  return {
    type: 'kubernetes',
    path: path.length > 1 ? trimTrailing(path, '/') : path,
    keepAfterImport: problems.bool(p['keep_after_import'], 'cache.persist.keep_after_import') ?? false,
    exitOnErr: problems.bool(p['exit_on_err'], 'cache.persist.exit_on_err') ?? true,
  };
}

function resolveTelemetry(raw: unknown, problems: Problems): TelemetrySettings {
  const t = problems.object(raw, 'telemetry') ?? {};
  problems.knownKeys(t, 'telemetry', [
    ...TELEMETRY_STRINGS,
    ...TELEMETRY_INT_KEYS,
    ...TELEMETRY_BOOL_KEYS,
    ...TELEMETRY_LIST_KEYS,
  ]);
  for (const key of TELEMETRY_STRINGS)
    if (key !== 'prometheus_retention_time') problems.string(t[key], `telemetry.${key}`);
  for (const key of TELEMETRY_INT_KEYS)
    problems.integer(t[key], `telemetry.${key}`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  for (const key of TELEMETRY_BOOL_KEYS) if (key !== 'disable_hostname') problems.bool(t[key], `telemetry.${key}`);
  const filters = (problems.array(t['prefix_filter'], 'telemetry.prefix_filter') ?? []).map((f, i) =>
    problems.string(f, `telemetry.prefix_filter[${i}]`),
  );
  problems.array(t['dogstatsd_tags'], 'telemetry.dogstatsd_tags');
  return {
    disableHostname: problems.bool(t['disable_hostname'], 'telemetry.disable_hostname') ?? false,
    prometheusRetentionMs:
      problems.duration(t['prometheus_retention_time'], 'telemetry.prometheus_retention_time') ?? 24 * 3600_000,
    metricsPrefix:
      typeof t['metrics_prefix'] === 'string' && t['metrics_prefix'] !== '' ? t['metrics_prefix'] : 'vault',
    blockedPrefixes: filters.filter((f): f is string => f !== undefined && f.startsWith('-')).map((f) => f.slice(1)),
    unusedSinks: PUSH_SINK_KEYS.filter((k) => typeof t[k] === 'string' && t[k] !== ''),
  };
}
