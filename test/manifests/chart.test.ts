// The Helm chart rendered by cli/chart (Go text/template + Helm functions, no helm binary), every
// document validated against the Kubernetes schemas, the properties checked.
import { describe, expect, it } from '@jest/globals';
import { evaluate } from '@marcbachmann/cel-js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ChartError, renderChart, renderChartObjects, type RenderOptions } from '../helm/render-chart.ts';
import { docValueExamples } from '../helm/doc-examples.ts';
import { semverCompare } from '../../cli/chart/semver.ts';
import {
  at,
  byKind,
  expectMinimalRbac,
  expectSecureWebhookPod,
  expectSelectsPods,
  expectSpreadOverNodes,
  expectWebhookScope,
  one,
  validateAll,
  type K8sObject,
} from './expectations.ts';

const CHART = 'manifests/chart';
// vault-helm 0.34.1's values.yaml as `helm show values hashicorp/vault --version 0.34.1` prints
// it, kept in test/fixtures/vault-helm/ (written from the published chart; image tags are that
// release's defaults as far as we know them).
const VAULT_HELM_FILE = 'test/fixtures/vault-helm/values-0.34.1.yaml';
const VAULT_HELM = parseYaml(readFileSync(VAULT_HELM_FILE, 'utf8')) as Record<string, unknown>;
const CHART_VALUES_TEXT = readFileSync(`${CHART}/values.yaml`, 'utf8');
const CHART_VALUES = parseYaml(CHART_VALUES_TEXT) as Record<string, unknown>;

function render(options: RenderOptions = {}): K8sObject[] {
  return renderChartObjects(CHART, options) as K8sObject[];
}

function notes(options: RenderOptions = {}): string {
  return renderChart(CHART, options).find((f) => f.template === 'templates/NOTES.txt')?.text ?? '';
}

function envOf(objects: readonly K8sObject[]): Record<string, unknown> {
  const env = at(one(objects, 'Deployment'), 'spec.template.spec.containers.0.env') as {
    name: string;
    value?: string;
    valueFrom?: unknown;
  }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom]));
}

function policy(objects: readonly K8sObject[], suffix: string): K8sObject {
  const found = byKind(objects, 'ValidatingAdmissionPolicy').filter((p) => p.metadata.name.endsWith(suffix));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Leaf paths of a values tree ("injector.image.tag"); maps are walked, lists and scalars are leaves. */
function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value))
      for (const [p, leaf] of leaves(v, prefix === '' ? k : `${prefix}.${k}`)) out.set(p, leaf);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** The comment block right above a key in values.yaml (the line of the key's last path part). */
function commentAbove(path: string): string {
  const lines = CHART_VALUES_TEXT.split('\n');
  let from = 0;
  let line = -1;
  let indent = 0;
  for (const part of path.split('.')) {
    const re = new RegExp(`^${' '.repeat(indent)}${part}:`);
    line = lines.findIndex((l, i) => i >= from && re.test(l));
    if (line < 0) return '';
    from = line + 1;
    indent += 2;
  }
  const block: string[] = [];
  for (let i = line - 1; i >= 0 && /^\s*#/.test(lines[i]!); i--) block.unshift(lines[i]!);
  return block.join('\n');
}

// The CEL field lists of the caBundle guard are checked against the MutatingWebhook type of the
// Kubernetes API (kubernetes-types), so a field Kubernetes adds cannot slip past the guard.
function interfaceFields(name: string): string[] {
  const text = readFileSync('node_modules/kubernetes-types/admissionregistration/v1.d.ts', 'utf8');
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1] ?? '';
  return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!);
}

