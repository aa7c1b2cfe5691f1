import { describe, expect, it } from '@jest/globals';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { AdmissionDecision, AdmitFn, AdmitInput } from '../admission/review.ts';
import { PreviewInputError, previewManifests } from './preview.ts';

/** Parsed YAML, loosely typed for building expected values. */
interface Tree {
  metadata: Tree;
  spec: Tree;
  [key: string]: Tree;
}

/** Stand-in for admitPod: injects a marker container into annotated pods, denies when role is missing. */
function markerAdmit(calls: AdmitInput[] = []): AdmitFn {
  return (input): AdmissionDecision => {
    calls.push(input);
    const pod = input.object as { metadata?: { annotations?: Record<string, string> } };
    const annotations = pod.metadata?.annotations ?? {};
    if (annotations['vault.hashicorp.com/agent-inject'] !== 'true')
      return { allowed: true, patch: [], warnings: [], injection: 'none', reason: 'not annotated' };
    if (annotations['vault.hashicorp.com/role'] === undefined)
      return { allowed: false, message: 'no Vault role found', warnings: [], code: 400 };
    return {
      allowed: true,
      patch: [
        { op: 'add', path: '/metadata/annotations/vault.hashicorp.com~1agent-inject-status', value: 'injected' },
        { op: 'add', path: '/spec/containers/-', value: { name: 'vault-agent', image: 'agent' } },
      ],
      warnings: ['unknown annotation vault.hashicorp.com/rol'],
      injection: 'sidecar_only',
      reason: 'injected',
    };
  };
}

const INJECT = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata:
  name: solo
  namespace: team
  annotations:
    vault.hashicorp.com/agent-inject: "true"
    vault.hashicorp.com/role: app
