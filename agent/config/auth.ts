// `auto_auth`: the login method and the file sinks.
import {
  DEFAULTS,
  SUPPORTED_AUTH_METHODS,
  type AuthMethodType,
  type AuthSettings,
  type SinkSettings,
} from './settings.ts';
import { readMethodConfig, type EnvLookup } from './auth-methods.ts';
import { optional } from './flags.ts';
import { join, quoteName, type Json, type Problems } from './problems.ts';

const AUTO_AUTH_KEYS = ['method', 'sink', 'sinks', 'enable_reauth_on_new_credentials'];
const METHOD_KEYS = [
  'type',
  'mount_path',
  'namespace',
  'min_backoff',
  'max_backoff',
  'exit_on_err',
  'config',
  'wrap_ttl',
  'max_retries',
];
const SINK_KEYS = ['type', 'config', 'wrap_ttl', 'dh_type', 'dh_path', 'derive_key', 'aad', 'aad_env_var'];
const FILE_SINK_CONFIG_KEYS = ['path', 'mode', 'owner', 'group', 'uid', 'gid'];

export interface AuthInput {
  /** VAULT_NAMESPACE, which overrides the method's own `namespace`. */
  readonly envNamespace: string | undefined;
  /** The environment variables the cloud SDKs read (AWS_ROLE_ARN, AWS_ENDPOINT_URL_STS, ...). */
  readonly env?: EnvLookup;
}

export interface ResolvedAuth {
  readonly auth: AuthSettings | undefined;
  readonly sinks: readonly SinkSettings[];
  /** `min_backoff` / `max_backoff` as set (they also become the template retry base and cap). */
  readonly backoffSet: { readonly minMs?: number; readonly maxMs?: number };
}

