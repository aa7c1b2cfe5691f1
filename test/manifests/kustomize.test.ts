// The plain manifests rendered by the real `kubectl kustomize`, validated against the Kubernetes
// schemas, checked for the same properties as the chart, and compared with the chart's defaults.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderChartObjects } from '../helm/render-chart.ts';
import {
  at, byKind, expectMinimalRbac, expectSecureWebhookPod, expectWebhookScope, one, validateAll, type K8sObject,
} from './expectations.ts';

const BASE = resolve('manifests/kustomize');

function kustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject).filter((o) => o !== null);
}

function withoutLabels(obj: unknown): unknown {
  if (Array.isArray(obj)) return obj.map(withoutLabels);
  if (obj === null || typeof obj !== 'object') return obj;
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'labels').map(([k, v]) => [k, withoutLabels(v)]));
}

describe('kustomize manifests', () => {
  const objects = kustomize(BASE);
  const chart = renderChartObjects('manifests/chart') as K8sObject[];

  it('render with kubectl kustomize into valid objects in the vaultlet namespace', () => {
    expect(validateAll(objects).sort()).toEqual([
      'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
      'apps/v1/Deployment',
      'coordination.k8s.io/v1/Lease',
      'policy/v1/PodDisruptionBudget',
      'rbac.authorization.k8s.io/v1/ClusterRole',
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/Namespace',
      'v1/Secret',
      'v1/Service',
      'v1/ServiceAccount',
    ]);
    for (const o of objects) {
      expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('vaultlet');
      if (!['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'Namespace'].includes(o.kind)) expect(o.metadata.namespace).toBe('vaultlet');
    }
  });

  it('have the same hardened pod, webhook scope and minimal RBAC as the chart', () => {
    const deployment = one(objects, 'Deployment');
    expectSecureWebhookPod(deployment);
    expectWebhookScope(one(objects, 'MutatingWebhookConfiguration'), deployment);
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.failurePolicy')).toBe('Ignore');
    expectMinimalRbac(objects, { mwc: 'vaultlet-agent-injector-cfg', lease: 'vaultlet-injector-leader', secret: 'vaultlet-injector-certs' });
  });

  it('match the chart\'s default render apart from labels and the Vault address', () => {
    for (const kind of ['Deployment', 'MutatingWebhookConfiguration', 'Service', 'ClusterRole', 'Role', 'RoleBinding', 'ClusterRoleBinding', 'PodDisruptionBudget', 'Lease', 'Secret']) {
      const fromKustomize = withoutLabels(one(objects, kind)) as Record<string, unknown>;
      const fromChart = withoutLabels(one(chart, kind)) as Record<string, unknown>;
      if (kind === 'Deployment') {
        const env = (d: unknown): unknown[] => (at(d, 'spec.template.spec.containers.0.env') as { name: string }[]).filter((e) => e.name !== 'AGENT_INJECT_VAULT_ADDR');
        expect(env(fromKustomize)).toEqual(env(fromChart));
        const strip = (d: Record<string, unknown>): unknown => JSON.parse(JSON.stringify(d, (k, v: unknown) => (k === 'env' ? undefined : v)));
        expect(strip(fromKustomize)).toEqual(strip(fromChart));
      } else {
        expect(fromKustomize).toEqual(fromChart);
      }
    }
  });

  it('offer the validating policy and network policy as components (examples/hardened)', () => {
    const withComponents = kustomize(join(BASE, 'examples/hardened'));
    validateAll(withComponents);
    const fromChart = renderChartObjects('manifests/chart', { values: { injector: { validatingPolicy: { enabled: true }, networkPolicy: { enabled: true } } } }) as K8sObject[];
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'NetworkPolicy']) {
      expect(withoutLabels(one(withComponents, kind))).toEqual(withoutLabels(one(fromChart, kind)));
    }
    expect(byKind(withComponents, 'NetworkPolicy')[0]?.metadata.namespace).toBe('vaultlet');
  });
});
