// What vaultlet's own agent image implements, in one table. The webhook denies (with vaultlet's
// agent image) any pod that asks for something outside it, naming the annotation and suggesting a
// HashiCorp Vault agent image, so a pod is never admitted only to fail inside the agent. The agent's
// tests assert that it really implements every entry, so the table cannot claim more than it does.
// Template functions are listed in go-template/function-names.ts (RENDERED_FUNCTIONS).

/** `auto_auth.method.type` values the agent logs in with. */
export const AGENT_AUTH_METHODS: ReadonlySet<string> = new Set(['kubernetes', 'approle', 'jwt', 'token_file', 'aws', 'cert', 'gcp', 'azure']);

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
