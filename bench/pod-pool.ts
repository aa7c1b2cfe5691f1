// A pool of distinct annotated pods for the webhook benchmark's varied load: every pod has its own
// name, namespace, labels, service account, images, secret names and paths, template text and
// agent settings, so no review is ever a cache hit and every decision is made in full. Seeded, so
// two runs send the same pool.
import { serviceAccountTokenVolume } from '../webhook/preview/service-account-admission.ts';

/** xorshift32: deterministic and fast; the bench needs variety, not unpredictability. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const TEAMS = ['orders', 'billing', 'search', 'catalog', 'auth', 'payments', 'ledger', 'mail', 'media', 'reports'];
const ENGINES = ['database/creds', 'secret/data', 'kv/data', 'pki/issue'];
const TEMPLATES = [
  (path: string) =>
    `{{ with secret "${path}" }}{{ range $k, $v := .Data.data }}export {{ $k }}="{{ $v }}"\n{{ end }}{{ end }}`,
  (path: string) =>
    `{{- with secret "${path}" -}}\npostgresql://{{ .Data.username }}:{{ .Data.password }}@db:5432/app\n{{- end }}`,
  (path: string) => `{{ with secret "${path}" }}{{ .Data.data | toJSON }}{{ end }}`,
  (path: string) =>
    `{{ with secret "${path}" "common_name=svc.example.com" }}{{ .Data.certificate }}\n{{ .Data.private_key }}{{ end }}`,
];

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/** Replaced in every request body by a distinct id of the same width. */
export const ID_PLACEHOLDER = 'HHHHHHHHH';

/** One pod, different from every other index's in names, values and shape. */
export function variedPod(index: number): Record<string, unknown> {
  const r = rng(index * 2654435761 + 7);
  const team = `${TEAMS[index % TEAMS.length] ?? 'app'}${Math.floor(index / TEAMS.length) % 97}`;
  // The hash is a placeholder each request replaces with its own id (generateName, labels, owner,
  // Vault paths): the pool gives variety of shape, the id makes every review distinct.
  const hash = ID_PLACEHOLDER;
  const ns = `ns-${index % 61}-${hex(r, 4)}`;
  const secretCount = 1 + Math.floor(r() * 6);
  const annotations: Record<string, string> = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': `${team}-${hex(r, 3)}`,
    'vault.hashicorp.com/agent-limits-cpu': `${100 + Math.floor(r() * 400)}m`,
    'vault.hashicorp.com/agent-requests-mem': `${16 + Math.floor(r() * 48)}Mi`,
  };
  if (r() < 0.3) annotations['vault.hashicorp.com/agent-pre-populate-only'] = 'true';
  if (r() < 0.3) annotations['vault.hashicorp.com/agent-inject-token'] = 'true';
  if (r() < 0.2) annotations['vault.hashicorp.com/namespace'] = `team-${hex(r, 4)}`;
  for (let s = 0; s < secretCount; s++) {
    const name = `${['db', 'api', 'cfg', 'tls', 'cache'][s % 5] ?? 's'}-${hex(r, 5)}${s % 2 === 0 ? '.env' : ''}`;
    const engine = ENGINES[Math.floor(r() * ENGINES.length)] ?? 'secret/data';
    const path = `${engine}/${team}-${hash}-${hex(r, 6)}`;
    annotations[`vault.hashicorp.com/agent-inject-secret-${name}`] = path;
    if (r() < 0.7) {
      const make = TEMPLATES[Math.floor(r() * TEMPLATES.length)] ?? TEMPLATES[0];
      if (make !== undefined) annotations[`vault.hashicorp.com/agent-inject-template-${name}`] = make(path);
    }
    if (r() < 0.3) annotations[`vault.hashicorp.com/agent-inject-perms-${name}`] = '0440';
  }
  const saVolume = `kube-api-access-${hex(r, 5)}`;
  const saMount = { name: saVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  const containerCount = 1 + Math.floor(r() * 3);
  const containers = Array.from({ length: containerCount }, (_, c) => ({
    name: c === 0 ? team : `side-${c}-${hex(r, 3)}`,
    image: `ghcr.io/example-${hex(r, 3)}/${team}:${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 50)}`,
    ports: [{ name: 'http', containerPort: 8000 + c, protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: r() < 0.5 ? 'info' : 'debug' },
      { name: 'REGION', value: `eu-${hex(r, 2)}` },
    ],
    resources: { requests: { cpu: `${10 + Math.floor(r() * 200)}m`, memory: `${32 + Math.floor(r() * 200)}Mi` } },
    volumeMounts: [saMount],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${team}-${hash}-`,
      namespace: ns,
      labels: { 'app.kubernetes.io/name': team, 'pod-template-hash': hash, tier: r() < 0.5 ? 'web' : 'worker' },
      annotations,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${team}-${hash}`,
          uid: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: team,
      securityContext: { runAsUser: 1000 + (index % 50), runAsGroup: 1000, fsGroup: 1000 },
      containers,
      volumes: [serviceAccountTokenVolume(saVolume)],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
    },
  };
}

// What the API server adds to a pod a ReplicaSet controller creates before any webhook sees it, and
// the review around it (admission.k8s.io/v1, fields in the order the API server writes them):
// defaults (terminationGracePeriodSeconds, the deprecated serviceAccount), the two tolerations of
// the DefaultTolerationSeconds admission plugin, creationTimestamp null and an empty status, and
// metadata.managedFields, which the field manager computes before admission: every field the
// controller set, annotation keys included (the token volume and its mounts, which the
// ServiceAccount admission plugin adds later, and the priority fields are not among them).
const GVK = { group: '', version: 'v1', kind: 'Pod' };
const GVR = { group: '', version: 'v1', resource: 'pods' };
const CONTROLLER = {
  username: 'system:serviceaccount:kube-system:replicaset-controller',
  uid: '6c1f0d8e-3a5b-4c2e-9f7d-1b2a3c4d5e6f',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
};
const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
  key,
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
}));