describe('Helm chart, default values', () => {
  const objects = render();

  it('renders exactly the install objects, each valid against its Kubernetes schema', () => {
    expect(validateAll(objects).sort()).toEqual([
      'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
      'apps/v1/Deployment',
      'networking.k8s.io/v1/NetworkPolicy',
      'rbac.authorization.k8s.io/v1/ClusterRole',
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'v1/Service',
      'v1/ServiceAccount',
    ]);
    const clusterScoped = [
      'ClusterRole',
      'ClusterRoleBinding',
      'MutatingWebhookConfiguration',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ];
    for (const o of objects) if (!clusterScoped.includes(o.kind)) expect(o.metadata.namespace).toBe('vaultlet');
  });

  it("keeps vault-helm's defaults: one hardened replica, required anti-affinity on the node, 30 s webhook timeout", () => {
    const deployment = one(objects, 'Deployment');
    expect(at(deployment, 'spec.replicas')).toBe(1);
    expectSecureWebhookPod(deployment, 'required');
    expect(at(deployment, 'spec.template.metadata.labels.component')).toBe('webhook');
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.timeoutSeconds')).toBe(30);
  });

  it('configures the webhook through vault-k8s environment variables, auto-TLS, Vault over https', () => {
    expect(envOf(objects)).toEqual({
      AGENT_INJECT_LISTEN: ':8080',
      AGENT_INJECT_LOG_LEVEL: 'info',
      AGENT_INJECT_LOG_FORMAT: 'standard',
      AGENT_INJECT_VAULT_ADDR: 'https://vaultlet-vault.vaultlet.svc:8200',
      AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
      AGENT_INJECT_VAULT_IMAGE: 'ghcr.io/vaultlet/agent:0.1.0',
      AGENT_INJECT_TLS_AUTO: 'vaultlet-agent-injector-cfg',
      AGENT_INJECT_TLS_AUTO_HOSTS:
        'vaultlet-agent-injector-svc,vaultlet-agent-injector-svc.vaultlet,vaultlet-agent-injector-svc.vaultlet.svc',
      AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
      AGENT_INJECT_CPU_REQUEST: '250m',
      AGENT_INJECT_CPU_LIMIT: '500m',
      AGENT_INJECT_MEM_REQUEST: '64Mi',
      AGENT_INJECT_MEM_LIMIT: '128Mi',
      AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
      AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'true',
      AGENT_INJECT_NATIVE_SIDECAR: 'false',
      AGENT_INJECT_TEMPLATE_ENGINE: 'go',
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
    expectWebhookScope(mwc, one(objects, 'Deployment'), 30);
    expect(mwc['webhooks']).toEqual([
      expect.objectContaining({
        name: 'vault.hashicorp.com',
        failurePolicy: 'Ignore',
        matchPolicy: 'Exact',
        reinvocationPolicy: 'Never',
        clientConfig: {
          service: { name: 'vaultlet-agent-injector-svc', namespace: 'vaultlet', path: '/mutate', port: 443 },
        },
      }),
    ]);
    expect(mwc.metadata.name).toBe(envOf(objects)['AGENT_INJECT_TLS_AUTO']);
  });

  it('grants get and patch on its own webhook configuration only, to its own service account', () => {
    expectMinimalRbac(objects, { mwc: 'vaultlet-agent-injector-cfg' });
    expect(one(objects, 'ClusterRoleBinding')['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'vaultlet-agent-injector', namespace: 'vaultlet' },
    ]);
    expect(at(one(objects, 'Deployment'), 'spec.template.spec.serviceAccountName')).toBe(
      one(objects, 'ServiceAccount').metadata.name,
    );
  });

  it('lets that service account change nothing but caBundle in that configuration (ValidatingAdmissionPolicy)', () => {
    const guard = policy(objects, '-ca-bundle-only');
    expect(at(guard, 'spec.failurePolicy')).toBe('Fail');
    expect(at(guard, 'spec.matchConstraints')).toEqual({
      resourceRules: [
        {
          apiGroups: ['admissionregistration.k8s.io'],
          apiVersions: ['*'],
          operations: ['UPDATE'],
          resources: ['mutatingwebhookconfigurations'],
          resourceNames: ['vaultlet-agent-injector-cfg'],
        },
      ],
    });
    expect(at(guard, 'spec.matchConditions')).toEqual([
      {
        name: 'injector-service-account',
        expression: "request.userInfo.username == 'system:serviceaccount:vaultlet:vaultlet-agent-injector'",
      },
    ]);
    const [webhooks, metadata] = at(guard, 'spec.validations') as { expression: string; reason: string }[];
    // Every field of a MutatingWebhook but its name (the match key) and clientConfig is compared…
    const webhookFields = interfaceFields('MutatingWebhook').filter((f) => f !== 'name' && f !== 'clientConfig');
    expect(webhookFields.length).toBeGreaterThan(8);
    for (const f of webhookFields) expect(webhooks!.expression).toContain(`(!has(w.${f}) || w.${f} == o.${f})`);
    // …and every field of clientConfig but caBundle; caBundle itself never appears.
    const clientFields = interfaceFields('WebhookClientConfig');
    expect(clientFields).toContain('caBundle');
    for (const f of clientFields.filter((c) => c !== 'caBundle'))
      expect(webhooks!.expression).toContain(
        `(!has(w.clientConfig.${f}) || w.clientConfig.${f} == o.clientConfig.${f})`,
      );
    expect(webhooks!.expression).not.toContain('caBundle');
    expect(webhooks!.expression).toMatch(
      /^object\.webhooks\.size\(\) == oldObject\.webhooks\.size\(\) && object\.webhooks\.all\(w, oldObject\.webhooks\.exists\(o, o\.name == w\.name && /,
    );
    for (const f of ['labels', 'annotations', 'ownerReferences', 'finalizers'])
      expect(metadata!.expression).toContain(`object.metadata.${f} == oldObject.metadata.${f}`);
    expect([webhooks!.reason, metadata!.reason]).toEqual(['Forbidden', 'Forbidden']);
    const binding = one(objects, 'ValidatingAdmissionPolicyBinding');
    expect(binding['spec']).toEqual({ policyName: guard.metadata.name, validationActions: ['Deny'] });
  });

  it("allows ingress to the webhook port only (NetworkPolicy on by default, any source until told the API server's)", () => {
    expect(one(objects, 'NetworkPolicy')['spec']).toEqual({
      podSelector: { matchLabels: at(one(objects, 'Deployment'), 'spec.selector.matchLabels') },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(notes()).toContain('injector.networkPolicy.apiServerCIDRs');
  });
});

describe("Helm chart, vault-helm 0.34.1's own default values file", () => {
  const objects = render({ values: VAULT_HELM });

  it('renders (its tpl strings call vault.name) into the same valid objects as the defaults', () => {
    expect(validateAll(objects).sort()).toEqual(validateAll(render()).sort());
  });

  it("runs vaultlet's webhook in place of vault-k8s, injects the Vault Agent image it names, keeps its http address scheme", () => {
    expect(at(one(objects, 'Deployment'), 'spec.template.spec.containers.0.image')).toBe(
      'ghcr.io/vaultlet/webhook:0.1.0',
    );
    expect(envOf(objects)).toMatchObject({
      AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:1.20.4',
      AGENT_INJECT_VAULT_ADDR: 'http://vaultlet-vault.vaultlet.svc:8200',
    });
    expect(notes({ values: VAULT_HELM })).toContain(
      "the webhook runs\nvaultlet's image ghcr.io/vaultlet/webhook:0.1.0 instead",
    );
  });

  it("renders its objectSelector and affinity strings so that they match the injector's own pods", () => {
    const deployment = one(objects, 'Deployment');
    expectWebhookScope(one(objects, 'MutatingWebhookConfiguration'), deployment, 30);
    expectSpreadOverNodes(deployment, 'required');
    expect(at(deployment, 'spec.template.spec.affinity')).toEqual(
      at(one(render(), 'Deployment'), 'spec.template.spec.affinity'),
    );
  });

  it('has every global and injector key of vault-helm in values.yaml', () => {
    const ours = leaves(CHART_VALUES);
    const has = (p: string): boolean => ours.has(p) || [...ours.keys()].some((o) => o.startsWith(`${p}.`));
    const missing = [...leaves({ global: VAULT_HELM['global'], injector: VAULT_HELM['injector'] }).keys()].filter(
      (p) => !has(p),
    );
    expect(missing).toEqual([]);
  });

  it("keeps vault-helm's default for every such key but a few, each documented next to the key", () => {
    const ours = leaves(CHART_VALUES);
    const differing = [...leaves({ global: VAULT_HELM['global'], injector: VAULT_HELM['injector'] })]
      .filter(([p, v]) => JSON.stringify(ours.get(p)) !== JSON.stringify(v))
      .map(([p]) => p);
    expect(differing).toEqual([
      'global.tlsDisable',
      'injector.image.repository',
      'injector.image.tag',
      'injector.agentImage.repository',
      'injector.agentImage.tag',
      'injector.resources',
    ]);
    for (const path of ['global.tlsDisable', 'injector.image', 'injector.agentImage', 'injector.resources'])
      expect([path, commentAbove(path)]).toEqual([path, expect.stringMatching(/vault-helm/)]);
    // The defaults a vault-helm user would notice stay vault-helm's; vaultlet's recommendation sits in the comment.
    for (const path of ['injector.replicas', 'injector.webhook.timeoutSeconds'])
      expect([path, commentAbove(path)]).toEqual([path, expect.stringMatching(/vaultlet|vault-helm/)]);
  });

  it("accepts vault-helm's other sections and global.namespace, global.psp, global.serverTelemetry", () => {
    const withNamespace = render({
      values: {
        ...VAULT_HELM,
        global: { ...(VAULT_HELM['global'] as object), namespace: 'secrets', psp: { enable: true } },
      },
    });
    validateAll(withNamespace);
    for (const o of withNamespace)
      if (o.metadata.namespace !== undefined) expect([o.kind, o.metadata.namespace]).toEqual([o.kind, 'secrets']);
    expect(envOf(withNamespace)['AGENT_INJECT_TLS_AUTO_HOSTS']).toBe(
      'vaultlet-agent-injector-svc,vaultlet-agent-injector-svc.secrets,vaultlet-agent-injector-svc.secrets.svc',
    );
    expect(at(one(withNamespace, 'MutatingWebhookConfiguration'), 'webhooks.0.clientConfig.service.namespace')).toBe(
      'secrets',
    );
    expect(at(policy(withNamespace, '-ca-bundle-only'), 'spec.matchConditions.0.expression')).toContain(
      "'system:serviceaccount:secrets:vaultlet-agent-injector'",
    );
    expect(byKind(withNamespace, 'PodSecurityPolicy')).toEqual([]);
    expect(notes({ values: { global: { psp: { enable: true } } } })).toContain(
      'PodSecurityPolicy was removed in Kubernetes 1.25',
    );
  });

  it('leaves the uid and gid to OpenShift with global.openshift, as vault-helm does, and tells the webhook', () => {
    const objects = render({ values: { global: { openshift: true } } });
    validateAll(objects);
    expect(at(one(objects, 'Deployment'), 'spec.template.spec.securityContext')).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(envOf(objects)['AGENT_INJECT_SET_SECURITY_CONTEXT']).toBe('false');
  });

  it('follows vault-helm\'s enabled rule: injector.enabled true/false wins, "-" follows global.enabled', () => {
    expect(render({ values: { global: { enabled: false } } })).toEqual([]);
    expect(render({ values: { injector: { enabled: false } } })).toEqual([]);
    expect(
      byKind(render({ values: { global: { enabled: false }, injector: { enabled: true } } }), 'Deployment'),
    ).toHaveLength(1);
    expect(
      byKind(render({ values: { global: { enabled: true }, injector: { enabled: '-' } } }), 'Deployment'),
    ).toHaveLength(1);
  });

  it("takes vault-helm's string forms (rendered with tpl) and map forms alike", () => {
    const objects = render({
      releaseName: 'vault',
      values: {
        global: { imagePullSecrets: ['regcred', { name: 'other' }] },
        injector: {
          tolerations: '- key: dedicated\n  operator: Equal\n  value: {{ .Release.Name }}\n  effect: NoSchedule\n',
          nodeSelector: 'kubernetes.io/os: linux\n',
          annotations: 'release: {{ .Release.Name }}\n',
          strategy: 'type: RollingUpdate\nrollingUpdate:\n  maxUnavailable: 0\n',
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['infra'] }] }],
              },
            },
          },
          webhook: {
            namespaceSelector: 'matchLabels:\n  injection: {{ .Release.Name }}\n',
            annotations: { team: 'platform' },
          },
          service: { annotations: 'svc: {{ .Release.Name }}\n' },
          serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } },
        },
      },
    });
    validateAll(objects);
    const pod = at(one(objects, 'Deployment'), 'spec.template') as Record<string, unknown>;
    expect(at(pod, 'spec.tolerations')).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'vault', effect: 'NoSchedule' },
    ]);
    expect(at(pod, 'spec.nodeSelector')).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(at(pod, 'spec.imagePullSecrets')).toEqual([{ name: 'regcred' }, { name: 'other' }]);
    expect(
      at(
        pod,
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.values',
      ),
    ).toEqual(['infra']);
    expect(at(pod, 'metadata.annotations')).toEqual({ release: 'vault' });
    expect(at(one(objects, 'Deployment'), 'spec.strategy')).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0 },
    });
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.namespaceSelector')).toEqual({
      matchLabels: { injection: 'vault' },
    });
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'metadata.annotations')).toEqual({ team: 'platform' });
    expect(at(one(objects, 'Service'), 'metadata.annotations')).toEqual({ svc: 'vault' });
    expect(at(one(objects, 'ServiceAccount'), 'metadata.annotations')).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x',
    });
  });

  it('takes a customised vault-helm values file (deprecated keys, external address, HA)', () => {
    const vaultHelmValues = {
      global: { externalVaultAddr: 'https://vault.example.com:8200' },
      server: { enabled: false, ha: { enabled: true } },
      injector: {
        replicas: 3,
        logLevel: 'debug',
        logFormat: 'json',
        authPath: 'auth/k8s-prod',
        revokeOnShutdown: true,
        metrics: { enabled: true },
        agentImage: { repository: 'hashicorp/vault', tag: '1.18.1' },
        agentDefaults: {
          cpuLimit: '1',
          memRequest: '32Mi',
          template: 'json',
          templateConfig: { exitOnRetryFailure: false, staticSecretRenderInterval: '5m' },
        },
        webhook: { objectSelector: null },
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
    expect(envOf(objects)).toMatchObject({
      AGENT_INJECT_VAULT_ADDR: 'https://vault.example.com:8200',
      AGENT_INJECT_LOG_LEVEL: 'debug',
      AGENT_INJECT_LOG_FORMAT: 'json',
      AGENT_INJECT_VAULT_AUTH_PATH: 'auth/k8s-prod',
      AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'true',
      AGENT_INJECT_TELEMETRY_PATH: '/metrics',
      AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:1.18.1',
      AGENT_INJECT_CPU_LIMIT: '1',
      AGENT_INJECT_MEM_REQUEST: '32Mi',
      AGENT_INJECT_CPU_REQUEST: '250m',
      AGENT_INJECT_DEFAULT_TEMPLATE: 'json',
      AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'false',
      AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL: '5m',
      HTTPS_PROXY: 'http://proxy:3128',
      AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
      AGENT_INJECT_TLS_AUTO: 'vault-vaultlet-agent-injector-cfg',
    });
    expect(at(one(objects, 'Deployment'), 'spec.replicas')).toBe(3);
    expect(at(one(objects, 'PodDisruptionBudget'), 'spec.minAvailable')).toBe(2);
    expectMinimalRbac(objects, {
      mwc: 'vault-vaultlet-agent-injector-cfg',
      lease: 'vault-vaultlet-agent-injector-leader',
      secret: 'vault-vaultlet-agent-injector-certs',
    });
    const mwc = one(objects, 'MutatingWebhookConfiguration');
    expect(mwc.metadata).toMatchObject({
      name: 'vault-vaultlet-agent-injector-cfg',
      annotations: { team: 'platform' },
    });
    expect(at(mwc, 'webhooks.0.namespaceSelector')).toEqual({ matchLabels: { 'vault-injection': 'enabled' } });
    expect(at(mwc, 'webhooks.0.objectSelector')).toEqual({ matchLabels: { release: 'vault' } });
  });
});

