// The agent's configuration, read once at start-up: flags, the Vault Agent JSON config (`-config`
// files or VAULT_CONFIG) and the environment variables Vault Agent honours. Every problem is
// collected and thrown as one ConfigError; the result is deep-frozen. This is the only agent module
// that sees the environment: the entry point passes process.env in.
import type { AgentConfig } from '../shared/agent-config.ts';
import { ConfigError } from '../shared/errors.ts';
import { resolveAutoAuth } from './config/auth.ts';
import { optional, parseAgentFlags, type AgentFlags } from './config/flags.ts';
import { Problems, type Json } from './config/problems.ts';
import {
  AGENT_LOG_FORMATS, AGENT_SUBSYSTEMS, type AgentLogFormat, type AgentLogLevel, type AgentSettings, type AgentSubsystem, type AuthSettings,
} from './config/settings.ts';
import { loadConfigDocuments, mergeConfigs, type ListConfigDir } from './config/sources.ts';
import { resolveTemplateConfig, resolveTemplates } from './config/templates.ts';
import { resolveProxy } from './config/listener.ts';
import { envValue, resolveVault, type Env } from './config/vault.ts';
import { trimTrailing } from '../shared/string-ends.ts';

export type * from './config/settings.ts';
export { DEFAULTS } from './config/settings.ts';

const TOP_LEVEL_KEYS = [
  'vault', 'auto_auth', 'template', 'template_config', 'listener', 'cache', 'exit_after_auth', 'pid_file',
  'disable_idle_connections', 'disable_keep_alives', 'telemetry', 'vaultlet', 'log_level', 'log_format',
  'api_proxy', 'exec', 'env_template', 'log_file',
];
const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  exec: 'process-supervisor mode (exec/env_template) is not supported; use file templates',
  env_template: 'process-supervisor mode (exec/env_template) is not supported; use file templates',
};
const VAULTLET_KEYS = ['state_dir', 'ready_file', 'revoke_on_shutdown', 'destination_roots'];
const LOG_LEVEL_ALIASES: Readonly<Record<string, AgentLogLevel>> = {
  trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', err: 'error',
};

/** Reads and validates everything; throws ConfigError listing every problem. */
export function loadAgentSettings(argv: readonly string[], env: Env, readFile: (p: string) => string, listDir?: ListConfigDir): AgentSettings {
  const problems = new Problems();
  const flags = parseAgentFlags(argv, problems);
  const docs = loadConfigDocuments(flags.configPaths, env['VAULT_CONFIG'], readFile, problems, listDir);
  if (problems.list.length > 0) throw new ConfigError(problems.list);
  const { auth, ...rest } = resolveSettings(mergeConfigs(docs), flags, env, problems);
  if (auth === undefined && problems.list.length === 0) problems.add('auto_auth.method', 'is required');
  if (problems.list.length > 0 || auth === undefined) throw new ConfigError(problems.list);
  return deepFreeze({ ...rest, auth });
}

function resolveSettings(config: Json, flags: AgentFlags, env: Env, problems: Problems): Omit<AgentSettings, 'auth'> & { auth: AuthSettings | undefined } {
  problems.knownKeys(config, '', TOP_LEVEL_KEYS);
  for (const [key, why] of Object.entries(UNSUPPORTED_KEYS)) {
    if (config[key] !== undefined) problems.add(key, why);
  }
  const vaultlet = resolveVaultlet(config['vaultlet'], problems);
  const { auth, sinks, backoffSet } = resolveAutoAuth(config['auto_auth'], { envNamespace: envValue(env, 'VAULT_NAMESPACE'), env: (name) => envValue(env, name) }, problems);
  const templates = resolveTemplates(config['template'], vaultlet.destinationRoots, problems);
  if (config['auto_auth'] !== undefined && sinks.length === 0 && countList(config['template']) === 0) {
    problems.add('auto_auth', 'auto_auth requires at least one sink or at least one template');
  }
  checkLoose(config, problems);
  const proxy = resolveProxy(config, problems);
  // vault-k8s's persistent cache is where the init container leaves what the sidecar adopts:
  // vaultlet's own hand-off state (one token, one lease per pod) lives there when nothing else is set.
  const stateDir = vaultlet.stateDir ?? proxy?.cache?.persist?.path;
  const exitAfterAuth = flags.exitAfterAuth ?? problems.bool(config['exit_after_auth'], 'exit_after_auth') ?? false;
  const pidFile = problems.absolutePath(config['pid_file'], 'pid_file');
  return {
    auth,
    config: config satisfies AgentConfig,
    vault: resolveVault(config['vault'], env, problems),
    templateConfig: resolveTemplateConfig(config['template_config'], backoffSet, problems),
    sinks,
    templates,
    exitAfterAuth,
    ...optional('pidFile', pidFile),
    ...optional('stateDir', stateDir),
    ...optional('proxy', proxy),
    ...optional('readyFile', vaultlet.readyFile),
    revokeOnShutdown: flags.revokeOnShutdown === true || vaultlet.revokeOnShutdown,
    destinationRoots: vaultlet.destinationRoots,
    logLevel: resolveLogLevel(flags, env, config, problems),
    logFormat: resolveLogFormat(flags, env, config, problems),
    disableIdleConnections: resolveSubsystems(config, 'disable_idle_connections', envValue(env, 'VAULT_AGENT_DISABLE_IDLE_CONNECTIONS'), problems),
    disableKeepAlives: resolveSubsystems(config, 'disable_keep_alives', envValue(env, 'VAULT_AGENT_DISABLE_KEEP_ALIVES'), problems),
  };
}

