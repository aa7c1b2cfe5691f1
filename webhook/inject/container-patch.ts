// Applies an `agent-json-patch` / `agent-init-json-patch` to one generated container.
// The patch sees only the container object, so it cannot reach the pod; the result is read back as a
// Container (unknown fields dropped, as vault-k8s's Go decoding does).
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../shared/errors.ts';
import { MAX_PATCH_WORK } from '../annotations/limits.ts';
import { isObject } from './pod.ts';

const CONTAINER_FIELDS = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'restartPolicyRules',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
]);

export function patchContainer(container: Container, ops: readonly Operation[], key: string): Container | FieldError {
  if (ops.length === 0) return container;
  let result: unknown;
  try {
    let doc = JSON.parse(JSON.stringify(container)) as unknown;
    let work = 0;
    for (const [i, op] of ops.entries()) {
      // Counted before the operation runs, so the work stops at the budget.
      const walked = op.op === 'copy' ? op.from : op.op === 'move' || op.op === 'test' ? op.path : undefined;
      if (walked !== undefined)
        work += weight(fastJsonPatch.getValueByPointer(doc, walked) as unknown, MAX_PATCH_WORK - work);
      if (work > MAX_PATCH_WORK) {
        return {
          field: key,
          message: `failed to apply JSON patch: operation ${i}: the patch copies, moves or tests more than ${MAX_PATCH_WORK} values of the container`,
        };
      }
      doc = fastJsonPatch.applyOperation(doc, { ...op }, true, true, true, i).newDocument;
    }
    result = doc;
  } catch (err) {
    // Only the first line: fast-json-patch appends the whole document (VAULT_CONFIG included).
    const index =
      err instanceof fastJsonPatch.JsonPatchError && err.index !== undefined ? `operation ${err.index}: ` : '';
    const first = (err instanceof Error ? err.message : 'patch failed').split('\n')[0]?.slice(0, 200) ?? '';
    return { field: key, message: `failed to apply JSON patch: ${index}${first}` };
  }
  if (!isObject(result)) return { field: key, message: 'the patched container is not an object' };
  const kept = Object.fromEntries(Object.entries(result).filter(([k]) => CONTAINER_FIELDS.has(k)));
  if (typeof kept['name'] !== 'string' || kept['name'] === '')
    return { field: key, message: 'the patched container has no name' };
  return kept as unknown as Container;
}

/** The values in `value` (a string: one more per KiB), counted up to just past `limit`. */
function weight(value: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  for (let v = stack.pop(); v !== undefined && n <= limit; v = stack.pop()) {
    n += typeof v === 'string' ? 1 + (v.length >> 10) : 1;
    if (typeof v === 'object' && v !== null) for (const child of Object.values(v) as unknown[]) stack.push(child);
  }
  return n;
}
