// `template` stanzas and `template_config`.
import { TEMPLATE_ENGINES, type TemplateEngineName } from '../../shared/agent-config.ts';
import { destinationProblem } from '../output/sandbox.ts';
import { parseOctalMode } from './auth.ts';
import { optional } from './flags.ts';
import { join, quoteName, type Json, type Problems } from './problems.ts';
import { DEFAULTS, type TemplateConfigSettings, type TemplateSettings } from './settings.ts';

const TEMPLATE_KEYS = [
  'destination', 'contents', 'source', 'left_delimiter', 'right_delimiter', 'command', 'command_timeout', 'exec',
  'perms', 'error_on_missing_key', 'create_dest_dirs', 'engine', 'reload_url',
  'sandbox_path', 'function_denylist', 'function_blacklist',
  // Vault keys accepted and ignored by vaultlet (docs/agent-config.md).
  'backup', 'wait', 'user', 'group', 'uid', 'gid',
];
const TEMPLATE_CONFIG_KEYS = ['exit_on_retry_failure', 'static_secret_render_interval', 'max_connections_per_host', 'lease_renewal_threshold'];

export function resolveTemplates(raw: unknown, roots: readonly string[], problems: Problems): TemplateSettings[] {
  const list = problems.array(raw, 'template') ?? [];
  const out: TemplateSettings[] = [];
  list.forEach((item, index) => {
    const t = resolveTemplate(item, index, roots, problems);
    if (t !== undefined) out.push(t);
  });
  return out;
}

function resolveTemplate(raw: unknown, index: number, roots: readonly string[], problems: Problems): TemplateSettings | undefined {
  const path = join('template', index);
  const t = problems.object(raw, path);
  if (t === undefined) return undefined;
  const before = problems.list.length;
  problems.knownKeys(t, path, TEMPLATE_KEYS);
  const destination = resolveTemplateDestination(t['destination'], `${path}.destination`, roots, problems);
  const contents = problems.string(t['contents'], `${path}.contents`);
  const source = problems.string(t['source'], `${path}.source`);
  const hasContents = contents !== undefined && contents !== '';
  const hasSource = source !== undefined && source !== '';
  if (hasContents && hasSource) problems.add(`${path}.source`, 'cannot be set together with contents (use one)');
  if (!hasContents && !hasSource && t['contents'] === undefined && t['source'] === undefined) problems.add(`${path}.contents`, 'one of contents or source is required');
  if (hasSource) problems.absolutePath(source, `${path}.source`);
  const left = problems.string(t['left_delimiter'], `${path}.left_delimiter`);
  const right = problems.string(t['right_delimiter'], `${path}.right_delimiter`);
  const command = resolveCommand(t, path, problems);
  const perms = parseOctalMode(t['perms'], `${path}.perms`, problems);
  const errorOnMissingKey = problems.bool(t['error_on_missing_key'], `${path}.error_on_missing_key`);
  const createDestDirs = problems.bool(t['create_dest_dirs'], `${path}.create_dest_dirs`);
  const engine = resolveEngine(t['engine'], `${path}.engine`, problems);
  const reloadUrl = resolveReloadUrl(t['reload_url'], `${path}.reload_url`, problems);
  const sandboxPath = t['sandbox_path'] === '' ? undefined : problems.absolutePath(t['sandbox_path'], `${path}.sandbox_path`);
  const denylist = [
    ...resolveFunctionList(t['function_denylist'], `${path}.function_denylist`, problems),
    ...resolveFunctionList(t['function_blacklist'], `${path}.function_blacklist`, problems),
  ];
  if (problems.list.length > before || destination === undefined) return undefined;
  return {
    index,
    destination,
    destinationRoots: roots.length > 0 ? roots : [destination.slice(0, destination.lastIndexOf('/')) || '/'],
    ...(hasSource ? { source } : { contents: contents ?? '' }),
    leftDelimiter: left !== undefined && left !== '' ? left : DEFAULTS.delimiters[0],
    rightDelimiter: right !== undefined && right !== '' ? right : DEFAULTS.delimiters[1],
    ...optional('perms', perms),
    ...optional('command', command.command),
    commandTimeoutMs: command.timeoutMs ?? DEFAULTS.commandTimeoutMs,
    errorOnMissingKey: errorOnMissingKey ?? false,
    engine,
    ...optional('reloadUrl', reloadUrl),
    createDestDirs: createDestDirs ?? true,
    ...optional('sandboxPath', sandboxPath),
    ...(denylist.length > 0 ? { functionDenylist: [...new Set(denylist)] } : {}),
  };
}

/**
 * `function_denylist` / its older spelling `function_blacklist`: function names (consul-template
 * merges both lists). A single string is taken as a one-name list.
 */
function resolveFunctionList(raw: unknown, path: string, problems: Problems): string[] {
  if (raw === undefined || raw === null) return [];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(n))) {
    problems.add(path, 'must be a list of function names');
    return [];
  }
  return list as string[];
}

