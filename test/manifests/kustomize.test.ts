// The plain manifests rendered by the real `kubectl kustomize`, validated against the Kubernetes
// schemas, checked for the same properties as the chart, and compared with the chart's defaults.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderChartObjects } from '../helm/render-chart.ts';
import { docValues } from '../helm/doc-examples.ts';
import {
  at,
  byKind,
  expectMinimalRbac,
  expectSecureWebhookPod,
  expectWebhookScope,
  one,
  validateAll,
  type K8sObject,
} from './expectations.ts';

const BASE = resolve('manifests/kustomize');
// The base is the chart with docs/install.md's HA values (two replicas, 5 s, preferred spread).
const HA = docValues(['docs/install.md'], 'ha');

function kustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o !== null);
}

function withoutLabels(obj: unknown): unknown {
  if (Array.isArray(obj)) return obj.map(withoutLabels);
  if (obj === null || typeof obj !== 'object') return obj;
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([k]) => k !== 'labels')
      .map(([k, v]) => [k, withoutLabels(v)]),
  );
}

// The real kustomize is needed; without kubectl on the machine these tests are skipped.
const HAS_KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

(HAS_KUBECTL ? describe : describe.skip)('kustomize manifests', () => {
  const objects = HAS_KUBECTL ? kustomize(BASE) : [];
  const chart = renderChartObjects('manifests/chart', { values: HA }) as K8sObject[];

  it('render with kubectl kustomize into valid objects in the vaultlet namespace', () => {
    expect(validateAll(objects).sort()).toEqual([
      'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
      'apps/v1/Deployment',
      'coordination.k8s.io/v1/Lease',
      'networking.k8s.io/v1/NetworkPolicy',
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
      if (
        ![
          'ClusterRole',
          'ClusterRoleBinding',
          'MutatingWebhookConfiguration',
          'Namespace',
          'ValidatingAdmissionPolicy',
          'ValidatingAdmissionPolicyBinding',
        ].includes(o.kind)
      )
        expect(o.metadata.namespace).toBe('vaultlet');
    }
  });

  it('have the same hardened pod, webhook scope and minimal RBAC as the chart', () => {
    const deployment = one(objects, 'Deployment');
    expectSecureWebhookPod(deployment);
    expectWebhookScope(one(objects, 'MutatingWebhookConfiguration'), deployment, 5);
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.failurePolicy')).toBe('Ignore');
    expectMinimalRbac(objects, {
      mwc: 'vaultlet-agent-injector-cfg',
      lease: 'vaultlet-agent-injector-leader',
      secret: 'vaultlet-agent-injector-certs',
    });
  });

  it('send agents to Vault over https', () => {
    const env = at(one(objects, 'Deployment'), 'spec.template.spec.containers.0.env') as {
      name: string;
      value?: string;
    }[];
    expect(env.find((e) => e.name === 'AGENT_INJECT_VAULT_ADDR')?.value).toMatch(/^https:\/\//);
  });

  it('match the chart with the HA values apart from labels and the Vault address (caBundle guard and NetworkPolicy included)', () => {
    const kinds = [
      'Deployment',
      'MutatingWebhookConfiguration',
      'Service',
      'ClusterRole',
      'Role',
      'RoleBinding',
      'ClusterRoleBinding',
      'PodDisruptionBudget',
      'Lease',
      'Secret',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'NetworkPolicy',
    ];
    for (const kind of kinds) {
      const fromKustomize = withoutLabels(one(objects, kind)) as Record<string, unknown>;
      const fromChart = withoutLabels(one(chart, kind)) as Record<string, unknown>;
      if (kind === 'Deployment') {
        const env = (d: unknown): unknown[] =>
          (at(d, 'spec.template.spec.containers.0.env') as { name: string }[]).filter(
            (e) => e.name !== 'AGENT_INJECT_VAULT_ADDR',
          );
        expect(env(fromKustomize)).toEqual(env(fromChart));
        const strip = (d: Record<string, unknown>): unknown =>
          JSON.parse(JSON.stringify(d, (k, v: unknown) => (k === 'env' ? undefined : v)));
        expect(strip(fromKustomize)).toEqual(strip(fromChart));
      } else {
        expect(fromKustomize).toEqual(fromChart);
      }
    }
  });

  it('offer the validating policy as a component, and narrow the NetworkPolicy by a patch (examples/hardened)', () => {
    const withComponents = kustomize(join(BASE, 'examples/hardened'));
    validateAll(withComponents);
    const fromChart = renderChartObjects('manifests/chart', {
      values: {
        injector: {
          ...(HA['injector'] as object),
          validatingPolicy: { enabled: true },
          networkPolicy: { apiServerCIDRs: ['10.0.0.0/28'] },
        },
      },
    }) as K8sObject[];
    const key = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'NetworkPolicy']) {
      const sorted = (list: K8sObject[]): unknown[] =>
        byKind(list, kind)
          .sort((a, b) => key(a).localeCompare(key(b)))
          .map(withoutLabels);
      expect(sorted(withComponents)).toEqual(sorted(fromChart));
    }
    expect(byKind(withComponents, 'NetworkPolicy')[0]?.metadata.namespace).toBe('vaultlet');
  });
});
