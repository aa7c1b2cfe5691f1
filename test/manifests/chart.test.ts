// The Helm chart rendered by test/helm/render-chart.ts (Go text/template + Helm functions, no helm
// binary), every document validated against the Kubernetes schemas, the properties checked.
import { describe, expect, it } from '@jest/globals';
import { renderChart, renderChartObjects, type RenderOptions } from '../helm/render-chart.ts';
import {
  at, byKind, expectMinimalRbac, expectSecureWebhookPod, expectWebhookScope, one, validateAll, type K8sObject,
} from './expectations.ts';

const CHART = 'manifests/chart';

function render(options: RenderOptions = {}): K8sObject[] {
  return renderChartObjects(CHART, options) as K8sObject[];
}

function envOf(objects: readonly K8sObject[]): Record<string, unknown> {
  const env = at(one(objects, 'Deployment'), 'spec.template.spec.containers.0.env') as { name: string; value?: string; valueFrom?: unknown }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe('Helm chart, default values', () => {
  const objects = render();

  it('renders exactly the install objects, each valid against its Kubernetes schema', () => {
    expect(validateAll(objects).sort()).toEqual([
      'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
      'apps/v1/Deployment',
      'coordination.k8s.io/v1/Lease',
      'policy/v1/PodDisruptionBudget',
      'rbac.authorization.k8s.io/v1/ClusterRole',
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/Secret',
      'v1/Service',
      'v1/ServiceAccount',
    ]);
    for (const o of objects) {
      if (o.kind !== 'ClusterRole' && o.kind !== 'ClusterRoleBinding' && o.kind !== 'MutatingWebhookConfiguration') expect(o.metadata.namespace).toBe('vaultlet');
    }
  });

  it('runs two hardened replicas with HTTPS probes on /health/ready, spread over nodes, with a PDB', () => {
    const deployment = one(objects, 'Deployment');
    expect(at(deployment, 'spec.replicas')).toBe(2);
    expectSecureWebhookPod(deployment);
    const pdb = one(objects, 'PodDisruptionBudget');
    expect(pdb['spec']).toEqual({ maxUnavailable: 1, selector: { matchLabels: at(deployment, 'spec.selector.matchLabels') } });
  });

  it('configures the webhook through vault-k8s environment variables, auto-TLS with leader election', () => {
    expect(envOf(objects)).toEqual({
      AGENT_INJECT_LISTEN: ':8080',
      AGENT_INJECT_LOG_LEVEL: 'info',
      AGENT_INJECT_LOG_FORMAT: 'standard',
      AGENT_INJECT_VAULT_ADDR: 'http://vaultlet-vault.vaultlet.svc:8200',
      AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
      AGENT_INJECT_VAULT_IMAGE: 'ghcr.io/vaultlet/agent:0.1.0',
      AGENT_INJECT_TLS_AUTO: 'vaultlet-agent-injector-cfg',
      AGENT_INJECT_TLS_AUTO_HOSTS: 'vaultlet-agent-injector-svc,vaultlet-agent-injector-svc.vaultlet,vaultlet-agent-injector-svc.vaultlet.svc',
      AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
      AGENT_INJECT_CPU_REQUEST: '250m',
      AGENT_INJECT_CPU_LIMIT: '500m',
      AGENT_INJECT_MEM_REQUEST: '64Mi',
      AGENT_INJECT_MEM_LIMIT: '128Mi',
      AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
      AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'true',
      AGENT_INJECT_NATIVE_SIDECAR: 'false',
      AGENT_INJECT_TEMPLATE_ENGINE: 'go',
      AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
      NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
    });
  });

  it('exposes 443 → 8080 to the pods of the Deployment', () => {
    const service = one(objects, 'Service');
    expect(service['spec']).toEqual({
      selector: at(one(objects, 'Deployment'), 'spec.selector.matchLabels'),
      ports: [{ name: 'https', port: 443, targetPort: 8080, protocol: 'TCP' }],
    });
  });

  it('registers one mutating webhook for pod CREATE, failurePolicy Ignore, scoped away from itself and system namespaces', () => {
    const mwc = one(objects, 'MutatingWebhookConfiguration');
    expectWebhookScope(mwc, one(objects, 'Deployment'));
    expect(mwc['webhooks']).toEqual([expect.objectContaining({
      name: 'vault.hashicorp.com', failurePolicy: 'Ignore', matchPolicy: 'Exact', reinvocationPolicy: 'Never',
      clientConfig: { service: { name: 'vaultlet-agent-injector-svc', namespace: 'vaultlet', path: '/mutate', port: 443 } },
    })]);
    expect(mwc.metadata.name).toBe(envOf(objects)['AGENT_INJECT_TLS_AUTO']);
  });

  it('grants only what auto-TLS and leader election use, on the objects the chart creates', () => {
    expectMinimalRbac(objects, { mwc: 'vaultlet-agent-injector-cfg', lease: 'vaultlet-injector-leader', secret: 'vaultlet-injector-certs' });
    expect(one(objects, 'Lease').metadata.name).toBe('vaultlet-injector-leader');
    expect(one(objects, 'Secret')).toEqual(expect.objectContaining({ type: 'Opaque', metadata: expect.objectContaining({ name: 'vaultlet-injector-certs' }) }));
    expect(one(objects, 'Secret')['data']).toBeUndefined();
    for (const binding of [...byKind(objects, 'RoleBinding'), ...byKind(objects, 'ClusterRoleBinding')]) {
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'vaultlet-agent-injector', namespace: 'vaultlet' }]);
    }
    expect(at(one(objects, 'Deployment'), 'spec.template.spec.serviceAccountName')).toBe(one(objects, 'ServiceAccount').metadata.name);
  });
});