describe('Helm chart, other values', () => {
  it('with two replicas: leader election over the Lease and Secret, a PDB, and RBAC on those two names only', () => {
    const objects = render({ values: { injector: { replicas: 2 } } });
    validateAll(objects);
    expect(envOf(objects)['AGENT_INJECT_USE_LEADER_ELECTOR']).toBe('true');
    expect(one(objects, 'PodDisruptionBudget')['spec']).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: at(one(objects, 'Deployment'), 'spec.selector.matchLabels') },
    });
    expectMinimalRbac(objects, {
      mwc: 'vaultlet-agent-injector-cfg',
      lease: 'vaultlet-agent-injector-leader',
      secret: 'vaultlet-agent-injector-certs',
    });
    expect(one(objects, 'Lease').metadata.name).toBe('vaultlet-agent-injector-leader');
    // The webhook is told the names the chart created and RBAC allows.
    expect(envOf(objects)).toMatchObject({
      AGENT_INJECT_LEADER_LEASE: 'vaultlet-agent-injector-leader',
      AGENT_INJECT_TLS_AUTO_SECRET: 'vaultlet-agent-injector-certs',
    });
    expect(one(objects, 'Secret')).toEqual(
      expect.objectContaining({
        type: 'Opaque',
        metadata: expect.objectContaining({ name: 'vaultlet-agent-injector-certs' }),
      }),
    );
    expect(one(objects, 'Secret')['data']).toBeUndefined();
    expect(one(objects, 'RoleBinding')['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'vaultlet-agent-injector', namespace: 'vaultlet' },
    ]);
  });

  it('with a certificate Secret: serves from files, sets caBundle, needs no Kubernetes API access and no caBundle guard', () => {
    const objects = render({ values: { injector: { certs: { secretName: 'injector-tls', caBundle: 'Q0EK' } } } });
    validateAll(objects);
    expect(byKind(objects, 'ClusterRole')).toEqual([]);
    expect(byKind(objects, 'Role')).toEqual([]);
    expect(byKind(objects, 'ValidatingAdmissionPolicy')).toEqual([]);
    const env = envOf(objects);
    expect([env['AGENT_INJECT_TLS_CERT_FILE'], env['AGENT_INJECT_TLS_KEY_FILE'], env['AGENT_INJECT_TLS_AUTO']]).toEqual(
      ['/etc/webhook/certs/tls.crt', '/etc/webhook/certs/tls.key', undefined],
    );
    const pod = at(one(objects, 'Deployment'), 'spec.template.spec');
    expect(at(pod, 'volumes.1')).toEqual({ name: 'webhook-certs', secret: { secretName: 'injector-tls' } });
    expect(at(pod, 'containers.0.volumeMounts.1')).toEqual({
      name: 'webhook-certs',
      mountPath: '/etc/webhook/certs',
      readOnly: true,
    });
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.clientConfig.caBundle')).toBe('Q0EK');
  });

  it('drops the caBundle guard on request (injector.caBundleGuard.enabled=false)', () => {
    const objects = render({ values: { injector: { caBundleGuard: { enabled: false } } } });
    expect(byKind(objects, 'ValidatingAdmissionPolicy')).toEqual([]);
    expect(byKind(objects, 'ClusterRole')).toHaveLength(1);
  });

  it.each([
    [{ webhook: { failurePolicy: 'Fail' } }, 'Fail'],
    [{ webhook: { failurePolicy: '' }, failurePolicy: 'Fail' }, 'Fail'],
    [{ webhook: { failurePolicy: null }, failurePolicy: null }, 'Ignore'],
  ])('failurePolicy from %j is %s', (injector, expected) => {
    const objects = render({ values: { injector } });
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.failurePolicy')).toBe(expected);
  });

  it('refuses a failurePolicy other than Ignore or Fail', () => {
    // Helm reports `fail` the same way: executing "<file>" at <fail ...>: error calling fail: <message>.
    expect(() => render({ values: { injector: { webhook: { failurePolicy: 'Sometimes' } } } })).toThrow(
      'error calling fail: injector.webhook.failurePolicy must be Ignore or Fail, not Sometimes',
    );
  });

  it('adds the opt-in ValidatingAdmissionPolicy that denies pods asking for injection without being injected', () => {
    const objects = render({ values: { injector: { validatingPolicy: { enabled: true } } } });
    validateAll(objects);
    const require = policy(objects, '-require-injection');
    expect(require['spec']).toEqual({
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      },
      matchConditions: [
        {
          name: 'injection-requested',
          expression:
            "has(object.metadata.annotations) && 'vault.hashicorp.com/agent-inject' in object.metadata.annotations && " +
            "object.metadata.annotations['vault.hashicorp.com/agent-inject'] in ['1', 't', 'T', 'TRUE', 'true', 'True']",
        },
      ],
      validations: [
        {
          expression:
            "'vault.hashicorp.com/agent-inject-status' in object.metadata.annotations && " +
            "object.metadata.annotations['vault.hashicorp.com/agent-inject-status'] == 'injected'",
          message:
            'the pod asks for Vault agent injection (vault.hashicorp.com/agent-inject) but was not injected; the injector webhook may be unavailable. Retry when it is ready.',
          reason: 'Forbidden',
        },
      ],
    });
    const binding = byKind(objects, 'ValidatingAdmissionPolicyBinding').find(
      (b) => at(b, 'spec.policyName') === require.metadata.name,
    )!;
    const webhook = at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0') as Record<string, unknown>;
    expect(binding['spec']).toEqual({
      policyName: require.metadata.name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: webhook['namespaceSelector'], objectSelector: webhook['objectSelector'] },
    });
  });

  it("narrows the NetworkPolicy to the API server's CIDRs and the extra peers given", () => {
    const peer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
    const objects = render({
      values: { injector: { networkPolicy: { apiServerCIDRs: ['10.0.0.0/28', '192.168.10.4/32'], from: [peer] } } },
    });
    validateAll(objects);
    expect(at(one(objects, 'NetworkPolicy'), 'spec.ingress')).toEqual([
      {
        ports: [{ port: 8080, protocol: 'TCP' }],
        from: [{ ipBlock: { cidr: '10.0.0.0/28' } }, { ipBlock: { cidr: '192.168.10.4/32' } }, peer],
      },
    ]);
    expect(notes({ values: { injector: { networkPolicy: { apiServerCIDRs: ['10.0.0.0/28'] } } } })).not.toContain(
      'from any source',
    );
    expect(byKind(render({ values: { injector: { networkPolicy: { enabled: false } } } }), 'NetworkPolicy')).toEqual(
      [],
    );
  });

  it('names objects after a release already called vaultlet-*; two releases in one namespace share no object name', () => {
    expect(one(render({ releaseName: 'vaultlet-prod' }), 'Deployment').metadata.name).toBe(
      'vaultlet-prod-agent-injector',
    );
    const key = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
    const a = render({ releaseName: 'team-a', namespace: 'shared', values: { injector: { replicas: 2 } } }).map(key);
    const b = new Set(
      render({ releaseName: 'team-b', namespace: 'shared', values: { injector: { replicas: 2 } } }).map(key),
    );
    expect(a.filter((k) => b.has(k))).toEqual([]);
    expect(a).toEqual(
      expect.arrayContaining([
        'Lease/team-a-vaultlet-agent-injector-leader',
        'Secret/team-a-vaultlet-agent-injector-certs',
      ]),
    );
  });
});

