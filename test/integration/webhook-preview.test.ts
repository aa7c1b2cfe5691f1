// `vaultlet preview` as a real process, with the real admitPod, on multi-document manifests.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/webhook-process.ts';

interface Container {
  name: string;
}
interface Workload {
  kind: string;
  metadata: { name: string };
  spec: {
    template: {
      metadata: { annotations: Record<string, string> };
      spec: { containers: Container[]; initContainers?: Container[] };
    };
  };
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations:
        vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/role: web
        vault.hashicorp.com/agent-inject-secret-db: database/creds/web
    spec:
      containers:
        - name: web
          image: web:1
          volumeMounts: [{ name: kube-api-access, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true }]
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { mode: fast }
`;

const MISPLACED = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  annotations:
    vault.hashicorp.com/agent-inject: "true"
spec:
  template:
    spec:
      containers: [{ name: db, image: db:1 }]
`;

const DENIED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: broken
  annotations:
    vault.hashicorp.com/agent-inject: "true"
    vault.hashicorp.com/role: web
    vault.hashicorp.com/agent-pre-populate: "yes"
spec:
  containers:
    - name: app
      image: app:1
      volumeMounts: [{ name: kube-api-access, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true }]
`;

const ENV = { AGENT_INJECT_VAULT_ADDR: 'https://vault.example:8200' };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultlet-preview-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('vaultlet preview', () => {
  it('mutates the pod template of a workload in a multi-document file and passes other objects through', async () => {
    const path = await file('app.yaml', [DEPLOYMENT, CONFIGMAP, MISPLACED].join('---\n'));
    const res = await runCli(['preview', '-f', path], ENV);
    expect(res.code).toBe(0);
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS() as unknown);
    const input = parseAllDocuments([DEPLOYMENT, CONFIGMAP, MISPLACED].join('---\n')).map((d) => d.toJS() as unknown);
    expect(docs).toHaveLength(3);
    const web = docs[0] as Workload;
    expect(web.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'vault-agent']);
    expect(web.spec.template.spec.initContainers?.map((c) => c.name)).toEqual(['vault-agent-init']);
    expect(web.spec.template.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    expect(docs[1]).toEqual(input[1]);
    expect(docs[2]).toEqual(input[2]);
    expect(res.stderr).toContain(
      "StatefulSet/db: warning: vault.hashicorp.com/agent-inject is on the StatefulSet's own metadata; the injector only sees the pod template's annotations (spec.template.metadata.annotations)",
    );
    expect(res.stderr).not.toContain('note: AGENT_INJECT_VAULT_ADDR');
  });

  it('reads stdin with -f - and prints patches that turn the input into the --patch-less output', async () => {
    const patched = await runCli(['preview', '-f', '-', '--patch'], ENV, DEPLOYMENT);
    const full = await runCli(['preview', '-f', '-'], ENV, DEPLOYMENT);
    expect([patched.code, full.code]).toEqual([0, 0]);
    expect(patched.stdout.startsWith('# Deployment/web\n')).toBe(true);
    const ops = JSON.parse(patched.stdout.slice(patched.stdout.indexOf('\n') + 1)) as Operation[];
    const applied = fastJsonPatch.applyPatch(
      parseAllDocuments(DEPLOYMENT)[0]!.toJS() as object,
      ops,
      true,
      false,
    ).newDocument;
    expect(applied).toEqual(parseAllDocuments(full.stdout)[0]!.toJS());
  });

  it('uses a placeholder Vault address, with a note, when none is set', async () => {
    const res = await runCli(['preview', '-f', '-'], {}, DEPLOYMENT);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(
      'note: AGENT_INJECT_VAULT_ADDR is not set; previewing with https://vault.vault.svc:8200',
    );
  });

  it('exits 1 and reports the denial when a pod would be denied', async () => {
    const res = await runCli(['preview', '-f', '-'], ENV, [DENIED_POD, CONFIGMAP].join('---\n'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^Pod\/broken: denied: .*agent-pre-populate/m);
    expect(parseAllDocuments(res.stdout).map((d) => d.toJS() as unknown)).toEqual([
      parseAllDocuments(CONFIGMAP)[0]!.toJS(),
    ]);
  });

  it.each([
    [['preview'], 'missing -f FILE'],
    [['preview', '-f', '/nonexistent/app.yaml'], 'cannot read /nonexistent/app.yaml (ENOENT)'],
    [['preview', '-f', '-', '--bogus'], 'unknown argument "--bogus"'],
  ])('exits 2 on usage errors: %j', async (args, message) => {
    const res = await runCli(args, ENV);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
  });

  it('exits 2 on invalid YAML', async () => {
    const res = await runCli(['preview', '-f', '-'], ENV, 'kind: Pod\nmetadata: [unclosed\n');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('document 1: not valid YAML');
  });

  it('exits 2 on a bad AGENT_INJECT_* variable', async () => {
    const res = await runCli(['preview', '-f', '-'], { ...ENV, AGENT_INJECT_RUN_AS_USER: 'root' }, DEPLOYMENT);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('AGENT_INJECT_RUN_AS_USER');
  });

  it('prints a --patch that applies to a Deployment as written (no token mount yet), as kubectl would send it', async () => {
    const asWritten = DEPLOYMENT.replace(/\n {10}volumeMounts: .*\n/, '\n');
    expect(asWritten).not.toContain('serviceaccount');
    const patched = await runCli(['preview', '-f', '-', '--patch'], ENV, asWritten);
    const full = await runCli(['preview', '-f', '-'], ENV, asWritten);
    expect([patched.code, full.code]).toEqual([0, 0]);
    const ops = JSON.parse(patched.stdout.slice(patched.stdout.indexOf('\n') + 1)) as Operation[];
    const applied = fastJsonPatch.applyPatch(
      parseAllDocuments(asWritten)[0]!.toJS() as object,
      ops,
      true,
      false,
    ).newDocument;
    expect(applied).toEqual(parseAllDocuments(full.stdout)[0]!.toJS());
  });

  it('previews a kind: List as kubectl get -o yaml prints it', async () => {
    const items = [DEPLOYMENT, CONFIGMAP].map((d) => parseAllDocuments(d)[0]!.toJS() as unknown);
    const res = await runCli(['preview', '-f', '-'], ENV, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    expect(res.code).toBe(0);
    const out = parseAllDocuments(res.stdout)[0]!.toJS() as { kind: string; items: Workload[] };
    expect(out.kind).toBe('List');
    expect(out.items[0]?.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'vault-agent']);
    expect(out.items[1]).toEqual(items[1]);
  });

  it('warns on stderr that the output is for review, not for kubectl apply', async () => {
    const res = await runCli(['preview', '-f', '-'], ENV, DEPLOYMENT);
    expect(res.stderr).toContain('note: this output is for review, not for kubectl apply');
  });

  it.each([
    ['an empty file', ''],
    ['a comment-only file', '# nothing here\n---\n'],
  ])('exits 2 on %s', async (_name, text) => {
    const path = await file('empty.yaml', text);
    const res = await runCli(['preview', '-f', path], ENV);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${path} holds no Kubernetes objects`);
  });

  it('points a positional file argument at -f, with the whole path', async () => {
    const path = `${dir}/${'a-rather-long-directory-name/'.repeat(3)}deploy.yaml`;
    const res = await runCli(['preview', path], ENV);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `unexpected argument ${JSON.stringify(path)}: name the manifest with -f (vaultlet preview -f ${path})`,
    );
  });

  it('exits 2 naming a duplicate key, and on an unrendered Helm template without a Node warning', async () => {
    const dup = await runCli(['preview', '-f', '-'], ENV, 'kind: Pod\nmetadata:\n  name: a\n  name: b\n');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('duplicate key "name" at line 4');
    const helm = await runCli(['preview', '-f', '-'], ENV, 'kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n');
    expect(helm.code).toBe(2);
    expect(helm.stderr).toContain('unrendered Helm template');
    expect(helm.stderr).not.toMatch(/Warning|DeprecationWarning|\(node:\d+\)/);
  });
});
