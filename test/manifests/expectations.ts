// Properties every vaultlet install must have, checked on the chart's and kustomize's output alike.
import { expect } from '@jest/globals';
import { validateManifest } from './k8s-schemas.ts';

export type K8sObject = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export function byKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: readonly K8sObject[], kind: string): K8sObject {
  const found = byKind(objects, kind);
  expect(found.map((o) => o.kind)).toEqual([kind]);
  return found[0]!;
}

/** `path` walks plain objects and arrays ("spec.template.spec.containers.0"). */
export function at(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k]), obj);
}

export function validateAll(objects: readonly Record<string, unknown>[]): string[] {
  return objects.map((o) => validateManifest(o));
}

export const PROBE_ACTION = { httpGet: { path: '/health/ready', port: 8080, scheme: 'HTTPS' } };

/** Every label a selector's matchLabels asks for is on the pod template (so the rule selects the replicas). */
export function expectSelectsPods(matchLabels: unknown, deployment: K8sObject): void {
  expect(matchLabels).toEqual(expect.any(Object));
  const podLabels = at(deployment, 'spec.template.metadata.labels') as Record<string, string>;
  expect(Object.keys(matchLabels as object).length).toBeGreaterThan(0);
  for (const [k, v] of Object.entries(matchLabels as Record<string, string>)) expect([k, podLabels[k]]).toEqual([k, v]);
}

/** Pod anti-affinity on the node that selects the Deployment's own pods, required or preferred. */
export function expectSpreadOverNodes(deployment: K8sObject, kind: 'required' | 'preferred'): void {
  const pod = at(deployment, 'spec.template.spec');
  const term =
    kind === 'required'
      ? at(pod, 'affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0')
      : at(pod, 'affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.podAffinityTerm');
  expect(at(term, 'topologyKey')).toBe('kubernetes.io/hostname');
  expectSelectsPods(at(term, 'labelSelector.matchLabels'), deployment);
}

export function expectSecureWebhookPod(deployment: K8sObject, spread: 'required' | 'preferred' = 'preferred'): void {
  const pod = at(deployment, 'spec.template.spec') as Record<string, unknown>;
  expect(pod['securityContext']).toEqual({
    runAsNonRoot: true,
    runAsUser: 100,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  const containers = pod['containers'] as Record<string, unknown>[];
  expect(containers).toHaveLength(1);
  const c = containers[0]!;
  expect(c['securityContext']).toEqual({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  });
  expect(c['ports']).toEqual([{ name: 'https', containerPort: 8080, protocol: 'TCP' }]);
  expect(c['livenessProbe']).toEqual({
    ...PROBE_ACTION,
    failureThreshold: 2,
    initialDelaySeconds: 5,
    periodSeconds: 2,
    successThreshold: 1,
    timeoutSeconds: 5,
  });
  expect(c['readinessProbe']).toEqual({
    ...PROBE_ACTION,
    failureThreshold: 2,
    initialDelaySeconds: 5,
    periodSeconds: 2,
    successThreshold: 1,
    timeoutSeconds: 5,
  });
  expect(c['startupProbe']).toEqual({
    ...PROBE_ACTION,
    failureThreshold: 12,
    initialDelaySeconds: 5,
    periodSeconds: 5,
    successThreshold: 1,
    timeoutSeconds: 5,
  });
  expect(c['resources']).toEqual({ requests: { cpu: '50m', memory: '160Mi' }, limits: { memory: '256Mi' } });
  expect(c['args']).toEqual(['webhook']);
  expectSpreadOverNodes(deployment, spread);
}

/** The webhook never sees its own pods, kube-system or kube-public, or pods without the annotation. */
export function expectWebhookScope(mwc: K8sObject, deployment: K8sObject, timeoutSeconds: number): void {
  const webhook = (mwc['webhooks'] as Record<string, unknown>[])[0]!;
  expect(webhook['namespaceSelector']).toEqual({
    matchExpressions: [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public'] },
    ],
  });
  const podName = at(deployment, 'spec.template.metadata.labels') as Record<string, string>;
  expect(webhook['objectSelector']).toEqual({
    matchExpressions: [
      { key: 'app.kubernetes.io/name', operator: 'NotIn', values: [podName['app.kubernetes.io/name']] },
    ],
  });
  expect(webhook['matchConditions']).toEqual([
    {
      name: 'vault-agent-inject-annotated',
      expression:
        "has(object.metadata.annotations) && 'vault.hashicorp.com/agent-inject' in object.metadata.annotations",
    },
  ]);
  expect(webhook['rules']).toEqual([
    { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' },
  ]);
  expect(webhook['admissionReviewVersions']).toEqual(['v1', 'v1beta1']);
  expect(webhook['sideEffects']).toBe('None');
  expect(webhook['timeoutSeconds']).toBe(timeoutSeconds);
}

/** RBAC: named resources only, no wildcards, no list/watch/create/delete. */
export function expectMinimalRbac(
  objects: readonly K8sObject[],
  names: { mwc: string; lease?: string; secret?: string },
): void {
  const clusterRules = one(objects, 'ClusterRole')['rules'];
  expect(clusterRules).toEqual([
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations'],
      resourceNames: [names.mwc],
      verbs: ['get', 'patch'],
    },
  ]);
  const roles = byKind(objects, 'Role');
  if (names.lease === undefined) {
    expect(roles).toEqual([]);
    return;
  }
  expect(roles.map((r) => r['rules'])).toEqual([
    [
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: [names.lease],
        verbs: ['get', 'update'],
      },
      { apiGroups: [''], resources: ['secrets'], resourceNames: [names.secret], verbs: ['get', 'update'] },
    ],
  ]);
}