describe('Helm chart and Kubernetes versions', () => {
  const chartYaml = parseYaml(readFileSync(`${CHART}/Chart.yaml`, 'utf8')) as { kubeVersion: string };

  it('renders valid objects on the oldest version Chart.yaml allows, leaving out what that version lacks', () => {
    expect(semverCompare(chartYaml.kubeVersion, 'v1.22.0')).toBe(true);
    expect(semverCompare(chartYaml.kubeVersion, 'v1.21.14')).toBe(false);
    const objects = render({ kubeVersion: 'v1.22.0' });
    validateAll(objects);
    expect(at(one(objects, 'MutatingWebhookConfiguration'), 'webhooks.0.matchConditions')).toBeUndefined();
    expect(byKind(objects, 'ValidatingAdmissionPolicy')).toEqual([]);
    expect(notes({ kubeVersion: 'v1.22.0' })).toContain('needs Kubernetes 1.30; it was not created');
  });

  it('adds matchConditions from 1.28 and the admission policies from 1.30, managed-cluster versions included', () => {
    const on128 = render({ kubeVersion: 'v1.28.3-eks-4f4795d' });
    expect(at(one(on128, 'MutatingWebhookConfiguration'), 'webhooks.0.matchConditions')).toHaveLength(1);
    expect(byKind(on128, 'ValidatingAdmissionPolicy')).toEqual([]);
    expect(byKind(render({ kubeVersion: 'v1.30.1-gke.1329003' }), 'ValidatingAdmissionPolicy')).toHaveLength(1);
    expect(
      at(
        one(render({ values: { injector: { webhook: { matchConditions: false } } } }), 'MutatingWebhookConfiguration'),
        'webhooks.0.matchConditions',
      ),
    ).toBeUndefined();
  });

  it('refuses the opt-in require-injection policy on a cluster that cannot run it', () => {
    expect(() =>
      render({ kubeVersion: 'v1.29.4', values: { injector: { validatingPolicy: { enabled: true } } } }),
    ).toThrow('injector.validatingPolicy needs Kubernetes 1.30 or newer');
    expect(() => render({ kubeVersion: 'v1.29.4' })).not.toThrow(ChartError);
  });
});

