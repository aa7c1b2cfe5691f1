// The JSON patch of a pod: a structural diff of the original against its mutated clone, producing
// exactly the operations of fast-json-patch's compare() (same ops, same order, same values).
//
// The only difference is how values are copied. compare() deep-clones every added or replaced
// value through a JSON round trip, about a fifth of admitPod. Here a value is emitted as it is when
// that is provably indistinguishable from the clone: every node of it is a plain object, array or
// JSON primitive (no undefined, no non-finite number, no toJSON), so it equals its JSON round
// trip; and no node of it belongs to the original pod, so applying the patch to the original in
// place cannot see the value change under it. mutatePod builds new nodes for everything it adds,
// and the mutated clone is dropped after the diff, so the patch is the sole owner of those nodes.
// Anything else (a moved container of the original, say) is cloned exactly as compare() does.
//
// A caller that only serialises the patch can skip even that proof ('shared'): JSON.stringify of a
// value and of its JSON round trip are the same text, so the copies change nothing it can see, and
// the proof walks the whole original pod (a Set of its nodes) for every pod that gets a patch.
import type { Operation } from 'fast-json-patch';

type Json = Record<string, unknown> | unknown[];

function isNode(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function escapePathComponent(key: string): string {
  if (!key.includes('/') && !key.includes('~')) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function keysOf(node: Json): string[] {
  if (Array.isArray(node)) {
    const keys = new Array<string>(node.length);
    for (let i = 0; i < node.length; i++) keys[i] = String(i);
    return keys;
  }
  return Object.keys(node);
}

function collectNodes(node: Json, into: Set<object>): void {
  if (into.has(node)) return;
  into.add(node);
  for (const value of Array.isArray(node) ? node : Object.values(node)) if (isNode(value)) collectNodes(value, into);
}

/** Whether `value` equals its JSON round trip and shares no node with the original. */
function ownedPlainJson(value: unknown, original: ReadonlySet<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (original.has(value)) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!ownedPlainJson(value[i], original)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype) return false;
      if ('toJSON' in value) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) return false;
        if (!ownedPlainJson((value as Record<string, unknown>)[key], original)) return false;
      }
      return true;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return false;
  }
}

/** 'copied': values as compare() emits them; 'shared': the same JSON text, values not copied. */
export type PatchValues = 'copied' | 'shared';

class Differ {
  readonly ops: Operation[] = [];
  private original: Set<object> | undefined;
  private readonly root: Json;
  private readonly values: PatchValues;

  constructor(root: Json, values: PatchValues) {
    this.root = root;
    this.values = values;
  }

  /** The value as compare() would emit it (its _deepClone), without the clone where provably equal. */
  private emit(value: unknown): unknown {
    if (value === undefined) return null;
    if (!isNode(value) || this.values === 'shared') return value;
    if (this.original === undefined) {
      this.original = new Set();
      collectNodes(this.root, this.original);
    }
    return ownedPlainJson(value, this.original) ? value : (JSON.parse(JSON.stringify(value)) as unknown);
  }

  // A transcription of fast-json-patch 3.1.1's _generate (non-invertible), emit() for _deepClone.
  generate(mirror: Json, obj: Json, path: string): void {
    if (obj === mirror) return;
    const objIsArray = Array.isArray(obj);
    const mirrorIsArray = Array.isArray(mirror);
    const newKeys = keysOf(obj);
    const oldKeys = keysOf(mirror);
    const objRecord = obj as Record<string, unknown>;
    const mirrorRecord = mirror as Record<string, unknown>;
    let deleted = false;
    for (let t = oldKeys.length - 1; t >= 0; t--) {
      const key = oldKeys[t] as string;
      const oldVal = mirrorRecord[key];
      if (Object.hasOwn(obj, key) && !(objRecord[key] === undefined && oldVal !== undefined && !objIsArray)) {
        const newVal = objRecord[key];
        if (isNode(oldVal) && isNode(newVal) && Array.isArray(oldVal) === Array.isArray(newVal)) {
          this.generate(oldVal, newVal, `${path}/${escapePathComponent(key)}`);
        } else if (oldVal !== newVal) {
          this.ops.push({ op: 'replace', path: `${path}/${escapePathComponent(key)}`, value: this.emit(newVal) });
        }
      } else if (mirrorIsArray === objIsArray) {
        this.ops.push({ op: 'remove', path: `${path}/${escapePathComponent(key)}` });
        deleted = true;
      } else {
        // compare() emits the object itself here, uncloned.
        this.ops.push({ op: 'replace', path, value: obj });
      }
    }
    if (!deleted && newKeys.length === oldKeys.length) return;
    for (const key of newKeys) {
      if (!Object.hasOwn(mirror, key) && objRecord[key] !== undefined) {
        this.ops.push({ op: 'add', path: `${path}/${escapePathComponent(key)}`, value: this.emit(objRecord[key]) });
      }
    }
  }
}

/**
 * The operations that turn `original` into `mutated`: equal, op for op and value for value, to
 * fast-json-patch's `compare(original, mutated)` on JSON documents (objects and arrays from
 * JSON.parse, or built from such). Values owned by `mutated` alone are not copied, so the caller
 * must not change `mutated` afterwards. With 'shared', no value is copied: the operations
 * serialise to compare()'s JSON text, but may share nodes with `original` and with each other, so
 * they may only be applied to a copy of it.
 */
export function diffJson(original: object, mutated: object, values: PatchValues = 'copied'): Operation[] {
  const differ = new Differ(original as Json, values);
  differ.generate(original as Json, mutated as Json, '');
  return differ.ops;
}
