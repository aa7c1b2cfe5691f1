// `helm template`'s output: every non-empty document of the rendered files, each headed by
// `---` and `# Source: <chart>/templates/<file>`, in Helm's install order by kind (kinds Helm
// does not list come last, by kind name; the rest keeps file order).
import { parse as parseYaml } from 'yaml';
import type { RenderedFile } from './render-chart.ts';

// helm/pkg/releaseutil/kind_sorter.go InstallOrder.
const INSTALL_ORDER = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
] as const;
const RANK = new Map<string, number>(INSTALL_ORDER.map((kind, i) => [kind, i]));

interface Manifest {
  readonly source: string;
  readonly kind: string;
  readonly text: string;
}

function documents(text: string): string[] {
  return text
    .split(/^---[ \t]*$/m)
    .map((d) => d.trim())
    .filter((d) => d !== '' && !/^(#[^\n]*(\n|$)|\s)*$/.test(d));
}

function kindOf(text: string): string {
  const parsed = parseYaml(text) as unknown;
  return typeof parsed === 'object' && parsed !== null && typeof (parsed as { kind?: unknown }).kind === 'string'
    ? (parsed as { kind: string }).kind
    : '';
}

function compare(a: Manifest, b: Manifest): number {
  const ra = RANK.get(a.kind);
  const rb = RANK.get(b.kind);
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

export function formatTemplateOutput(chartName: string, files: readonly RenderedFile[]): string {
  const manifests: Manifest[] = [];
  for (const file of files) {
    if (!file.template.endsWith('.yaml')) continue;
    for (const text of documents(file.text))
      manifests.push({ source: `${chartName}/${file.template}`, kind: kindOf(text), text });
  }
  manifests.sort(compare); // stable: same kind keeps file order
  return manifests.map((m) => `---\n# Source: ${m.source}\n${m.text}\n`).join('');
}