describe('Helm chart, values examples in the docs', () => {
  const examples = docValueExamples(['docs/install.md', 'docs/migrating-from-vault-helm.md']);

  it('finds the examples', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(['ha', 'api-server-cidrs', 'require-injection', 'own-certificate', 'migrate']),
    );
  });

  it.each(examples.map((e) => [`${e.file} ${e.name}`, e] as const))('%s renders into valid objects', (_, example) => {
    const objects = render({ values: example.values });
    expect(validateAll(objects)).toEqual(
      expect.arrayContaining([
        'apps/v1/Deployment',
        'v1/Service',
        'v1/ServiceAccount',
        'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
      ]),
    );
    const deployment = one(objects, 'Deployment');
    expectSelectsPods(at(deployment, 'spec.selector.matchLabels'), deployment);
  });
});

describe('Helm chart install notes', () => {
  it('name the webhook configuration, the Vault address and the switch-over from vault-helm', () => {
    const text = notes();
    expect(text).toContain('webhook vaultlet-agent-injector-cfg (failurePolicy Ignore)');
    expect(text).toContain('Agents log in to https://vaultlet-vault.vaultlet.svc:8200 at auth/kubernetes.');
    expect(text).toContain('That address is a guess');
    expect(text).toContain('--set injector.enabled=false');
    expect(text).toContain('injector.validatingPolicy.enabled=true');
    const hardened = notes({
      values: {
        global: { externalVaultAddr: 'https://vault:8200' },
        injector: { validatingPolicy: { enabled: true }, certs: { secretName: 'tls' } },
      },
    });
    expect(hardened).not.toContain('validatingPolicy');
    expect(hardened).not.toContain('TLS is automatic');
    expect(hardened).not.toContain('a guess');
  });
});