function countList(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** Keys vaultlet accepts but does not act on (log_file): shape only. */
function checkLoose(config: Json, problems: Problems): void {
  problems.string(config['log_file'], 'log_file');
}

interface VaultletSettings {
  readonly stateDir?: string;
  readonly readyFile?: string;
  readonly revokeOnShutdown: boolean;
  readonly destinationRoots: readonly string[];
}

function resolveVaultlet(raw: unknown, problems: Problems): VaultletSettings {
  const v = problems.object(raw, 'vaultlet') ?? {};
  problems.knownKeys(v, 'vaultlet', VAULTLET_KEYS);
  const roots = (problems.array(v['destination_roots'], 'vaultlet.destination_roots') ?? [])
    .map((r, i) => problems.absolutePath(r, `vaultlet.destination_roots[${i}]`))
    .filter((r): r is string => r !== undefined)
    .map((r) => (r.length > 1 ? trimTrailing(r, '/') : r));
  return {
    ...optional('stateDir', problems.absolutePath(v['state_dir'], 'vaultlet.state_dir')),
    ...optional('readyFile', problems.absolutePath(v['ready_file'], 'vaultlet.ready_file')),
    revokeOnShutdown: problems.bool(v['revoke_on_shutdown'], 'vaultlet.revoke_on_shutdown') ?? false,
    destinationRoots: roots,
  };
}

/** Flag > VAULT_LOG_LEVEL > config `log_level` > info. */
function resolveLogLevel(flags: AgentFlags, env: Env, config: Json, problems: Problems): AgentLogLevel {
  const [field, raw] = pick(['-log-level', flags.logLevel], ['VAULT_LOG_LEVEL', envValue(env, 'VAULT_LOG_LEVEL')], ['log_level', config['log_level']]);
  if (raw === undefined) return 'info';
  const level = typeof raw === 'string' ? LOG_LEVEL_ALIASES[raw.trim().toLowerCase()] : undefined;
  if (level === undefined) problems.add(field, 'must be one of trace, debug, info, warn, error');
  return level ?? 'info';
}

function resolveLogFormat(flags: AgentFlags, env: Env, config: Json, problems: Problems): AgentLogFormat {
  const [field, raw] = pick(['-log-format', flags.logFormat], ['VAULT_LOG_FORMAT', envValue(env, 'VAULT_LOG_FORMAT')], ['log_format', config['log_format']]);
  if (raw === undefined) return 'standard';
  const format = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if ((AGENT_LOG_FORMATS as readonly string[]).includes(format)) return format as AgentLogFormat;
  problems.add(field, 'must be standard or json');
  return 'standard';
}

function pick(...sources: readonly (readonly [string, unknown])[]): readonly [string, unknown] {
  return sources.find(([, v]) => v !== undefined) ?? ['', undefined];
}

/** Config list, overridden by a comma-separated env var (VAULT_AGENT_DISABLE_*). */
function resolveSubsystems(config: Json, key: string, fromEnv: string | undefined, problems: Problems): AgentSubsystem[] {
  const field = fromEnv !== undefined ? envName(key) : key;
  const items: unknown[] = fromEnv !== undefined ? fromEnv.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...(problems.array(config[key], key) ?? [])];
  const out: AgentSubsystem[] = [];
  items.forEach((item, i) => {
    if (typeof item === 'string' && (AGENT_SUBSYSTEMS as readonly string[]).includes(item)) out.push(item as AgentSubsystem);
    else problems.add(fromEnv !== undefined ? field : `${key}[${i}]`, `must list only ${AGENT_SUBSYSTEMS.join(', ')}`);
  });
  return out;
}

function envName(key: string): string {
  return `VAULT_AGENT_${key.toUpperCase()}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