spec:
  containers: [{ name: app, image: app }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations:
        vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/role: app
    spec:
      containers: [{ name: web, image: web }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { a: b }
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            vault.hashicorp.com/agent-inject: "true"
            vault.hashicorp.com/role: app
        spec:
          restartPolicy: Never
          containers: [{ name: job, image: job }]
`;

describe('previewManifests', () => {
  it('mutates the Pod and the pod templates of workloads, leaving other objects unchanged', () => {
    const calls: AdmitInput[] = [];
    const result = previewManifests(MANIFEST, {
      admit: markerAdmit(calls),
      patchOnly: false,
      serviceAccountAdmission: false,
    });
    const docs = parseAllDocuments(result.output).map((d) => d.toJS() as Tree);
    const [pod, deploy, configMap, cron] = parseAllDocuments(MANIFEST).map((d) => d.toJS() as Tree) as [
      Tree,
      Tree,
      Tree,
      Tree,
    ];
    const agent = { name: 'vault-agent', image: 'agent' };
    const status = { 'vault.hashicorp.com/agent-inject-status': 'injected' };
    expect(docs).toEqual([
      {
        ...pod,
        metadata: { ...pod.metadata, annotations: { ...INJECT, ...status } },
        spec: { containers: [{ name: 'app', image: 'app' }, agent] },
      },
      {
        ...deploy,
        spec: {
          ...deploy.spec,
          template: {
            metadata: { labels: { app: 'web' }, annotations: { ...INJECT, ...status } },
            spec: { containers: [{ name: 'web', image: 'web' }, agent] },
          },
        },
      },
      configMap,
      {
        ...cron,
        spec: {
          ...cron.spec,
          jobTemplate: {
            spec: {
              template: {
                metadata: { annotations: { ...INJECT, ...status } },
                spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job' }, agent] },
              },
            },
          },
        },
      },
    ]);
    expect(calls.map((c) => [c.namespace, c.operation, (c.object as { kind: string }).kind])).toEqual([
      ['team', 'CREATE', 'Pod'],
      ['default', 'CREATE', 'Pod'],
      ['default', 'CREATE', 'Pod'],
    ]);
    expect(result.messages).toEqual([
      { level: 'warning', object: 'Pod/solo', text: 'unknown annotation vault.hashicorp.com/rol' },
      { level: 'warning', object: 'Deployment/web', text: 'unknown annotation vault.hashicorp.com/rol' },
      { level: 'warning', object: 'CronJob/nightly', text: 'unknown annotation vault.hashicorp.com/rol' },
    ]);
    expect({ denied: result.denied, injected: result.injected }).toEqual({ denied: 0, injected: 3 });
  });

  it('prints JSON patches whose paths point into each object', () => {
    const result = previewManifests(MANIFEST, {
      admit: markerAdmit(),
      patchOnly: true,
      namespace: 'ns1',
      serviceAccountAdmission: false,
    });
    const ops = (prefix: string) => [
      { op: 'add', path: `${prefix}/metadata/annotations/vault.hashicorp.com~1agent-inject-status`, value: 'injected' },
      { op: 'add', path: `${prefix}/spec/containers/-`, value: { name: 'vault-agent', image: 'agent' } },
    ];
    expect(result.output).toBe(
      [
        `# Pod/solo\n${JSON.stringify(ops(''), null, 2)}\n`,
        `# Deployment/web\n${JSON.stringify(ops('/spec/template'), null, 2)}\n`,
        `# CronJob/nightly\n${JSON.stringify(ops('/spec/jobTemplate/spec/template'), null, 2)}\n`,
      ].join(''),
    );
  });

  it('warns when vault annotations sit on the workload instead of its pod template', () => {
    const manifest = `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  annotations:
    vault.hashicorp.com/agent-inject: "true"
    vault.hashicorp.com/role: db
spec:
  template:
    spec:
      containers: [{ name: db, image: db }]
`;
    const result = previewManifests(manifest, { admit: markerAdmit(), patchOnly: false });
    expect(result.messages).toEqual([
      {
        level: 'warning',
        object: 'StatefulSet/db',
        text: "vault.hashicorp.com/agent-inject, vault.hashicorp.com/role are on the StatefulSet's own metadata; the injector only sees the pod template's annotations (spec.template.metadata.annotations), so these have no effect",
      },
    ]);
    expect(parse(result.output)).toEqual(parse(manifest));
  });

  it('reports denials and leaves the denied object out of the output', () => {
    const manifest = `
kind: Pod
metadata: { name: a, annotations: { vault.hashicorp.com/agent-inject: "true" } }
spec: { containers: [{ name: a, image: a }] }
---
kind: Pod
metadata: { name: b }
spec: { containers: [{ name: b, image: b }] }
`;
    const result = previewManifests(manifest, {
      admit: markerAdmit(),
      patchOnly: false,
      serviceAccountAdmission: false,
    });
    expect(result.messages).toEqual([{ level: 'denied', object: 'Pod/a', text: 'no Vault role found' }]);
    expect(result.denied).toBe(1);
    expect(parseAllDocuments(result.output).map((d) => d.toJS() as unknown)).toEqual([
      { kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'b', image: 'b' }] } },
    ]);
  });

  it('rejects invalid YAML naming the document and line, not its content', () => {
    const err = (() => {
      try {
        previewManifests('kind: Pod\n---\nkind: [unclosed, secret-value\n', { admit: markerAdmit(), patchOnly: false });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PreviewInputError);
    expect((err as Error).message).toMatch(/^document 2: not valid YAML \([A-Z_]+\)/);
    expect((err as Error).message).not.toContain('secret-value');
  });

  it('prints operation values that share objects in full, without YAML anchors', () => {
    const shared = { limits: { cpu: '1' } };
    const admit: AdmitFn = () => ({
      allowed: true,
      patch: [
        { op: 'add', path: '/spec/initContainers', value: [{ name: 'init', resources: shared }] },
        { op: 'add', path: '/spec/containers/-', value: { name: 'agent', resources: shared } },
      ],
      warnings: [],
      injection: 'init_and_sidecar',
      reason: 'injected',
    });
    const result = previewManifests('kind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: app }] }\n', {
      admit,
      patchOnly: false,
      serviceAccountAdmission: false,
    });
    expect(result.output).toBe(
      'kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n    - name: agent\n      resources:\n        limits:\n          cpu: "1"\n' +
        '  initContainers:\n    - name: init\n      resources:\n        limits:\n          cpu: "1"\n',
    );
  });

  it('skips empty documents', () => {
    const result = previewManifests('---\n---\nkind: Service\nmetadata: { name: s }\n', {
      admit: markerAdmit(),
      patchOnly: false,
    });
    expect(result.output).toBe('kind: Service\nmetadata:\n  name: s\n');
  });

  it('prints patches that apply to each object as written, the token volume the API server adds included', () => {
    const patched = previewManifests(MANIFEST, { admit: markerAdmit(), patchOnly: true });
    const full = previewManifests(MANIFEST, { admit: markerAdmit(), patchOnly: false });
    const input = parseAllDocuments(MANIFEST).map((d) => d.toJS() as object);
    const expected = parseAllDocuments(full.output).map((d) => d.toJS() as object);
    const patches = patched.output
      .split(/^# .*$/m)
      .slice(1)
      .map((p) => JSON.parse(p) as Operation[]);
    // Pod, Deployment and CronJob get a patch; the ConfigMap (index 2) none.
    const applied = [0, 1, 3].map(
      (doc, i) => fastJsonPatch.applyPatch(structuredClone(input[doc]), patches[i] ?? [], true, false).newDocument,
    );
    expect(applied).toEqual([expected[0], expected[1], expected[3]]);
    expect(JSON.stringify(patches[0])).toContain('kube-api-access-preview');
  });

  it('prints multi-line strings as literal block scalars, unfolded', () => {
    const template = `{{- with secret "secret/data/app" -}}\nDB_URL=postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@db.shop.svc.cluster.local:5432/orders?sslmode=verify-full\n{{- end }}\n`;
    const manifest = stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', annotations: { ...INJECT, 'vault.hashicorp.com/agent-inject-template-a': template } },
      spec: { containers: [{ name: 'app' }] },
    });
    const result = previewManifests(manifest, { admit: markerAdmit(), patchOnly: false });
    expect(result.output).toContain(
      `vault.hashicorp.com/agent-inject-template-a: |\n      {{- with secret "secret/data/app" -}}\n      DB_URL=postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@db.shop.svc.cluster.local:5432/orders?sslmode=verify-full\n`,
    );
    const annotations = (parse(result.output) as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations;
    expect(annotations['vault.hashicorp.com/agent-inject-template-a']).toBe(template);
  });

  it('previews the items of a kind: List in place, with patches into /items/N', () => {
    const list = stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: parseAllDocuments(MANIFEST).map((d) => d.toJS() as unknown),
    });
    const full = previewManifests(list, { admit: markerAdmit(), patchOnly: false, serviceAccountAdmission: false });
    const items = (parse(full.output) as { items: Tree[] }).items;
    expect(items.map((i) => i['kind'])).toEqual(['Pod', 'Deployment', 'ConfigMap', 'CronJob']);
    expect(items[0]?.spec['containers']).toEqual([
      { name: 'app', image: 'app' },
      { name: 'vault-agent', image: 'agent' },
    ]);
    expect({ injected: full.injected, objects: full.objects }).toEqual({ injected: 3, objects: 4 });
    const patched = previewManifests(list, { admit: markerAdmit(), patchOnly: true });
    const ops = JSON.parse(patched.output.slice(patched.output.indexOf('\n') + 1)) as Operation[];
    expect(patched.output.startsWith('# List (Pod/solo, Deployment/web, ConfigMap/settings, CronJob/nightly)\n')).toBe(
      true,
    );
    const applied = fastJsonPatch.applyPatch(parse(list) as object, ops, true, false).newDocument;
    expect(applied).toEqual(parse(previewManifests(list, { admit: markerAdmit(), patchOnly: false }).output));
  });

  it('counts no objects in an empty or comment-only file', () => {
    expect(previewManifests('', { admit: markerAdmit(), patchOnly: false }).objects).toBe(0);
    expect(previewManifests('# nothing\n---\n', { admit: markerAdmit(), patchOnly: false }).objects).toBe(0);
  });
});
