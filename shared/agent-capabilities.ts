// What vaultlet's own agent image implements, in one table. The webhook denies (with vaultlet's
// agent image) any pod that asks for something outside it, naming the annotation and suggesting a
// HashiCorp Vault agent image, so a pod is never admitted only to fail inside the agent. The agent's
// tests assert that it really implements every entry, so the table cannot claim more than it does.
// Template functions are listed in go-template/function-names.ts (RENDERED_FUNCTIONS).

/** `auto_auth.method.type` values the agent logs in with. */
export const AGENT_AUTH_METHODS: ReadonlySet<string> = new Set([
  'kubernetes',
  'approle',
  'jwt',
  'token_file',
  'aws',
  'cert',
  'gcp',
  'azure',
]);

/** Agent features a VAULT_CONFIG can ask for, and whether the agent implements them. */
export interface AgentFeatures {
  /** `listener "tcp"` / `listener "unix"`: a local Vault API listener. */
  readonly listener: boolean;
  /** `api_proxy` (and the legacy `cache.use_auto_auth_token`): proxy Vault calls, adding the auto-auth token. */
  readonly apiProxy: boolean;
  /** `cache {}`: lease caching of token-creating and leased responses. */
  readonly cache: boolean;
  /** `cache { persist "kubernetes" }`: the init container hands cached leases to the sidecar. */
  readonly persistentCache: boolean;
  /** `listener.agent_api.enable_quit`: `POST /agent/v1/quit`. */
  readonly quit: boolean;
  /** `telemetry {}`: Vault Agent's metrics. */
  readonly telemetry: boolean;
}

export const AGENT_FEATURES: AgentFeatures = Object.freeze({
  listener: true,
  apiProxy: true,
  cache: true,
  persistentCache: true,
  quit: true,
  telemetry: true,
});

/**
 * `auto_auth.method.config` keys the agent reads, per method; any other key is a configuration
 * error in the agent, so the webhook denies it up front. vault-k8s writes `token_path` and `role`
 * into every method's config: those are accepted (and ignored where unused) everywhere.
 */
export const AGENT_AUTH_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  kubernetes: ['role', 'token_path'],
  approle: [
    'role_id_file_path',
    'secret_id_file_path',
    'remove_secret_id_file_after_reading',
    'secret_id_response_wrapping_path',
  ],
  jwt: ['path', 'role', 'remove_jwt_after_reading', 'jwt_read_period'],
  token_file: ['token_file_path'],
  cert: ['name', 'ca_cert', 'client_cert', 'client_key'],
  aws: [
    'type',
    'role',
    'region',
    'header_value',
    'access_key',
    'secret_key',
    'session_token',
    'credential_poll_interval',
  ],
  gcp: ['type', 'role', 'service_account'],
  azure: ['role', 'resource', 'object_id', 'client_id'],
});

/** Keys the vault-k8s injector writes into every method's config. */
export const INJECTOR_AUTH_CONFIG_KEYS: readonly string[] = Object.freeze(['token_path', 'role']);

/** Methods of which the agent implements only some flavours (`config.type`): the ones it does, and the default. */
export const AGENT_AUTH_FLAVOURS: Readonly<
  Record<string, { readonly allowed: readonly string[]; readonly fallback?: string }>
> = Object.freeze({ aws: { allowed: ['iam'], fallback: 'iam' }, gcp: { allowed: ['gce'] } });
