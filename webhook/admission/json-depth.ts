// How deeply JSON text nests, read from its bytes before JSON.parse: a pod is ~15 levels deep, and
// a 100k-deep body parses fine but then costs tens of milliseconds (and risks the stack) in every
// recursive walk after it. One pass, linear in the bytes whatever they hold. The same pass tells
// whether the text can hold a `__proto__` or `constructor` key at all, so that the poisoning
// checks' regular expressions run only when it can (review-json.ts).

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

/** One pass over `bytes`: the depth limit and whether a forbidden key can be present (JsonScreen). */
export function screenJson(bytes: Buffer, max: number): JsonScreen {
  // Few brackets rule out depth, but not the keys: those are left to the regular expressions.
  if (bytes.length > COUNT_FIRST_BYTES && fewOpenings(bytes, max)) return 'suspect';
  const n = bytes.length;
  let depth = 0;
  let suspect = false;
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
    } else if (meaning === OPEN) {
      depth += 1;
      if (depth > max) return 'deep';
    } else {
      depth -= 1;
    }
  }
  return suspect ? 'suspect' : 'plain';
}