export function resolveAutoAuth(raw: unknown, input: AuthInput, problems: Problems): ResolvedAuth {
  const autoAuth = problems.object(raw, 'auto_auth');
  if (autoAuth === undefined) {
    if (raw === undefined) problems.add('auto_auth', 'is required (vaultlet logs in with auto_auth only)');
    return { auth: undefined, sinks: [], backoffSet: {} };
  }
  problems.knownKeys(autoAuth, 'auto_auth', AUTO_AUTH_KEYS);
  if (autoAuth['sinks'] !== undefined) problems.add('auto_auth.sinks', 'unknown key (the list is called "sink")');
  const method = problems.object(autoAuth['method'], 'auto_auth.method');
  if (method === undefined && autoAuth['method'] === undefined) problems.add('auto_auth.method', 'is required');
  const backoffSet = method === undefined ? {} : resolveBackoff(method, problems);
  const auth = method === undefined ? undefined : resolveMethod(method, backoffSet, input, problems);
  const sinks = resolveSinks(autoAuth['sink'], problems);
  return { auth, sinks, backoffSet };
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

function resolveBackoff(method: Json, problems: Problems): ResolvedAuth['backoffSet'] {
  const min = positive(problems.duration(method['min_backoff'], 'auto_auth.method.min_backoff'));
  const max = positive(problems.duration(method['max_backoff'], 'auto_auth.method.max_backoff'));
  if ((min ?? DEFAULTS.minBackoffMs) > (max ?? DEFAULTS.maxBackoffMs))
    problems.add('auto_auth.method.min_backoff', 'must not be greater than max_backoff');
  return { ...optional('minMs', min), ...optional('maxMs', max) };
}

function resolveMethod(
  method: Json,
  backoff: ResolvedAuth['backoffSet'],
  input: AuthInput,
  problems: Problems,
): AuthSettings | undefined {
  const path = 'auto_auth.method';
  problems.knownKeys(method, path, METHOD_KEYS);
  const type = problems.string(method['type'], `${path}.type`, { nonEmpty: true });
  if (type === undefined && method['type'] === undefined) problems.add(`${path}.type`, 'is required');
  const supported = type !== undefined && (SUPPORTED_AUTH_METHODS as readonly string[]).includes(type);
  if (type !== undefined && !supported)
    problems.add(
      `${path}.type`,
      `auth method ${quoteName(type)} is not supported yet (supported: ${SUPPORTED_AUTH_METHODS.join(', ')})`,
    );
  if (method['wrap_ttl'] !== undefined)
    problems.add(`${path}.wrap_ttl`, 'response-wrapping the login is not supported');

  const mountPath = problems.string(method['mount_path'], `${path}.mount_path`);
  const namespace = problems.string(method['namespace'], `${path}.namespace`);
  const exitOnErr = problems.bool(method['exit_on_err'], `${path}.exit_on_err`);

  const config = problems.object(method['config'], `${path}.config`);
  if (method['config'] === undefined) problems.add(`${path}.config`, 'is required');
  if (!supported || config === undefined) return undefined;
  const authType = type as AuthMethodType;
  const own = readMethodConfig(authType, config, `${path}.config`, problems, input.env ?? (() => undefined));
  if (own === undefined) return undefined;
  const ns = input.envNamespace !== undefined && input.envNamespace !== '' ? input.envNamespace : namespace;
  return {
    ...own,
    mountPath: trimSlashes(mountPath ?? '') || `auth/${authType}`,
    ...(ns !== undefined && ns !== '' ? { namespace: ns } : {}),
    minBackoffMs: backoff.minMs ?? DEFAULTS.minBackoffMs,
    maxBackoffMs: backoff.maxMs ?? DEFAULTS.maxBackoffMs,
    exitOnErr: exitOnErr ?? false,
  };
}

function resolveSinks(raw: unknown, problems: Problems): SinkSettings[] {
  const list = problems.array(raw, 'auto_auth.sink') ?? [];
  const sinks: SinkSettings[] = [];
  list.forEach((item, i) => {
    const path = join('auto_auth.sink', i);
    const sink = problems.object(item, path);
    if (sink === undefined) return;
    problems.knownKeys(sink, path, SINK_KEYS);
    const type = problems.string(sink['type'], `${path}.type`);
    if (type === undefined && sink['type'] === undefined) problems.add(`${path}.type`, 'is required');
    if (type !== undefined && type !== 'file')
      problems.add(`${path}.type`, `sink type ${quoteName(type)} is not supported (only "file")`);
    for (const key of ['wrap_ttl', 'dh_type', 'dh_path', 'derive_key', 'aad', 'aad_env_var']) {
      if (sink[key] !== undefined) problems.add(`${path}.${key}`, 'is not supported');
    }
    const config = problems.object(sink['config'], `${path}.config`);
    if (config === undefined) {
      if (sink['config'] === undefined) problems.add(`${path}.config.path`, 'is required');
      return;
    }
    problems.knownKeys(config, `${path}.config`, FILE_SINK_CONFIG_KEYS);
    const filePath = problems.absolutePath(config['path'], `${path}.config.path`);
    if (config['path'] === undefined) problems.add(`${path}.config.path`, 'is required');
    const mode = parseSinkMode(config['mode'], `${path}.config.mode`, problems);
    if (filePath !== undefined && type === 'file') sinks.push({ path: filePath, mode: mode ?? DEFAULTS.sinkMode });
  });
  return sinks;
}

/** HCL gives `mode = 0640` as the integer 416; JSON carries that integer, or an octal string. */
function parseSinkMode(raw: unknown, path: string, problems: Problems): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return parseOctalMode(raw, path, problems);
  return problems.integer(raw, path, 0, 0o777);
}

/** An octal file mode string such as "0600" or "640". */
export function parseOctalMode(raw: unknown, path: string, problems: Problems): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^0?[0-7]{3}$/.test(raw))
    return problems.add(path, 'must be an octal file mode such as "0600"');
  return Number.parseInt(raw, 8);
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
