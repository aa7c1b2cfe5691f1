// How deeply JSON text nests, read from its bytes before JSON.parse: a pod is ~15 levels deep, and
// a 100k-deep body parses fine but then costs tens of milliseconds (and risks the stack) in every
// recursive walk after it. One pass, linear in the bytes whatever they hold.

/** Far deeper than any Pod (about 15 levels with the AdmissionReview around it). */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/**
 * Whether the objects and arrays in `bytes` nest deeper than `max`. Brackets inside strings do not
 * count. For text that is not JSON the answer means nothing: JSON.parse decides that.
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return false;
}
