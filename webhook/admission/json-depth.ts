// How deeply JSON text nests, read from its bytes before JSON.parse: a pod is ~15 levels deep, and
// a 100k-deep body parses fine but then costs tens of milliseconds (and risks the stack) in every
// recursive walk after it. One pass, linear in the bytes whatever they hold.

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
  if (bytes.length > COUNT_FIRST_BYTES && fewOpenings(bytes, max)) return false;
  const n = bytes.length;
  let depth = 0;
  for (let i = 0; i < n; i += 1) {
    const meaning = MEANING[bytes[i] as number];
    if (meaning === OTHER) continue;
    if (meaning === STRING) {
      // To the closing quote; an escaped character (\" included) is skipped with its backslash.
      for (i += 1; i < n; i += 1) {
        const c = bytes[i];
        if (c === QUOTE) break;
        if (c === BACKSLASH) i += 1;
      }
    } else if (meaning === OPEN) {
      depth += 1;
      if (depth > max) return true;
    } else {
      depth -= 1;
    }
  }
  return false;
}
