// The `vault` stanza and the environment variables that override it, as Vault Agent reads them
// config file < environment.
import { parseGoBool } from '../../shared/parse/go-bool.ts';
import { optional } from './flags.ts';
import type { Problems } from './problems.ts';
import { DEFAULTS, type VaultConnectionSettings } from './settings.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const VAULT_KEYS = ['address', 'ca_cert', 'ca_path', 'client_cert', 'client_key', 'tls_skip_verify', 'tls_server_name', 'namespace', 'retry'];

/** An env var's value, treating empty as unset (as Vault's `os.Getenv(...) != ""` checks do). */
export function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function resolveVault(raw: unknown, env: Env, problems: Problems): VaultConnectionSettings {
  const v = problems.object(raw, 'vault') ?? {};
  problems.knownKeys(v, 'vault', VAULT_KEYS);
  const str = (key: string, envName: string): string | undefined => envValue(env, envName) ?? problems.string(v[key], `vault.${key}`);

  const address = resolveAddress(v['address'], envValue(env, 'VAULT_ADDR'), problems);
  const caCertPem = resolveCaBytes(envValue(env, 'VAULT_CACERT_BYTES'), problems);
  const skipVerify = resolveSkipVerify(v['tls_skip_verify'], envValue(env, 'VAULT_SKIP_VERIFY'), problems);
  const numRetries = resolveRetries(v['retry'], envValue(env, 'VAULT_MAX_RETRIES'), problems);
  const timeoutMs = resolveTimeout(envValue(env, 'VAULT_CLIENT_TIMEOUT'), problems);
  const proxyUrl = resolveProxy(envValue(env, 'HTTPS_PROXY') ?? envValue(env, 'https_proxy'), problems);
  return {
    address,
    ...optional('caCertPath', str('ca_cert', 'VAULT_CACERT')),
    ...optional('caCertPem', caCertPem),
    ...optional('caPath', str('ca_path', 'VAULT_CAPATH')),
    ...optional('clientCertPath', str('client_cert', 'VAULT_CLIENT_CERT')),
    ...optional('clientKeyPath', str('client_key', 'VAULT_CLIENT_KEY')),
    skipVerify,
    ...optional('tlsServerName', str('tls_server_name', 'VAULT_TLS_SERVER_NAME')),
    ...optional('namespace', nonEmpty(str('namespace', 'VAULT_NAMESPACE'))),
    ...optional('proxyUrl', proxyUrl),
    numRetries,
    timeoutMs,
  };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === '' ? undefined : s;
}

function resolveAddress(fromConfig: unknown, fromEnv: string | undefined, problems: Problems): string {
  const field = fromEnv !== undefined ? 'VAULT_ADDR' : 'vault.address';
  const raw = fromEnv ?? problems.string(fromConfig, 'vault.address');
  if (raw === undefined || raw === '') return DEFAULTS.vaultAddress;
  const url = parseUrl(raw);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    problems.add(field, 'must be an http:// or https:// URL such as https://vault.vault.svc:8200');
    return DEFAULTS.vaultAddress;
  }
  return trimTrailing(raw, '/');
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** VAULT_CACERT_BYTES: PEM text, or base64 of it (what the injector passes). */
function resolveCaBytes(raw: string | undefined, problems: Problems): string | undefined {
  if (raw === undefined) return undefined;
  const marker = '-----BEGIN CERTIFICATE-----';
  if (raw.includes(marker)) return raw;
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(raw) ? Buffer.from(raw, 'base64').toString('utf8') : '';
  if (decoded.includes(marker)) return decoded;
  return problems.add('VAULT_CACERT_BYTES', 'must hold PEM certificates or base64 of them');
}

function resolveSkipVerify(fromConfig: unknown, fromEnv: string | undefined, problems: Problems): boolean {
  if (fromEnv !== undefined) {
    try {
      return parseGoBool(fromEnv);
    } catch {
      problems.add('VAULT_SKIP_VERIFY', 'must be true or false');
      return false;
    }
  }
  if (typeof fromConfig === 'string' && fromConfig !== '') {
    try {
      return parseGoBool(fromConfig);
    } catch {
      problems.add('vault.tls_skip_verify', 'must be true or false');
      return false;
    }
  }
  return fromConfig === '' ? false : problems.bool(fromConfig, 'vault.tls_skip_verify') ?? false;
}

/** `retry.num_retries` / VAULT_MAX_RETRIES: 0 (or unset) means the default 12, −1 means none. */
function resolveRetries(rawRetry: unknown, fromEnv: string | undefined, problems: Problems): number {
  const retry = problems.object(rawRetry, 'vault.retry') ?? {};
  problems.knownKeys(retry, 'vault.retry', ['num_retries']);
  const fromConfig = problems.integer(retry['num_retries'], 'vault.retry.num_retries', -1, 1000);
  const n = fromEnv !== undefined ? problems.integer(fromEnv, 'VAULT_MAX_RETRIES', -1, 1000) : fromConfig;
  if (n === undefined || n === 0) return DEFAULTS.numRetries;
  return n === -1 ? 0 : n;
}

function resolveTimeout(fromEnv: string | undefined, problems: Problems): number {
  return problems.duration(fromEnv, 'VAULT_CLIENT_TIMEOUT', { positive: true }) ?? DEFAULTS.clientTimeoutMs;
}

function resolveProxy(raw: string | undefined, problems: Problems): string | undefined {
  if (raw === undefined) return undefined;
  // A bare host:port is what many tools accept; Go's ProxyFromEnvironment assumes http:// then.
  const full = raw.includes('://') ? raw : `http://${raw}`;
  const url = parseUrl(full);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return problems.add('HTTPS_PROXY', 'must be a URL such as http://proxy:3128');
  }
  return full;
}
