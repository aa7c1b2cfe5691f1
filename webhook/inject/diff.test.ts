import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import fastJsonPatch from 'fast-json-patch';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { loadPodFixture, testConfig } from '../../test/helpers/pods.ts';
import { AnnotationReader } from '../annotations/reader.ts';
import { readAgentSpec } from './agent-spec.ts';
import { diffJson } from './diff.ts';
import { mutatePod } from './mutate.ts';
import { readPod } from './pod.ts';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * diffJson must give compare()'s ops as they go on the wire, and both must turn the original into
 * the mutated. On the wire, not as objects: compare() clones values through JSON text (so -0 becomes
 * 0) where diffJson shares them, and the patch is only ever sent as JSON.
 */
function checkAgainstCompare(original: object, mutated: object): void {
  const before = JSON.stringify(original);
  const expected = fastJsonPatch.compare(original, mutated);
  const ops = diffJson(original, mutated);
  expect(clone(ops)).toStrictEqual(clone(expected));
  // 'shared' copies nothing, and must still be the same JSON text, applying to a copy alike.
  const shared = diffJson(original, mutated, 'shared');
  expect(JSON.stringify(shared)).toBe(JSON.stringify(expected));
  expect(fastJsonPatch.applyPatch(JSON.parse(before) as object, clone(shared), true, false).newDocument).toStrictEqual(
    JSON.parse(JSON.stringify(mutated)),
  );
  expect(JSON.stringify(original)).toBe(before);
  const target = JSON.parse(JSON.stringify(mutated)) as unknown;
  // Applied to a copy, and to the original itself in place (its own nodes changing under the ops).
  expect(fastJsonPatch.applyPatch(JSON.parse(before) as object, clone(ops), true, false).newDocument).toStrictEqual(
    target,
  );
  expect(clone(fastJsonPatch.applyPatch(original, ops, true, true).newDocument)).toStrictEqual(target);
}

// A copy-on-write edit of a JSON document, as mutatePod makes: changed nodes are new objects,
// unchanged subtrees (and sometimes whole nodes of the original, moved elsewhere) are shared.
type Edit = { kind: 'set' | 'delete' | 'insert' | 'move'; pick: number; value: unknown };

function applyEdit(node: unknown, edit: Edit, depth: number): unknown {
  if (typeof node !== 'object' || node === null) return edit.kind === 'set' ? edit.value : node;
  if (Array.isArray(node)) {
    const out = [...(node as unknown[])];
    const i = out.length === 0 ? 0 : edit.pick % out.length;
    if (depth > 0 && out.length > 0 && edit.pick % 3 === 0) out[i] = applyEdit(out[i], edit, depth - 1);
    else if (edit.kind === 'delete' && out.length > 0) out.splice(i, 1);
    else if (edit.kind === 'move' && out.length > 0) out.unshift(out[i]);
    else if (edit.kind === 'insert') out.splice(i, 0, edit.value);
    else out[i] = edit.value;
    return out;
  }
  const out = { ...(node as Record<string, unknown>) };
  const keys = Object.keys(out);
  const key = keys.length === 0 ? 'k' : (keys[edit.pick % keys.length] as string);
  if (depth > 0 && keys.length > 0 && edit.pick % 3 === 0) out[key] = applyEdit(out[key], edit, depth - 1);
  else if (edit.kind === 'delete') delete out[key];
  else if (edit.kind === 'move') out[`${key}/~copy`] = out[key];
  else out[edit.kind === 'insert' ? `n${edit.pick}` : key] = edit.value;
  return out;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('set', 'delete', 'insert', 'move'),
  pick: fc.nat(50),
  value: fc.jsonValue({ maxDepth: 3 }),
});

