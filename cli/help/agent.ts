// `vaultlet agent -h`: the agent's flags (from the flag parser's own lists, so a new flag without a
// description fails to compile) and the environment variables Vault Agent honours that it reads.
import { BOOL_FLAGS, VALUE_FLAGS } from '../../agent/config/flags.ts';
import { formatEnv, formatFlags, type EnvHelp, type FlagHelp } from './flag-table.ts';

type AgentFlagName = (typeof BOOL_FLAGS)[number] | (typeof VALUE_FLAGS)[number];

export const AGENT_FLAG_HELP: Readonly<Record<AgentFlagName, Omit<FlagHelp, 'name'>>> = Object.freeze({
  config: {
    value: 'path',
    description:
      'Vault Agent config file (JSON or HCL) or directory of them; repeatable. Without it, the config is read from VAULT_CONFIG.',
    default: '',
  },
  'log-level': {
    value: 'string',
    description: 'Log level: trace, debug, info, warn or error (overrides log_level).',
    env: 'VAULT_LOG_LEVEL',
    default: 'info',
  },
  'log-format': {
    value: 'string',
    description: 'Log format: standard or json (overrides log_format).',
    env: 'VAULT_LOG_FORMAT',
    default: 'standard',
  },
  'exit-after-auth': {
    description: 'Render every template once, then exit: the init container (overrides exit_after_auth).',
    default: 'false',
  },
  'revoke-on-shutdown': {
    description: 'Revoke the token when stopped by SIGTERM or SIGINT (sidecar).',
    default: 'false',
  },
});

export const AGENT_ENV_HELP: readonly EnvHelp[] = Object.freeze([
  {
    env: 'VAULT_CONFIG',
    description: 'The whole config as JSON or base64 of JSON (what the injector sets).',
    default: '',
  },
  { env: 'VAULT_ADDR', description: 'Vault address (overrides vault.address).', default: '' },
  { env: 'VAULT_CACERT', description: 'CA certificate file for Vault (overrides vault.ca_cert).', default: '' },
  { env: 'VAULT_CACERT_BYTES', description: 'CA certificate PEM, or base64 of PEM.', default: '' },
  { env: 'VAULT_CAPATH', description: 'Directory of CA certificates (overrides vault.ca_path).', default: '' },
  { env: 'VAULT_CLIENT_CERT', description: 'Client certificate file for TLS to Vault.', default: '' },
  { env: 'VAULT_CLIENT_KEY', description: 'Private key of that client certificate.', default: '' },
  { env: 'VAULT_SKIP_VERIFY', description: "Do not verify Vault's certificate (development only).", default: 'false' },
  { env: 'VAULT_TLS_SERVER_NAME', description: "Server name to verify Vault's certificate against.", default: '' },
  { env: 'VAULT_NAMESPACE', description: 'Vault Enterprise namespace.', default: '' },
  { env: 'VAULT_MAX_RETRIES', description: 'Retries of a failed template fetch; -1 for none.', default: '12' },
  { env: 'VAULT_CLIENT_TIMEOUT', description: 'Timeout of one request to Vault.', default: '60s' },
  {
    env: 'VAULT_AGENT_DISABLE_IDLE_CONNECTIONS',
    description: 'Subsystems without idle connections (auto-auth, caching, templating).',
    default: '',
  },
  {
    env: 'VAULT_AGENT_DISABLE_KEEP_ALIVES',
    description: 'Subsystems without keep-alives (auto-auth, caching, templating).',
    default: '',
  },
  { env: 'HTTPS_PROXY', description: 'Proxy for requests to Vault.', default: '' },
]);

export function agentFlags(): FlagHelp[] {
  return [...VALUE_FLAGS, ...BOOL_FLAGS].map((name) => ({ name, ...AGENT_FLAG_HELP[name] }));
}

export function help(): string {
  return (
    'Usage: vaultlet agent [-config=FILE|DIR]... [flags]\n\n' +
    '  Log in to Vault, render templates and keep them current: the init container\n' +
    '  (-exit-after-auth) or the sidecar the injector adds. Reads the Vault Agent config.\n\n' +
    `Flags:\n${formatFlags(agentFlags())}\n` +
    `Environment:\n${formatEnv(AGENT_ENV_HELP)}`
  );
}
