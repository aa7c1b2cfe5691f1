// In a cluster, the API server's ServiceAccount admission plugin runs before mutating webhooks: it
// sets spec.serviceAccountName and mounts the projected `kube-api-access-*` token volume in every
// container. The injector relies on that mount (its agents log in with that token), so a manifest
// previewed as written would always be denied. Preview applies the same step first. Pure.
import { isRecord, type Json } from './workloads.ts';

export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SA_VOLUME_NAME = 'kube-api-access-preview';

/** The projected token volume the API server adds: the token, the cluster CA and the namespace. */
export function serviceAccountTokenVolume(name: string): Json {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

function containersOf(spec: Json): Json[] {
  const lists = [spec['initContainers'], spec['containers']];
  return lists.flatMap((l) => (Array.isArray(l) ? l.filter(isRecord) : []));
}

function mountsServiceAccount(container: Json): boolean {
  const mounts = container['volumeMounts'];
  return Array.isArray(mounts) && mounts.some((m) => isRecord(m) && m['mountPath'] === SA_MOUNT_PATH);
}

/**
 * The pod as the ServiceAccount admission plugin would pass it on, or undefined when it would change
 * nothing (token automount off, or the token already mounted).
 */
export function admitServiceAccount(pod: Json): Json | undefined {
  const spec = pod['spec'];
  if (!isRecord(spec) || spec['automountServiceAccountToken'] === false) return undefined;
  const containers = containersOf(spec);
  if (containers.length === 0 || containers.some(mountsServiceAccount)) return undefined;
  const copy = structuredClone(pod);
  const s = copy['spec'] as Json;
  if (typeof s['serviceAccountName'] !== 'string' || s['serviceAccountName'] === '')
    s['serviceAccountName'] = 'default';
  const volumes: unknown[] = Array.isArray(s['volumes']) ? (s['volumes'] as unknown[]) : [];
  s['volumes'] = [...volumes, serviceAccountTokenVolume(SA_VOLUME_NAME)];
  for (const c of containersOf(s)) {
    const mounts: unknown[] = Array.isArray(c['volumeMounts']) ? (c['volumeMounts'] as unknown[]) : [];
    c['volumeMounts'] = [...mounts, { name: SA_VOLUME_NAME, mountPath: SA_MOUNT_PATH, readOnly: true }];
  }
  return copy;
}
