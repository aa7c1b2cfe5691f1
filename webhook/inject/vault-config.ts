// VAULT_CONFIG: the Vault Agent JSON config of one agent container, keys in
// vault-k8s's order. vaultlet extensions only for vaultlet's own image: Vault Agent rejects them.
import {
  type AgentConfig,
  type AutoAuthMethod,
  type CacheStanza,
  type ListenerStanza,
  type TemplateConfig,
  type TemplateStanza,
  type VaultStanza,
  VAULTLET_AGENT,
} from '../../shared/agent-config.ts';
import type { SecretSpec } from '../annotations/secrets.ts';
import type { AgentSpec } from './agent-spec.ts';

/** init: exits after the first render; sidecar: keeps running; native: one agent, init container slot. */
export type AgentRole = 'init' | 'sidecar' | 'native';

export const TOKEN_SINK = '/home/vault/.vault-token';
export const PID_FILE = '/home/vault/.pid';
export const CACHE_PATH = '/vault/agent-cache';

export function buildAgentConfig(spec: AgentSpec, role: AgentRole): AgentConfig {
  const sinks = [{ type: 'file', config: { path: TOKEN_SINK } }];
  if (spec.injectToken) sinks.push({ type: 'file', config: { path: `${spec.secretVolumePath}/token` } });
  const config: AgentConfig = {
    auto_auth: { method: method(spec), sink: sinks },
    exit_after_auth: role === 'init',
    pid_file: PID_FILE,
    vault: vault(spec),
  };
  if (spec.secrets.length > 0) config.template = spec.secrets.map((s) => template(s, !spec.vaultImage));
  const { listener, cache } = cacheAndListener(spec, role);
  if (listener !== undefined) config.listener = listener;
  if (cache !== undefined) config.cache = cache;
  config.template_config = templateConfig(spec);
  if (spec.disableIdleConnections.length > 0) config.disable_idle_connections = [...spec.disableIdleConnections];
  if (spec.disableKeepAlives.length > 0) config.disable_keep_alives = [...spec.disableKeepAlives];
  if (spec.telemetry !== undefined) config.telemetry = { ...spec.telemetry };
  if (!spec.vaultImage) {
    config.vaultlet = {
      state_dir: VAULTLET_AGENT.stateDir,
      ready_file: VAULTLET_AGENT.readyFile,
      // The init container's token is handed to the sidecar, so only the last agent revokes it.
      revoke_on_shutdown: role !== 'init' && spec.revokeOnShutdown,
      // Rendered files may only land inside the secret volumes the pod mounts.
      destination_roots: [spec.secretVolumePath, ...spec.customPaths],
    };
  }
  return config;
}

function method(spec: AgentSpec): AutoAuthMethod {
  const a = spec.auth;
  // Built in vault-k8s's key order (type, mount_path, backoffs, namespace, config, exit_on_err).
  const m: Omit<AutoAuthMethod, 'config'> & Partial<Pick<AutoAuthMethod, 'config'>> = { type: a.type };
  if (a.path !== '') m.mount_path = a.path;
  if (a.minBackoff !== '') m.min_backoff = a.minBackoff;
  if (a.maxBackoff !== '') m.max_backoff = a.maxBackoff;
  if (a.namespace !== '') m.namespace = a.namespace;
  const withConfig: AutoAuthMethod = { ...m, config: { ...a.config } };
  if (a.exitOnErr) withConfig.exit_on_err = true;
  return withConfig;
}

function vault(spec: AgentSpec): VaultStanza {
  const v = spec.vault;
  const out: VaultStanza = { address: v.address };
  if (v.caCert !== '') out.ca_cert = v.caCert;
  // vault-k8s maps the misnamed `ca-key` annotation to ca_path; kept for compatibility.
  if (v.caKey !== '') out.ca_path = v.caKey;
  if (v.tlsSkipVerify) out.tls_skip_verify = true;
  if (v.clientCert !== '') out.client_cert = v.clientCert;
  if (v.clientKey !== '') out.client_key = v.clientKey;
  if (v.tlsServerName !== '') out.tls_server_name = v.tlsServerName;
  return out;
}

function template(s: SecretSpec, vaultlet: boolean): TemplateStanza {
  const t: TemplateStanza = { destination: s.destination };
  if (s.contents !== undefined) t.contents = s.contents;
  if (s.source !== undefined) t.source = s.source;
  t.left_delimiter = s.leftDelimiter;
  t.right_delimiter = s.rightDelimiter;
  if (s.command !== undefined) t.command = s.command;
  if (s.perms !== undefined) t.perms = s.perms;
  if (s.errorOnMissingKey) t.error_on_missing_key = true;
  if (vaultlet) {
    t.engine = s.engine;
    if (s.reloadUrl !== undefined) t.reload_url = s.reloadUrl;
  }
  return t;
}

function cacheAndListener(spec: AgentSpec, role: AgentRole): { listener?: ListenerStanza[]; cache?: CacheStanza } {
  const c = spec.cache;
  const address = `127.0.0.1:${c.listenerPort}`;
  let listener: ListenerStanza[] | undefined;
  let cache: CacheStanza | undefined;
  if (c.persistent) {
    listener = [{ type: 'tcp', address, tls_disable: true }];
    const persist: NonNullable<CacheStanza['persist']> = { type: 'kubernetes', path: CACHE_PATH };
    if (c.exitOnErr) persist.exit_on_err = true;
    cache = { use_auto_auth_token: c.useAutoAuthToken, persist };
  } else if (c.enable && !spec.prePopulateOnly && role !== 'init') {
    listener = [{ type: 'tcp', address, tls_disable: true }];
    cache = { use_auto_auth_token: c.useAutoAuthToken };
  }
  if (spec.enableQuit) {
    const first = listener?.[0];
    if (first !== undefined) first.agent_api = { enable_quit: true };
    else listener = [{ type: 'tcp', address, tls_disable: true, agent_api: { enable_quit: true } }];
    cache ??= {};
  }
  return { ...(listener === undefined ? {} : { listener }), ...(cache === undefined ? {} : { cache }) };
}

function templateConfig(spec: AgentSpec): TemplateConfig {
  const t = spec.templateConfig;
  const out: TemplateConfig = { exit_on_retry_failure: t.exitOnRetryFailure };
  if (t.staticSecretRenderInterval !== '') out.static_secret_render_interval = t.staticSecretRenderInterval;
  if (t.maxConnectionsPerHost !== 0) out.max_connections_per_host = t.maxConnectionsPerHost;
  if (t.leaseRenewalThreshold !== 0) out.lease_renewal_threshold = t.leaseRenewalThreshold;
  return out;
}
