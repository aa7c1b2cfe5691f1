// The admitted object, checked just enough to be read safely: a Pod with a spec and named
// containers, string annotations. Anything else is a 400, never an exception further down.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { InvalidObjectError } from '../errors.ts';
import { MAX_ANNOTATIONS_CHARS } from '../annotations/limits.ts';
import { MAX_VALUE_BYTES } from '../annotations/reader.ts';

export type { Container, Pod } from 'kubernetes-types/core/v1.js';

export interface PodView {
  readonly pod: Pod;
  readonly annotations: ReadonlyMap<string, string>;
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
}

/** Throws InvalidObjectError with a short reason. */
export function readPod(object: unknown): PodView {
  if (!isObject(object)) throw new InvalidObjectError('the admitted object is not a JSON object');
  if (object['kind'] !== undefined && object['kind'] !== 'Pod') {
    throw new InvalidObjectError(
      `the admitted object is a ${typeof object['kind'] === 'string' ? object['kind'].slice(0, 63) : 'non-Pod'}, not a Pod`,
    );
  }
  const metadata = object['metadata'] ?? {};
  if (!isObject(metadata)) throw new InvalidObjectError('metadata is not an object');
  const spec = object['spec'];
  if (!isObject(spec)) throw new InvalidObjectError('the pod has no spec');
  const containers = containerList(spec['containers'], 'spec.containers');
  if (containers.length === 0) throw new InvalidObjectError('the pod has no containers');
  const initContainers = containerList(spec['initContainers'] ?? [], 'spec.initContainers');
  if (spec['volumes'] !== undefined && spec['volumes'] !== null && !arrayOfObjects(spec['volumes'])) {
    throw new InvalidObjectError('spec.volumes is not a list of objects');
  }
  return { pod: object, annotations: annotationMap(metadata['annotations']), containers, initContainers };
}

function containerList(v: unknown, where: string): Container[] {
  if (v === null) return [];
  if (!arrayOfObjects(v)) throw new InvalidObjectError(`${where} is not a list of objects`);
  for (const [i, c] of v.entries()) {
    if (typeof c['name'] !== 'string') throw new InvalidObjectError(`${where}[${i}] has no name`);
    for (const field of ['volumeMounts', 'env']) {
      if (c[field] !== undefined && c[field] !== null && !arrayOfObjects(c[field])) {
        throw new InvalidObjectError(`${where}[${i}].${field} is not a list of objects`);
      }
    }
  }
  return v as unknown as Container[];
}

function annotationMap(v: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (v === undefined || v === null) return map;
  if (!isObject(v)) throw new InvalidObjectError('metadata.annotations is not an object');
  let total = 0;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    const value = v[key];
    if (typeof value !== 'string') throw new InvalidObjectError(`annotation "${key.slice(0, 120)}" is not a string`);
    if (value.length > MAX_VALUE_BYTES) {
      throw new InvalidObjectError(`annotation "${key.slice(0, 120)}" is longer than ${MAX_VALUE_BYTES} bytes`);
    }
    // Checked while reading, so a flood of annotations stops here, before any other work.
    total += key.length + value.length;
    if (total > MAX_ANNOTATIONS_CHARS) {
      throw new InvalidObjectError(
        `metadata.annotations are larger than ${MAX_ANNOTATIONS_CHARS} bytes together, the most Kubernetes allows`,
      );
    }
    map.set(key, value);
  }
  return map;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayOfObjects(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.every(isObject);
}