function resolveTemplateDestination(raw: unknown, path: string, roots: readonly string[], problems: Problems): string | undefined {
  if (raw === undefined) return problems.add(path, 'is required');
  const dest = problems.string(raw, path, { nonEmpty: true });
  if (dest === undefined) return undefined;
  const problem = destinationProblem(dest, roots);
  return problem === undefined ? dest.replace(/\/{2,}/g, '/') : problems.add(path, problem);
}

/** `command` (string or list) and `command_timeout`, or the newer `exec { command, timeout }`. */
function resolveCommand(t: Json, path: string, problems: Problems): { command?: string | readonly string[]; timeoutMs?: number } {
  const exec = problems.object(t['exec'], `${path}.exec`);
  if (exec !== undefined && t['command'] !== undefined) problems.add(`${path}.exec`, 'cannot be set together with command');
  if (exec !== undefined) problems.knownKeys(exec, `${path}.exec`, ['command', 'timeout']);
  const base = exec === undefined ? path : `${path}.exec`;
  const rawCommand = exec === undefined ? t['command'] : exec['command'];
  const rawTimeout = exec === undefined ? t['command_timeout'] : exec['timeout'];
  const timeoutMs = problems.duration(rawTimeout, exec === undefined ? `${path}.command_timeout` : `${path}.exec.timeout`, { positive: true });
  const command = parseCommand(rawCommand, `${base}.command`, problems);
  return { ...optional('command', command), ...optional('timeoutMs', timeoutMs) };
}

function parseCommand(raw: unknown, path: string, problems: Problems): string | readonly string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw === 'string') return raw.trim() === '' ? problems.add(path, 'must not be blank') : raw;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((a) => typeof a === 'string')) {
    return problems.add(path, 'must be a string or a non-empty list of strings');
  }
  if (raw[0] === '') return problems.add(`${path}[0]`, 'must name a program');
  return raw;
}

function resolveEngine(raw: unknown, path: string, problems: Problems): TemplateEngineName {
  if (raw === undefined) return 'go';
  if (typeof raw === 'string' && (TEMPLATE_ENGINES as readonly string[]).includes(raw)) return raw as TemplateEngineName;
  problems.add(path, `engine ${quoteName(raw)} is unknown (use ${TEMPLATE_ENGINES.map((e) => `"${e}"`).join(' or ')})`);
  return 'go';
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** The reload hook must stay inside the pod: plain http on a loopback address. */
function resolveReloadUrl(raw: unknown, path: string, problems: Problems): string | undefined {
  const s = problems.string(raw, path, { nonEmpty: true });
  if (s === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return problems.add(path, 'must be a URL such as http://127.0.0.1:8080/-/reload');
  }
  if (url.protocol !== 'http:') return problems.add(path, 'must use http://');
  if (!LOOPBACK_HOSTS.test(url.hostname)) return problems.add(path, 'must point at the pod loopback (127.0.0.1, [::1] or localhost)');
  if (url.username !== '' || url.password !== '') return problems.add(path, 'must not carry credentials');
  return url.href;
}

export function resolveTemplateConfig(raw: unknown, backoff: { readonly minMs?: number; readonly maxMs?: number }, problems: Problems): TemplateConfigSettings {
  const tc = problems.object(raw, 'template_config') ?? {};
  problems.knownKeys(tc, 'template_config', TEMPLATE_CONFIG_KEYS);
  const exitOnRetryFailure = problems.bool(tc['exit_on_retry_failure'], 'template_config.exit_on_retry_failure');
  const interval = problems.duration(tc['static_secret_render_interval'], 'template_config.static_secret_render_interval');
  const maxConns = problems.integer(tc['max_connections_per_host'], 'template_config.max_connections_per_host', 0, 10_000);
  const threshold = resolveThreshold(tc['lease_renewal_threshold'], problems);
  return {
    exitOnRetryFailure: exitOnRetryFailure ?? false,
    staticSecretRenderIntervalMs: interval !== undefined && interval > 0 ? interval : DEFAULTS.staticSecretRenderIntervalMs,
    leaseRenewalThreshold: threshold !== undefined && threshold > 0 ? threshold : DEFAULTS.leaseRenewalThreshold,
    maxConnectionsPerHost: maxConns !== undefined && maxConns > 0 ? maxConns : DEFAULTS.maxConnectionsPerHost,
    retryInitialMs: backoff.minMs ?? DEFAULTS.templateRetryInitialMs,
    retryMaxMs: backoff.maxMs ?? DEFAULTS.templateRetryMaxMs,
  };
}

function resolveThreshold(raw: unknown, problems: Problems): number | undefined {
  if (raw === undefined) return undefined;
  const path = 'template_config.lease_renewal_threshold';
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) return problems.add(path, 'must be a number between 0 and 1');
  if (n < 0 || n > 1) return problems.add(path, 'must be between 0 and 1');
  return n;
}
