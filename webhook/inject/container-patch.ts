// Applies an `agent-json-patch` / `agent-init-json-patch` to one generated container (spec §2.15).
// The patch sees only the container object, so it cannot reach the pod; the result is read back as a
// Container (unknown fields dropped, as vault-k8s's Go decoding does).
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../shared/errors.ts';
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
    const doc = JSON.parse(JSON.stringify(container)) as unknown;
    result = fastJsonPatch.applyPatch(
      doc,
      ops.map((op) => ({ ...op })),
      true,
      true,
      true,
    ).newDocument;
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
