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

/** The AdmissionReview bodies of `size` pods of distinct shapes; their uid is ID_PLACEHOLDER too. */
export function variedReviews(size: number): string[] {
  return Array.from({ length: size }, (_, i) => {
    const pod = variedPod(i) as { metadata: { namespace: string } };
    return JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: `pool-${ID_PLACEHOLDER}`, namespace: pod.metadata.namespace, operation: 'CREATE', object: pod },
    });
  });
}
