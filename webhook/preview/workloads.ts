// Where the pod lives in each kind `vaultlet preview` understands, so the webhook's decision can
// be previewed on the manifests people actually write (Deployments, not Pods).

export type Json = Record<string, unknown>;

export interface PodTarget {
  readonly kind: string;
  readonly name: string;
  /** JSON Pointer of the pod template inside the object ('' for a Pod). */
  readonly pointer: string;
  /** The pod to admit: the Pod itself, or the template dressed as a Pod. */
  readonly pod: Json;
  /** Vault annotations found on a workload's own metadata (where the injector never looks). */
  readonly misplacedAnnotations: readonly string[];
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
});

export const PREVIEW_KINDS: readonly string[] = Object.freeze(['Pod', ...Object.keys(TEMPLATE_PATHS)]);

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(obj: Json, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) cur = isRecord(cur) ? cur[key] : undefined;
  return cur;
}

function vaultAnnotationKeys(metadata: unknown): string[] {
  const annotations = isRecord(metadata) ? metadata['annotations'] : undefined;
  if (!isRecord(annotations)) return [];
  return Object.keys(annotations)
    .filter((k) => k.startsWith('vault.hashicorp.com/'))
    .sort();
}

/** The pod inside a manifest object, or undefined for kinds that hold none. */
export function findPodTarget(obj: Json): PodTarget | undefined {
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const metadata = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const name =
    typeof metadata['name'] === 'string'
      ? metadata['name']
      : typeof metadata['generateName'] === 'string'
        ? metadata['generateName']
        : '';
  if (kind === 'Pod') return { kind, name, pointer: '', pod: obj, misplacedAnnotations: [] };
  const path = TEMPLATE_PATHS[kind];
  if (path === undefined) return undefined;
  const template = at(obj, path);
  if (!isRecord(template)) return undefined;
  const onTemplate = new Set(vaultAnnotationKeys(template['metadata']));
  const misplaced = vaultAnnotationKeys(metadata).filter((k) => !onTemplate.has(k));
  return {
    kind,
    name,
    pointer: `/${path.join('/')}`,
    pod: { apiVersion: 'v1', kind: 'Pod', ...template },
    misplacedAnnotations: misplaced,
  };
}

/** Puts a mutated pod back where findPodTarget found it (apiVersion/kind stay off templates). */
export function withPod(obj: Json, target: PodTarget, mutatedPod: Json): Json {
  if (target.pointer === '') return mutatedPod;
  const { apiVersion: _a, kind: _k, ...template } = mutatedPod;
  const path = TEMPLATE_PATHS[target.kind] ?? [];
  const copy = structuredClone(obj);
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Json;
  parent[path[path.length - 1] ?? 'template'] = template;
  return copy;
}