type Json = Record<string, unknown>;

/** How the field manager names an item of each keyed list it tracks. */
const LIST_ITEM_KEYS: Readonly<Record<string, (item: Json) => Json>> = {
  containers: (i) => ({ name: i['name'] }),
  env: (i) => ({ name: i['name'] }),
  ports: (i) => ({ containerPort: i['containerPort'], protocol: i['protocol'] }),
  ownerReferences: (i) => ({ uid: i['uid'] }),
};

/** A FieldsV1 set: `f:` per field, `k:` per keyed list item, `.` for a set member itself; keys sorted. */
function fieldSet(value: Json, member: boolean): Json {
  const entries: [string, unknown][] = member ? [['.', {}]] : [];
  for (const [field, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const itemKey = LIST_ITEM_KEYS[field];
    if (Array.isArray(v) && itemKey !== undefined) {
      const items: [string, unknown][] = [['.', {}]];
      for (const item of v as Json[]) {
        items.push([`k:${JSON.stringify(itemKey(item))}`, field === 'ownerReferences' ? {} : fieldSet(item, true)]);
      }
      entries.push([`f:${field}`, Object.fromEntries(items.sort(byKey))]);
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      entries.push([`f:${field}`, fieldSet(v as Json, true)]);
    } else {
      entries.push([`f:${field}`, {}]);
    }
  }
  return Object.fromEntries(entries.sort(byKey));
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** `pod`'s review as the API server sends it for a CREATE by the ReplicaSet controller. */
function apiServerReview(pod: Json, uid: string): Json {
  const metadata = pod['metadata'] as Json;
  const spec = pod['spec'] as Json & { containers: Json[]; volumes: Json[] };
  const tokenVolume = (spec.volumes[0] as Json)['name'];
  const containers = spec.containers.map((c) => ({
    ...c,
    volumeMounts: (c['volumeMounts'] as Json[]).filter((m) => m['name'] !== tokenVolume),
  }));
  // The spec fields between containers and the scheduler, defaults included, in the API server's order.
  const defaulted = {
    restartPolicy: spec['restartPolicy'],
    terminationGracePeriodSeconds: 30,
    dnsPolicy: spec['dnsPolicy'],
    serviceAccountName: spec['serviceAccountName'],
    serviceAccount: spec['serviceAccountName'],
    securityContext: spec['securityContext'],
    schedulerName: spec['schedulerName'],
  };
  const asked = {
    metadata: {
      generateName: metadata['generateName'],
      labels: metadata['labels'],
      annotations: metadata['annotations'],
      ownerReferences: metadata['ownerReferences'],
    },
    spec: {
      containers: containers.map(({ volumeMounts, ...c }) => (volumeMounts.length > 0 ? { ...c, volumeMounts } : c)),
      ...defaulted,
      enableServiceLinks: spec['enableServiceLinks'],
    },
  };
  const managedFields = [
    {
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-12-06T05:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': fieldSet(asked.metadata, false), 'f:spec': fieldSet(asked.spec, false) },
    },
  ];
  const object = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      generateName: metadata['generateName'],
      namespace: metadata['namespace'],
      creationTimestamp: null,
      labels: metadata['labels'],
      annotations: metadata['annotations'],
      ownerReferences: metadata['ownerReferences'],
      managedFields,
    },
    spec: {
      volumes: spec.volumes,
      containers: spec.containers,
      ...defaulted,
      tolerations: DEFAULT_TOLERATIONS,
      priority: spec['priority'],
      enableServiceLinks: spec['enableServiceLinks'],
      preemptionPolicy: spec['preemptionPolicy'],
    },
    status: {},
  };
  return {
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid,
      kind: GVK,
      resource: GVR,
      requestKind: GVK,
      requestResource: GVR,
      namespace: metadata['namespace'],
      operation: 'CREATE',
      userInfo: CONTROLLER,
      object,
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

/**
 * How the pool's reviews are written: 'api-server' as the API server sends them (the benchmark's
 * varied load); 'trimmed' with only the fields the webhook reads, the pod without what the API
 * server adds (the load the benchmark measured before 2026-12-06, kept for comparison).
 */
export type ReviewShape = 'api-server' | 'trimmed';

/** The AdmissionReview bodies of `size` pods of distinct shapes; their uid is ID_PLACEHOLDER too. */
export function variedReviews(size: number, shape: ReviewShape = 'api-server'): string[] {
  return Array.from({ length: size }, (_, i) => {
    const pod = variedPod(i) as { metadata: { namespace: string } };
    const uid = `pool-${ID_PLACEHOLDER}`;
    if (shape === 'api-server') return JSON.stringify(apiServerReview(pod, uid));
    return JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid, namespace: pod.metadata.namespace, operation: 'CREATE', object: pod },
    });
  });
}
