// Where rendered files may land. Kubernetes mounts a volume inside another when one mount path
// contains the other, so a secret volume at `/home` would let `agent-inject-file-x: vault/.vault-token`
// overwrite the agent's token. A secret volume path must neither be inside an agent mount nor
// contain one, and a file must not be a volume's mount point. vault-k8s admits these; the result is
// unsafe, so vaultlet denies them, naming the key.
import type { FieldError } from '../../shared/errors.ts';
import { VAULT_PREFIX } from '../annotations/keys.ts';
import { RESERVED_AGENT_PATHS } from '../annotations/paths.ts';
import type { AgentSpec } from './agent-spec.ts';

type Spec = Pick<AgentSpec, 'secretVolumePath' | 'secrets' | 'customPaths' | 'serviceAccount' | 'aws'>;

export function secretPathErrors(spec: Spec): FieldError[] {
  // Every path an agent container mounts for itself, whether or not this pod uses it.
  const agentMounts = [...RESERVED_AGENT_PATHS];
  if (spec.serviceAccount.mountPath !== '') agentMounts.push(spec.serviceAccount.mountPath);
  if (spec.aws.mount !== undefined) agentMounts.push(spec.aws.mount.mountPath);
  const errors: FieldError[] = [];
  const check = (key: string, path: string): void => {
    for (const mount of agentMounts) {
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
