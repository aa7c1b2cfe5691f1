// Turns the VAULT_CONFIG the webhook wrote for a pod into one that runs on this machine: the
// in-container paths (/vault/secrets, /home/vault, the service-account token, the agent-state
// volume) move under a temp directory. Pure: the demo and its test share it.
import type { AgentConfig } from '../../shared/agent-config.ts';

export interface LocalPaths {
  /** Replaces /vault/secrets. */
  readonly secretsDir: string;
  /** Replaces /home/vault. */
  readonly homeDir: string;
  /** Replaces /vault/agent-state. */
  readonly stateDir: string;
  /** File holding the service-account JWT. */
  readonly tokenFile: string;
}

const PREFIXES: readonly (readonly [string, keyof LocalPaths])[] = [
  ['/vault/secrets', 'secretsDir'],
  ['/vault/agent-state', 'stateDir'],
  ['/home/vault', 'homeDir'],
];

function movePath(path: string, paths: LocalPaths): string {
  for (const [prefix, key] of PREFIXES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return paths[key] + path.slice(prefix.length);
  }
  return path;
}

export function localizeAgentConfig(config: AgentConfig, paths: LocalPaths): AgentConfig {
  const copy = structuredClone(config);
  if (copy.auto_auth !== undefined) {
    copy.auto_auth.method.config = { ...copy.auto_auth.method.config, token_path: paths.tokenFile };
    for (const sink of copy.auto_auth.sink ?? []) sink.config.path = movePath(sink.config.path, paths);
  }
  if (copy.pid_file !== undefined) copy.pid_file = movePath(copy.pid_file, paths);
  for (const t of copy.template ?? []) t.destination = movePath(t.destination, paths);
  if (copy.vaultlet !== undefined) {
    const v = copy.vaultlet;
    if (v.state_dir !== undefined) v.state_dir = movePath(v.state_dir, paths);
    if (v.ready_file !== undefined) v.ready_file = movePath(v.ready_file, paths);
    if (v.destination_roots !== undefined) v.destination_roots = v.destination_roots.map((r) => movePath(r, paths));
  }
  return copy;
}
