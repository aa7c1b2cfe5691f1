// The webhook↔agent contract: the Vault Agent JSON config that travels base64-encoded in
// VAULT_CONFIG (vault-k8s behaviour). The webhook builds it, the agent reads
// it, the real Vault Agent reads it too. Keys are Vault's own snake_case spellings.
//
// vaultlet extensions (marked below) are emitted only when the agent image is vaultlet's own,
// because Vault Agent rejects unknown keys.

export interface AgentConfig {
  auto_auth?: AutoAuth;
  exit_after_auth?: boolean;
  pid_file?: string;
  vault?: VaultStanza;
  template?: TemplateStanza[];
  listener?: ListenerStanza[];
  cache?: CacheStanza;
  template_config?: TemplateConfig;
  disable_idle_connections?: string[];
  disable_keep_alives?: string[];
  telemetry?: Record<string, unknown>;
  /** vaultlet extension: pod-level agent behaviour that Vault Agent has no key for. */
  vaultlet?: VaultletStanza;
}

export interface AutoAuth {
  method: AutoAuthMethod;
  sink?: SinkStanza[];
}

export interface AutoAuthMethod {
  type: string;
  mount_path?: string;
  namespace?: string;
  min_backoff?: string;
  max_backoff?: string;
  exit_on_err?: boolean;
  /** For `kubernetes`: role (required), token_path. Other methods: their own keys. */
  config: Record<string, unknown>;
}

export interface SinkStanza {
  type: string;
  config: { path: string; mode?: number };
}

export interface VaultStanza {
  address?: string;
  ca_cert?: string;
  ca_path?: string;
  tls_skip_verify?: boolean;
  client_cert?: string;
  client_key?: string;
  tls_server_name?: string;
  namespace?: string;
  retry?: { num_retries?: number };
}

export interface TemplateStanza {
  destination: string;
  contents?: string;
  source?: string;
  left_delimiter?: string;
  right_delimiter?: string;
  command?: string | string[];
  command_timeout?: string;
  perms?: string;
  error_on_missing_key?: boolean;
  create_dest_dirs?: boolean;
  /** vaultlet extension: which engine renders this template; Go-template when absent. */
  engine?: TemplateEngineName;
  /** vaultlet extension: URL on the pod's loopback POSTed to after the file changed. */
  reload_url?: string;
}

export const TEMPLATE_ENGINES = ['go', 'handlebars'] as const;
export type TemplateEngineName = (typeof TEMPLATE_ENGINES)[number];

export interface ListenerStanza {
  type: string;
  address: string;
  tls_disable?: boolean;
  agent_api?: { enable_quit?: boolean };
}

export interface CacheStanza {
  use_auto_auth_token?: string | boolean;
  persist?: { type: string; path: string; exit_on_err?: boolean };
}

export interface TemplateConfig {
  exit_on_retry_failure?: boolean;
  static_secret_render_interval?: string;
  max_connections_per_host?: number;
  lease_renewal_threshold?: number;
}

export interface VaultletStanza {
  /**
   * Agent-only directory shared by the init container and the sidecar: the init container leaves
   * its token and lease state here and the sidecar adopts them (one lease per pod).
   */
  state_dir?: string;
  /** Written after the first complete render; the native sidecar's startupProbe checks it. */
  ready_file?: string;
  /** Revoke the token (and its leases) on SIGTERM. */
  revoke_on_shutdown?: boolean;
  /**
   * Directories every template destination must stay under: the secret volume mount paths.
   * Absent: each template is confined to its own destination's directory (agent/output/sandbox.ts).
   */
  destination_roots?: string[];
}

/** Paths and names both sides agree on for vaultlet's own agent image. */
export const VAULTLET_AGENT = Object.freeze({
  /** Volume mounted in both agent containers, never in app containers. */
  stateVolumeName: 'vaultlet-agent-state',
  stateDir: '/vault/agent-state',
  readyFile: '/vault/agent-state/ready',
  /** The agent image's entrypoint is `vaultlet`; containers pass args only. */
  agentArgs: ['agent'] as readonly string[],
  readyProbeCommand: ['vaultlet', 'ready', '-file=/vault/agent-state/ready'] as readonly string[],
});

/** VAULT_CONFIG encoding: base64 of the JSON text, as vault-k8s does. */
export function encodeAgentConfig(config: AgentConfig): string {
  return Buffer.from(JSON.stringify(config), 'utf8').toString('base64');
}

export function decodeAgentConfig(base64: string): unknown {
  return JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as unknown;
}
