// Where rendered files may land. Kubernetes mounts a volume inside another when one mount path
// contains the other, so a secret volume at `/home` would let `agent-inject-file-x: vault/.vault-token`
// overwrite the agent's token. A secret volume path must neither be inside an agent mount nor
// contain one, and a file must not be a volume's mount point. vault-k8s admits these; the result is
// unsafe, so vaultlet denies them, naming the key.
import type { FieldError } from '../../shared/errors.ts';
import { VAULT_PREFIX } from '../annotations/keys.ts';
import type { AgentSpec } from './agent-spec.ts';
import { agentMounts, secretMounts } from './volumes.ts';

export function secretPathErrors(spec: AgentSpec): FieldError[] {
  // What the agent containers of this pod mount for themselves (home, token, TLS, config, cache,
  // state...), from the same function that builds their mounts. Copied mounts are the pod's own.
  const secretVolumes = new Set(secretMounts(spec).map((m) => m.name));
  const copied = new Set(spec.copyVolumeMounts.map((m) => m.mountPath));
  const agentPaths = new Set<string>();
  for (const role of ['init', 'sidecar'] as const) {
    for (const m of agentMounts(spec, role))
      // (A token mount that was not found has no path; that is reported on its own.)
      if (m.mountPath !== '' && !secretVolumes.has(m.name) && !copied.has(m.mountPath)) agentPaths.add(m.mountPath);
  }
  const errors: FieldError[] = [];
  const check = (key: string, path: string): void => {
    for (const mount of agentPaths) {
      if (path === mount || path.startsWith(`${mount}/`)) {
        errors.push({ field: key, message: `must not be inside ${mount}, which the agent uses itself` });
      } else if (mount.startsWith(`${path}/`)) {
        errors.push({
          field: key,
          message: `must not contain ${mount}, which the agent mounts for itself: a rendered file could land in that volume`,
        });
      }
    }
  };
  check(`${VAULT_PREFIX}secret-volume-path`, spec.secretVolumePath);
  const roots = new Set([spec.secretVolumePath, ...spec.customPaths]);
  for (const s of spec.secrets) {
    if (s.mountPath !== spec.secretVolumePath) check(`${VAULT_PREFIX}secret-volume-path-${s.name}`, s.mountPath);
    if (roots.has(s.destination)) {
      errors.push({
        field: `${VAULT_PREFIX}agent-inject-file-${s.name}`,
        message: `would write the file at ${s.destination}, where a secret volume is mounted; choose a file inside it`,
      });
    }
  }
  return errors;
}