// The CEL of the admission objects, evaluated (a CEL implementation, not the API server's) on
// the objects the API server would hand them: the caBundle guard against the updates a stolen
// webhook token could make, the require-injection policy and the webhook's matchCondition on pods.
describe('Helm chart admission CEL, evaluated', () => {
  const objects = render({ values: { injector: { validatingPolicy: { enabled: true } } } });
  const guard = policy(objects, '-ca-bundle-only');
  const mwc = one(objects, 'MutatingWebhookConfiguration');
  const stored = JSON.parse(JSON.stringify(mwc)) as K8sObject & { webhooks: Record<string, unknown>[] };
  const withCa = (o: typeof stored, ca: string): typeof stored => {
    const copy = JSON.parse(JSON.stringify(o)) as typeof stored;
    for (const w of copy.webhooks) (w['clientConfig'] as Record<string, unknown>)['caBundle'] = ca;
    return copy;
  };
  const validations = at(guard, 'spec.validations') as { expression: string }[];
  const allowed = (oldObject: unknown, object: unknown): boolean =>
    validations.every((v) => evaluate(v.expression, { object, oldObject }) === true);
  const edit = (change: (o: typeof stored) => void): typeof stored => {
    const o = withCa(stored, 'TkVX');
    change(o);
    return o;
  };

  it("the guard matches the webhook's service account only", () => {
    const condition = at(guard, 'spec.matchConditions.0.expression') as string;
    expect(
      evaluate(condition, {
        request: { userInfo: { username: 'system:serviceaccount:vaultlet:vaultlet-agent-injector' } },
      }),
    ).toBe(true);
    expect(
      evaluate(condition, {
        request: { userInfo: { username: 'system:serviceaccount:other:vaultlet-agent-injector' } },
      }),
    ).toBe(false);
    expect(evaluate(condition, { request: { userInfo: { username: 'kubernetes-admin' } } })).toBe(false);
  });

  it('the guard allows setting and rotating caBundle', () => {
    expect(allowed(stored, withCa(stored, 'Q0EK'))).toBe(true);
    expect(allowed(withCa(stored, 'Q0EK'), withCa(stored, 'TkVX'))).toBe(true);
  });

  it.each([
    [
      'redirect the webhook to a URL',
      (o: typeof stored) => {
        o.webhooks[0]!['clientConfig'] = { url: 'https://evil.example/mutate', caBundle: 'TkVX' };
      },
    ],
    [
      'point it at another Service',
      (o: typeof stored) => {
        (o.webhooks[0]!['clientConfig'] as Record<string, unknown>)['service'] = {
          name: 'evil',
          namespace: 'evil',
          path: '/mutate',
          port: 443,
        };
      },
    ],
    [
      'change the failure policy',
      (o: typeof stored) => {
        o.webhooks[0]!['failurePolicy'] = 'Fail';
      },
    ],
    [
      'widen the namespace selector',
      (o: typeof stored) => {
        o.webhooks[0]!['namespaceSelector'] = {};
      },
    ],
    [
      'drop the object selector',
      (o: typeof stored) => {
        delete o.webhooks[0]!['objectSelector'];
      },
    ],
    [
      'drop the matchConditions',
      (o: typeof stored) => {
        delete o.webhooks[0]!['matchConditions'];
      },
    ],
    [
      'change the rules',
      (o: typeof stored) => {
        o.webhooks[0]!['rules'] = [];
      },
    ],
    [
      'add a webhook',
      (o: typeof stored) => {
        o.webhooks.push({ ...o.webhooks[0]!, name: 'second.vault.hashicorp.com' });
      },
    ],
    [
      'rename the webhook',
      (o: typeof stored) => {
        o.webhooks[0]!['name'] = 'other.example.com';
      },
    ],
    [
      'add an owner reference',
      (o: typeof stored) => {
        (o.metadata as Record<string, unknown>)['ownerReferences'] = [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: '1' },
        ];
      },
    ],
    [
      'add a finalizer',
      (o: typeof stored) => {
        (o.metadata as Record<string, unknown>)['finalizers'] = ['example.com/hold'];
      },
    ],
    [
      'change a label',
      (o: typeof stored) => {
        o.metadata.labels = { ...o.metadata.labels, team: 'evil' };
      },
    ],
  ])('the guard rejects an update that would %s', (_, change) => {
    expect(allowed(withCa(stored, 'TkVX'), edit(change))).toBe(false);
  });

  it('the require-injection policy rejects only pods that asked for injection and were not injected', () => {
    const require = policy(objects, '-require-injection');
    const asked = at(require, 'spec.matchConditions.0.expression') as string;
    const injected = at(require, 'spec.validations.0.expression') as string;
    const pod = (annotations?: Record<string, string>): Record<string, unknown> => ({
      object: { metadata: annotations === undefined ? {} : { annotations } },
    });
    expect([
      evaluate(asked, pod()),
      evaluate(asked, pod({ other: 'x' })),
      evaluate(asked, pod({ 'vault.hashicorp.com/agent-inject': 'false' })),
    ]).toEqual([false, false, false]);
    for (const value of ['1', 't', 'T', 'TRUE', 'true', 'True'])
      expect(evaluate(asked, pod({ 'vault.hashicorp.com/agent-inject': value }))).toBe(true);
    expect(evaluate(injected, pod({ 'vault.hashicorp.com/agent-inject': 'true' }))).toBe(false);
    expect(
      evaluate(
        injected,
        pod({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/agent-inject-status': 'injected' }),
      ),
    ).toBe(true);
  });

  it('the webhook is called only for pods carrying the agent-inject annotation', () => {
    const condition = at(mwc, 'webhooks.0.matchConditions.0.expression') as string;
    expect(evaluate(condition, { object: { metadata: {} } })).toBe(false);
    expect(evaluate(condition, { object: { metadata: { annotations: { app: 'x' } } } })).toBe(false);
    expect(
      evaluate(condition, { object: { metadata: { annotations: { 'vault.hashicorp.com/agent-inject': 'false' } } } }),
    ).toBe(true);
  });
});