describe('Helm chart, other values', () => {
  it('with one replica: no PDB, no Lease/Secret/Role, no leader election', () => {
    const objects = render({ values: { injector: { replicas: 1 } } });
    validateAll(objects);
    expect(byKind(objects, 'PodDisruptionBudget')).toEqual([]);
    expect(byKind(objects, 'Lease')).toEqual([]);
    expect(byKind(objects, 'Secret')).toEqual([]);
    expectMinimalRbac(objects, { mwc: 'vaultlet-agent-injector-cfg' });
    expect(envOf(objects)['AGENT_INJECT_USE_LEADER_ELECTOR']).toBeUndefined();
  });

  it('with a certificate Secret: serves from files, sets caBundle, needs no Kubernetes API access', () => {
    const objects = render({ values: { injector: { certs: { secretName: 'injector-tls', caBundle: 'Q0EK' } } } });
    validateAll(objects);
    expect(byKind(objects, 'ClusterRole')).toEqual([]);
    expect(byKind(objects, 'Role')).toEqual([]);
    const env = envOf(objects);
    expect([env['AGENT_INJECT_TLS_CERT_FILE'], env['AGENT_INJECT_TLS_KEY_FILE'], env['AGENT_INJECT_TLS_AUTO']]).toEqual(['/etc/webhook/certs/tls.crt', '/etc/webhook/certs/tls.key', undefined]);
    const pod = at(one(objects, 'Deployment'), 'spec.template.spec');
    expect(at(pod, 'volumes.1')).toEqual({ name: 'webhook-certs', secret: { secretName: 'injector-tls' } });
    expect(at(pod, 'containers.0.volumeMounts.1')).toEqual({ name: 'webhook-certs', mountPath: '/etc/webhook/certs', readOnly: true });
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.clientConfig.caBundle')).toBe('Q0EK');
  });

  it.each([
    [{ webhook: { failurePolicy: 'Fail' } }, 'Fail'],
    [{ webhook: { failurePolicy: '' }, failurePolicy: 'Fail' }, 'Fail'],
    [{ webhook: { failurePolicy: null } }, 'Ignore'],
  ])('failurePolicy from %j is %s', (injector, expected) => {
    const objects = render({ values: { injector } });
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.failurePolicy')).toBe(expected);
  });

  it('refuses a failurePolicy other than Ignore or Fail', () => {
    // Helm reports `fail` the same way: executing "<file>" at <fail ...>: error calling fail: <message>.
    expect(() => render({ values: { injector: { webhook: { failurePolicy: 'Sometimes' } } } }))
      .toThrow('error calling fail: injector.webhook.failurePolicy must be Ignore or Fail, not Sometimes');
  });

  it('adds the opt-in ValidatingAdmissionPolicy that denies pods asking for injection without being injected', () => {
    const objects = render({ values: { injector: { validatingPolicy: { enabled: true } } } });
    validateAll(objects);
    const policy = one(objects, 'ValidatingAdmissionPolicy');
    expect(policy['spec']).toEqual({
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
      matchConditions: [{
        name: 'injection-requested',
        expression: "has(object.metadata.annotations) && 'vault.hashicorp.com/agent-inject' in object.metadata.annotations && "
          + "object.metadata.annotations['vault.hashicorp.com/agent-inject'] in ['1', 't', 'T', 'TRUE', 'true', 'True']",
      }],
      validations: [{
        expression: "'vault.hashicorp.com/agent-inject-status' in object.metadata.annotations && "
          + "object.metadata.annotations['vault.hashicorp.com/agent-inject-status'] == 'injected'",
        message: 'the pod asks for Vault agent injection (vault.hashicorp.com/agent-inject) but was not injected; the injector webhook may be unavailable. Retry when it is ready.',
        reason: 'Forbidden',
      }],
    });
    const binding = one(objects, 'ValidatingAdmissionPolicyBinding');
    const webhook = at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0') as Record<string, unknown>;
    expect(binding['spec']).toEqual({
      policyName: policy.metadata.name, validationActions: ['Deny'],
      matchResources: { namespaceSelector: webhook['namespaceSelector'], objectSelector: webhook['objectSelector'] },
    });
  });

  it('adds the opt-in NetworkPolicy restricted to the webhook port', () => {
    const from = [{ ipBlock: { cidr: '10.0.0.0/8' } }];
    const objects = render({ values: { injector: { networkPolicy: { enabled: true, from } } } });
    validateAll(objects);
    expect(one(objects, 'NetworkPolicy')['spec']).toEqual({
      podSelector: { matchLabels: at(one(objects, 'Deployment'), 'spec.selector.matchLabels') },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }], from }],
    });
  });

  it('takes a vault-helm values file as it is (global + injector sections, other sections ignored)', () => {
    const vaultHelmValues = {
      global: { externalVaultAddr: 'https://vault.example.com:8200' },
      server: { enabled: false, ha: { enabled: true } },
      injector: {
        replicas: 3, logLevel: 'debug', logFormat: 'json', authPath: 'auth/k8s-prod', revokeOnShutdown: true,
        metrics: { enabled: true },
        agentImage: { repository: 'hashicorp/vault', tag: '1.18.1' },
        agentDefaults: { cpuLimit: '1', memRequest: '32Mi', template: 'json', templateConfig: { exitOnRetryFailure: false, staticSecretRenderInterval: '5m' } },
        namespaceSelector: { matchLabels: { 'vault-injection': 'enabled' } },
        objectSelector: 'matchLabels:\n  release: {{ .Release.Name }}\n',
        webhookAnnotations: { team: 'platform' },
        extraEnvironmentVars: { HTTPS_PROXY: 'http://proxy:3128' },
        podDisruptionBudget: { minAvailable: 2 },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
      },
    };
    const objects = render({ releaseName: 'vault', namespace: 'vault', values: vaultHelmValues });
    validateAll(objects);
    const env = envOf(objects);
    expect(env).toMatchObject({
      AGENT_INJECT_VAULT_ADDR: 'https://vault.example.com:8200', AGENT_INJECT_LOG_LEVEL: 'debug', AGENT_INJECT_LOG_FORMAT: 'json',
      AGENT_INJECT_VAULT_AUTH_PATH: 'auth/k8s-prod', AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'true', AGENT_INJECT_TELEMETRY_PATH: '/metrics',
      AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:1.18.1', AGENT_INJECT_CPU_LIMIT: '1', AGENT_INJECT_MEM_REQUEST: '32Mi',
      AGENT_INJECT_CPU_REQUEST: '250m', AGENT_INJECT_DEFAULT_TEMPLATE: 'json', AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'false',
      AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL: '5m', HTTPS_PROXY: 'http://proxy:3128', AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
      AGENT_INJECT_TLS_AUTO: 'vault-vaultlet-agent-injector-cfg',
    });
    expect(at(one(objects, 'Deployment'), 'spec.replicas')).toBe(3);
    expect(at(one(objects, 'Deployment'), 'spec.template.spec.tolerations')).toEqual(vaultHelmValues.injector.tolerations);
    expect(at(one(objects, 'PodDisruptionBudget'), 'spec.minAvailable')).toBe(2);
    const mwc = one(objects, 'MutatingWebhookConfiguration');
    expect(mwc.metadata).toMatchObject({ name: 'vault-vaultlet-agent-injector-cfg', annotations: { team: 'platform' } });
    expect(at(mwc, 'webhooks.0.namespaceSelector')).toEqual({ matchLabels: { 'vault-injection': 'enabled' } });
    expect(at(mwc, 'webhooks.0.objectSelector')).toEqual({ matchLabels: { release: 'vault' } });
  });

  it('prints install notes naming the webhook configuration and the Vault address', () => {
    const notes = renderChart(CHART).find((f) => f.template === 'templates/NOTES.txt')?.text ?? '';
    expect(notes).toContain('webhook vaultlet-agent-injector-cfg (failurePolicy Ignore)');
    expect(notes).toContain('Agents log in to http://vaultlet-vault.vaultlet.svc:8200 at auth/kubernetes.');
    expect(notes).toContain('injector.validatingPolicy.enabled=true');
    const hardened = renderChart(CHART, { values: { injector: { validatingPolicy: { enabled: true }, certs: { secretName: 'tls' } } } });
    const text = hardened.find((f) => f.template === 'templates/NOTES.txt')?.text ?? '';
    expect(text).not.toContain('validatingPolicy');
    expect(text).not.toContain('TLS is automatic');
  });

  it('names objects after a release already called vaultlet-*, and renders nothing when disabled', () => {
    expect(one(render({ releaseName: 'vaultlet-prod' }), 'Deployment').metadata.name).toBe('vaultlet-prod-agent-injector');
    expect(render({ values: { global: { enabled: false } } })).toEqual([]);
    expect(render({ values: { injector: { enabled: false } } })).toEqual([]);
  });
});
