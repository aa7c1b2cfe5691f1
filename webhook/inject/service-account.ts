// Which service-account token the agents authenticate with.
import { posix } from 'node:path';
import type { Container, Pod } from './pod.ts';

export interface ServiceAccountToken {
  readonly volumeName: string;
  readonly mountPath: string;
  /** mountPath joined with the token file name. */
  readonly tokenPath: string;
}

export const PROJECTED_TOKEN_MOUNT = '/var/run/secrets/vault.hashicorp.com/serviceaccount';
const IRSA_MARKER = 'eks.amazonaws.com';

/** The token to use, or an error message. */
export function findServiceAccountToken(
  pod: Pod,
  containers: readonly Container[],
  projectedName: string,
): ServiceAccountToken | string {
  if (projectedName !== '') return projected(pod, containers, projectedName);
  // vault-k8s takes the first mount whose path contains "serviceaccount"; the EKS IRSA mount also
  // does, so a real service-account mount is preferred over it whatever the order.
  const mounts = containers
    .flatMap((c) => c.volumeMounts ?? [])
    .filter((m) => typeof m.mountPath === 'string' && m.mountPath.includes('serviceaccount'));
  const mount = mounts.find((m) => !m.mountPath.includes(IRSA_MARKER)) ?? mounts[0];
  if (mount === undefined)
    return 'failed to find service account volume mount (no container mounts a path containing "serviceaccount")';
  return { volumeName: mount.name, mountPath: mount.mountPath, tokenPath: posix.join(mount.mountPath, 'token') };
}

function projected(pod: Pod, containers: readonly Container[], name: string): ServiceAccountToken | string {
  const volume = (pod.spec?.volumes ?? []).find((v) => v.name === name);
  const mount = containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === name);
  if (volume === undefined) return `failed to find service account volume "${name}" in the pod's volumes`;
  const source = (volume.projected?.sources ?? []).find((s) => typeof s.serviceAccountToken?.path === 'string');
  const file = source?.serviceAccountToken?.path;
  if (file === undefined || file === '') return `failed to find tokenPath for projected volume "${name}"`;
  const mountPath = mount?.mountPath ?? PROJECTED_TOKEN_MOUNT;
  return { volumeName: name, mountPath, tokenPath: posix.join(mountPath, file) };
}
