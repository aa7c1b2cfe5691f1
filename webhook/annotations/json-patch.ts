// `agent-json-patch` / `agent-init-json-patch`: an RFC 6902 patch for one agent container.
// Parsed and shape-checked here; applied to the container object alone, so it cannot reach the pod.
import type { Operation } from 'fast-json-patch';
import type { AnnotationReader } from './reader.ts';
import { VAULT_PREFIX } from './keys.ts';
import { MAX_CONTAINER_PATCH_OPERATIONS } from './limits.ts';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * The patch of annotation `name`, [] when absent, empty or null. A patch for a container that is
 * not created (`applied` false) is only checked to be a JSON array, as vault-k8s does, and never
 * applied, so its operations are not checked either.
 */
export function readContainerPatch(reader: AnnotationReader, name: string, applied: boolean): Operation[] {
  const raw = reader.str(name, '');
  if (raw === '') return [];
  const key = VAULT_PREFIX + name;
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch (err) {
    // V8's message quotes the input, which may hold secret values: keep only the position.
    const at = err instanceof Error ? / at position (\d{1,7})/.exec(err.message)?.[1] : undefined;
    reader.fail(key, `not valid JSON${at === undefined ? '' : ` (at position ${at})`}`);
    return [];
  }
  if (value === null) return [];
  if (!Array.isArray(value)) {
    reader.fail(key, 'must be a JSON array of patch operations');
    return [];
  }
  if (!applied) return value as Operation[];
  if (value.length > MAX_CONTAINER_PATCH_OPERATIONS) {
    reader.fail(
      key,
      `has ${value.length} operations, more than the ${MAX_CONTAINER_PATCH_OPERATIONS} one patch may have`,
    );
    return [];
  }
  const bad = value.findIndex((op) => !isOperation(op));
  if (bad !== -1) {
    reader.fail(
      key,
      `operation ${bad} must be an object with "op" (add, remove, replace, move, copy, test) and a "path" starting with "/"`,
    );
    return [];
  }
  return value as Operation[];
}

function isOperation(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const pathOk = (p: unknown): boolean => typeof p === 'string' && (p === '' || p.startsWith('/'));
  if (typeof o['op'] !== 'string' || !OPS.has(o['op']) || !pathOk(o['path'])) return false;
  if ((o['op'] === 'move' || o['op'] === 'copy') && !pathOk(o['from'])) return false;
  return true;
}