describe('diffJson', () => {
  it('equals fast-json-patch compare on random documents and copy-on-write edits of them', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(editArb, { maxLength: 6 }),
        fc.nat(4),
        (doc, edits, depth) => {
          const original = { root: JSON.parse(JSON.stringify(doc)) as unknown };
          let mutated: unknown = original;
          for (const edit of edits) mutated = applyEdit(mutated, edit, depth);
          checkAgainstCompare(original, mutated as object);
        },
      ),
      { numRuns: propertyRuns(600) },
    );
  });

  it('equals compare on documents that differ in shape, undefined and non-JSON values', () => {
    checkAgainstCompare({ a: [1, 2] }, { a: { 0: 1 } });
    checkAgainstCompare([1, 2, 3], [1]);
    checkAgainstCompare({ a: 1, b: 2 }, { a: undefined, c: undefined, d: [undefined, 1] });
    checkAgainstCompare({ a: {} }, { a: {}, b: { x: undefined, y: Number.NaN, z: new Date(0) } });
    checkAgainstCompare({ 'a/b': { '~c': 1 } }, { 'a/b': { '~c': 2, 'd/~': 3 } });
    // -0 is 0 once sent; compare() clones it to 0 inside objects but not as a bare value.
    checkAgainstCompare({ root: {} }, { root: [-0, { x: -0 }] });
    checkAgainstCompare({ root: {} }, { root: -0 });
  });

  it('copies a value that shares nodes with the original, and emits new nodes as they are', () => {
    const shared = { name: 'wait', env: [{ name: 'A', value: '1' }] };
    const original = { list: [shared] };
    const added = { name: 'agent', env: [{ name: 'B', value: '2' }] };
    const mutated = { list: [added, { ...shared, extra: true }] };
    const ops = diffJson(original, mutated);
    const addOp = ops.find((op) => op.op === 'add');
    expect(addOp).toStrictEqual({
      op: 'add',
      path: '/list/1',
      value: { name: 'wait', env: [{ name: 'A', value: '1' }], extra: true },
    });
    expect(addOp !== undefined && 'value' in addOp && (addOp.value as typeof shared).env).not.toBe(shared.env);
    // Shared: the very node of the mutated document, though it holds a node of the original.
    const sharedOps = diffJson(original, mutated, 'shared');
    expect((sharedOps.find((op) => op.op === 'add') as { value: unknown }).value).toBe(mutated.list[1]);
    const fresh = diffJson({ list: [] }, { list: [added] });
    expect(fresh).toStrictEqual([{ op: 'add', path: '/list/0', value: added }]);
    expect((fresh[0] as { value: unknown }).value).toBe(added);
  });

  const ANNOTATION_SETS: readonly Record<string, string>[] = [
    {},
    { 'vault.hashicorp.com/agent-init-first': 'true' },
    { 'vault.hashicorp.com/agent-native-sidecar': 'true' },
    { 'vault.hashicorp.com/agent-pre-populate-only': 'true', 'vault.hashicorp.com/agent-init-first': 'true' },
    { 'vault.hashicorp.com/agent-pre-populate': 'false' },
    {
      'vault.hashicorp.com/agent-inject-secret-b': 'kv/data/b',
      'vault.hashicorp.com/agent-inject-template-b': '{{ with secret "kv/data/b" }}{{ .Data.data.x }}{{ end }}',
      'vault.hashicorp.com/agent-inject-containers': 'app',
      'vault.hashicorp.com/secret-volume-path': '/etc/secrets',
      'vault.hashicorp.com/agent-json-patch': '[{"op":"add","path":"/env/-","value":{"name":"X","value":"y"}}]',
      'vault.hashicorp.com/agent-copy-volume-mounts': 'app',
    },
  ];
  const FIXTURES = ['typical-annotated-pod', 'pod-with-init-containers', 'pod-without-volumes', 'minimal-pod'];

  it.each(FIXTURES)('equals compare on what mutatePod makes of %s', (fixture) => {
    for (const annotations of ANNOTATION_SETS) {
      const pod = loadPodFixture(fixture);
      pod.metadata = {
        ...pod.metadata,
        annotations: { ...pod.metadata?.annotations, 'vault.hashicorp.com/agent-inject': 'true', ...annotations },
      };
      const view = readPod(pod);
      const spec = readAgentSpec(new AnnotationReader(view.annotations), view, testConfig(), []);
      const mutation = mutatePod(view, spec);
      checkAgainstCompare(view.pod, mutation.pod);
    }
  });

  it('equals compare on random pods through mutatePod', () => {
    const podArb = fc.record({
      inits: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c'), image: fc.string() }), { maxLength: 3 }),
      volumes: fc.array(fc.constantFrom('tmp', 'data', 'cache'), { maxLength: 3 }),
      secrets: fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 4 }),
      initFirst: fc.boolean(),
      native: fc.boolean(),
      prePopulateOnly: fc.boolean(),
    });
    fc.assert(
      fc.property(podArb, (p) => {
        const pod: Pod = loadPodFixture('typical-annotated-pod');
        const annotations: Record<string, string> = {
          ...pod.metadata?.annotations,
          'vault.hashicorp.com/agent-init-first': String(p.initFirst),
          'vault.hashicorp.com/agent-native-sidecar': String(p.native),
          'vault.hashicorp.com/agent-pre-populate-only': String(p.prePopulateOnly && !p.native),
        };
        for (const s of p.secrets) annotations[`vault.hashicorp.com/agent-inject-secret-${s}`] = `kv/data/${s}`;
        pod.metadata = { ...pod.metadata, annotations };
        if (pod.spec === undefined) throw new Error('fixture without spec');
        if (p.inits.length > 0)
          pod.spec.initContainers = p.inits.map((c) => ({ ...c, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }));
        pod.spec.volumes = [...(pod.spec.volumes ?? []), ...p.volumes.map((name) => ({ name, emptyDir: {} }))];
        const original = clone(pod);
        const view = readPod(original);
        const spec = readAgentSpec(new AnnotationReader(view.annotations), view, testConfig(), []);
        checkAgainstCompare(view.pod, mutatePod(view, spec).pod);
      }),
      { numRuns: propertyRuns(150) },
    );
  });
});
