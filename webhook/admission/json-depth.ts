// How deeply JSON text nests, read from its bytes before JSON.parse: a pod is ~15 levels deep, and
// a 100k-deep body parses fine but then costs tens of milliseconds (and risks the stack) in every
// recursive walk after it. One pass, linear in the bytes whatever they hold. The same pass tells
// whether the text can hold a `__proto__` or `constructor` key at all, so that the poisoning
// checks' regular expressions run only when it can, and where the pod's managedFields lie, which
// the webhook never reads and need not build (both used in review-json.ts).

/** Far deeper than any Pod (about 15 levels with the AdmissionReview around it). */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// What each byte value means outside a string: most bytes mean nothing, and the loop below spends
// one table load on them (a chain of comparisons per byte cost twice as much on 3 MiB bodies).
const OTHER = 0;
const STRING = 1;
const OPEN = 2;
const CLOSE = 3;
const MEANING = new Uint8Array(256);
MEANING[QUOTE] = STRING;
MEANING[0x7b] = OPEN; // {
MEANING[0x5b] = OPEN; // [
MEANING[0x7d] = CLOSE; // }
MEANING[0x5d] = CLOSE; // ]

// Above this size, the opening brackets are first counted with Buffer#indexOf (native, fast when
// they are few): nesting deeper than max needs more than max of them. A 3 MiB body of 47,000
// annotations has 8, and skips the byte loop; small bodies go straight to the loop, which is
// cheaper for them than one native call per bracket.
const COUNT_FIRST_BYTES = 64 * 1024;

/** Whether `bytes` holds at most `max` opening brackets (in strings or not). */
function fewOpenings(bytes: Buffer, max: number): boolean {
  let count = 0;
  for (const bracket of [0x7b, 0x5b]) {
    for (let i = bytes.indexOf(bracket); i >= 0; i = bytes.indexOf(bracket, i + 1)) {
      count += 1;
      if (count > max) return false;
    }
  }
  return true;
}

/**
 * Whether the objects and arrays in `bytes` nest deeper than `max`. Brackets inside strings do not
 * count. For text that is not JSON the answer means nothing: JSON.parse decides that.
 */
export function nestsDeeperThan(bytes: Buffer, max: number): boolean {
  return screenJson(bytes, max) === 'deep';
}

/**
 * 'deep': nested deeper than `max`. 'suspect': within it, but a string in it is `__proto__` or
 * `constructor` as written, or holds a \u escape (which could spell either). 'plain': neither, so
 * no key of it can be one of the two, however the text is parsed. Meaningful for JSON text only.
 */
export type JsonScreen = 'deep' | 'suspect' | 'plain';

// The two keys as bytes (9 and 11 long), and the letter of a \u escape.
const PROTO = Buffer.from('__proto__');
const CONSTRUCTOR = Buffer.from('constructor');
const LETTER_U = 0x75;

/** Whether `key.length` bytes of `bytes` from `start` are `key`. */
function holdsAt(bytes: Buffer, start: number, key: Buffer): boolean {
  // Byte by byte in JS: most strings of these lengths differ in their first byte, and a native
  // compare per string cost more than the regular expressions this screen saves.
  for (let k = 0; k < key.length; k += 1) if (bytes[start + k] !== key[k]) return false;
  return true;
}

// The keys from the review down to the pod's managedFields (request.object.metadata.managedFields),
// by the depth of the object that holds each.
const PATH = ['request', 'object', 'metadata', 'managedFields'].map((key) => Buffer.from(key));
const OPEN_BRACE = 0x7b;
const OPEN_SQUARE = 0x5b;
const COLON = 0x3a;

/** Whether the first byte from `from` that is not JSON whitespace is a colon (the string before it was a key). */
function colonFrom(bytes: Buffer, from: number): boolean {
  let i = from;
  for (let c = bytes[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = bytes[i]) i += 1;
  return bytes[i] === COLON;
}

/**
 * One pass over `bytes`: the depth limit and whether a forbidden key can be present (JsonScreen).
 * When `managedFields` is given, it receives where request.object.metadata.managedFields' array
 * lies, [start, end) from its `[` to after its `]`, or -1 and -1 when the key is absent, not an
 * array, or there more than once. Written by the loose reading below: meaningful for JSON text
 * only, and whether the bytes there are JSON is for the caller to check.
 */
export function screenJson(bytes: Buffer, max: number, managedFields?: Int32Array): JsonScreen {
  if (managedFields !== undefined) managedFields.fill(-1);
  // Few brackets rule out depth, but not the keys: those are left to the regular expressions.
  if (bytes.length > COUNT_FIRST_BYTES && fewOpenings(bytes, max)) return 'suspect';
  const n = bytes.length;
  let depth = 0;
  let suspect = false;
  // The open objects, from the outermost, that are the review, its request, the pod and its
  // metadata; the depth whose last key names the next of them (0: none); the array found.
  let onPath = 0;
  let keyAt = 0;
  let found = 0;
  let spanStart = -1;
  let spanEnd = -1;
  let spanDepth = 0;
  for (let i = 0; i < n; i += 1) {
    const meaning = MEANING[bytes[i] as number];
    if (meaning === OTHER) continue;
    if (meaning === STRING) {
      // To the closing quote; an escaped character (\" included) is skipped with its backslash.
      const start = i + 1;
      for (i += 1; i < n; i += 1) {
        const c = bytes[i];
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          // Only a \u escape can spell a letter of either key (\" \\ \n and the rest cannot).
          if (bytes[i + 1] === LETTER_U) suspect = true;
          i += 1;
        }
      }
      const length = i - start;
      const key = length === PROTO.length ? PROTO : length === CONSTRUCTOR.length ? CONSTRUCTOR : undefined;
      if (key !== undefined && holdsAt(bytes, start, key)) suspect = true;
      if (depth === onPath && depth > 0 && depth <= PATH.length) {
        const step = PATH[depth - 1] as Buffer;
        keyAt = length === step.length && holdsAt(bytes, start, step) && colonFrom(bytes, i + 1) ? depth : 0;
      }
    } else if (meaning === OPEN) {
      depth += 1;
      if (depth > max) return 'deep';
      const c = bytes[i];
      if (depth === 1) onPath = c === OPEN_BRACE ? 1 : 0;
      else if (keyAt > 0 && keyAt === depth - 1) {
        if (keyAt < PATH.length) {
          if (c === OPEN_BRACE) onPath = depth;
        } else if (c === OPEN_SQUARE) {
          found += 1;
          spanStart = i;
          spanDepth = depth;
        }
      }
      keyAt = 0;
    } else {
      if (depth === spanDepth) {
        spanEnd = i + 1;
        spanDepth = 0;
      }
      if (depth === onPath) onPath = depth - 1;
      depth -= 1;
      keyAt = 0;
    }
  }
  if (managedFields !== undefined && found === 1 && spanEnd > spanStart) {
    managedFields[0] = spanStart;
    managedFields[1] = spanEnd;
  }
  return suspect ? 'suspect' : 'plain';
}
