// One linear pass over an AdmissionReview's raw bytes, before (and sometimes instead of) JSON.parse:
// it validates the JSON exactly as JSON.parse does, measures its nesting, finds the keys that would
// poison a prototype, and notes where the few fields the answer needs lie (apiVersion, kind,
// request.uid/operation/namespace, the pod's name), how large the pod's annotations are and whether
// they ask for injection, and how much JSON structure the body holds. A 3 MiB flood of annotations,
// or a million empty objects, can then be answered without JSON.parse building them. Bounded: one
// pass, a fixed stack of maxDepth frames, no regex, no string built per key.

/** A value's bytes in the body: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** What the scan found in JSON that JSON.parse accepts. The last of repeated keys wins, as in JSON.parse. */
export interface ReviewFields {
  readonly apiVersion: Span | undefined;
  readonly kind: Span | undefined;
  /** request, request.object and request.object.metadata: each present only when it is an object. */
  readonly request: boolean;
  readonly uid: Span | undefined;
  readonly operation: Span | undefined;
  readonly namespace: Span | undefined;
  readonly object: boolean;
  readonly metadata: boolean;
  readonly name: Span | undefined;
  readonly generateName: Span | undefined;
  /**
   * request.object.metadata.annotations, when it is an object: its keys and values in UTF-16 code
   * units as JSON.parse would decode them (a value that is not a string counts its JSON text's
   * bytes), every entry counted as sent, repeated keys included; -1 when it is not an object.
   */
  readonly annotationsChars: number;
  /** request.object.metadata.annotations' value, when the key is there. */
  readonly annotations: Span | undefined;
  /** Those annotations are an object holding the key `vault.hashicorp.com/agent-inject`. */
  readonly asksInjection: boolean;
  /** That key's value (its last occurrence), when asksInjection. */
  readonly injectValue: Span | undefined;
  /**
   * The body's structural characters outside strings: `{`, `[`, `,` and `:`, about one per value
   * and key. What JSON.parse costs grows with them far more than with bytes.
   */
  readonly structure: number;
}

export type ScanResult =
  | { readonly kind: 'json'; readonly fields: ReviewFields }
  /** Not JSON (JSON.parse would throw). */
  | { readonly kind: 'invalid' }
  /** Objects or arrays nest deeper than the limit. */
  | { readonly kind: 'deep' }
  /**
   * JSON with a `__proto__` key, or an object whose last `constructor` is an object with a
   * `prototype` key, anywhere: also in a value that a repeated key later replaces (which the
   * parsed object no longer holds, so the poisoning checks would let it through; the API server
   * never repeats a key).
   */
  | { readonly kind: 'forbidden' };

// The watched fields, as a tree of node ids: a frame whose object is one of these nodes compares
// its keys with its children's names.
const ROOT = 0;
const API_VERSION = 1;
const KIND = 2;
const REQUEST = 3;
const UID = 4;
const OPERATION = 5;
const NAMESPACE = 6;
const OBJECT = 7;
const METADATA = 8;
const NAME = 9;
const GENERATE_NAME = 10;
const ANNOTATIONS = 11;
const NODES = 12;
const NONE = -1;

type Children = readonly (readonly [name: string, node: number])[];

/** The watched keys of each object node, by node id (undefined: a leaf, or not watched). */
const CHILDREN: readonly (Children | undefined)[] = (() => {
  const children: (Children | undefined)[] = Array.from({ length: NODES }, () => undefined);
  children[ROOT] = [
    ['apiVersion', API_VERSION],
    ['kind', KIND],
    ['request', REQUEST],
  ];
  children[REQUEST] = [
    ['uid', UID],
    ['operation', OPERATION],
    ['namespace', NAMESPACE],
    ['object', OBJECT],
  ];
  children[OBJECT] = [['metadata', METADATA]];
  children[METADATA] = [
    ['name', NAME],
    ['generateName', GENERATE_NAME],
    ['annotations', ANNOTATIONS],
  ];
  return children;
})();

/** The nodes below each node: a later occurrence of a key replaces everything an earlier one held. */
const BELOW: readonly (readonly number[])[] = (() => {
  const below: number[][] = Array.from({ length: NODES }, () => []);
  below[REQUEST] = [UID, OPERATION, NAMESPACE, OBJECT, METADATA, NAME, GENERATE_NAME, ANNOTATIONS];
  below[OBJECT] = [METADATA, NAME, GENERATE_NAME, ANNOTATIONS];
  below[METADATA] = [NAME, GENERATE_NAME, ANNOTATIONS];
  return below;
})();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** The annotation that asks for an agent (annotations/keys.ts's INJECT key, written out: this file imports nothing). */
const INJECT_KEY = 'vault.hashicorp.com/agent-inject';
const WHITESPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[c] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
/** The one-character escapes JSON allows after a backslash. */
const SHORT_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SHORT_ESCAPE[c.charCodeAt(0)] = 1;
/** Bytes a string may hold as they are: not a quote, a backslash or a control character. */
const PLAIN = new Uint8Array(256).fill(1);
for (let c = 0; c < 0x20; c += 1) PLAIN[c] = 0;
PLAIN[QUOTE] = 0;
PLAIN[BACKSLASH] = 0;

const FRAME_OBJECT = 1;
const FRAME_ARRAY = 2;
const VALUE_STRING = 0;
const VALUE_OBJECT = 1;
const VALUE_OTHER = 2;

const INVALID: ScanResult = { kind: 'invalid' };
const DEEP: ScanResult = { kind: 'deep' };
const FORBIDDEN: ScanResult = { kind: 'forbidden' };

/**
 * The UTF-16 length of a JSON string's content bytes [start, end) once decoded as
 * Buffer#toString('utf8') and JSON.parse do: escapes count one unit, a 4-byte sequence two, and
 * each ill-formed sequence one U+FFFD (the WHATWG decoder's rule). Escapes are assumed valid.
 */
export function utf16Units(bytes: Uint8Array, start: number, end: number): number {
  let units = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let i = start;
  while (i < end) {
    const c = bytes[i] as number;
    if (needed === 0) {
      if (c < 0x80) {
        i += c !== BACKSLASH ? 1 : bytes[i + 1] === 0x75 ? 6 : 2;
        units += 1;
        continue;
      }
      i += 1;
      if (c >= 0xc2 && c <= 0xdf) needed = 1;
      else if (c >= 0xe0 && c <= 0xef) {
        if (c === 0xe0) lower = 0xa0;
        else if (c === 0xed) upper = 0x9f;
        needed = 2;
      } else if (c >= 0xf0 && c <= 0xf4) {
        if (c === 0xf0) lower = 0x90;
        else if (c === 0xf4) upper = 0x8f;
        needed = 3;
      } else units += 1;
      continue;
    }
    if (c < lower || c > upper) {
      // An ill-formed sequence: one U+FFFD, and this byte starts afresh (not consumed).
      units += 1;
      needed = 0;
      seen = 0;
      lower = 0x80;
      upper = 0xbf;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    seen += 1;
    i += 1;
    if (seen === needed) {
      units += needed === 3 ? 2 : 1;
      needed = 0;
      seen = 0;
    }
  }
  return needed === 0 ? units : units + 1;
}

/** The hex digit's value; the byte is known to be one. */
function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/**
 * Whether the JSON string content [start, end) decodes to `name` (ASCII). Walks at most about six
 * bytes per character of the name, so a long or escaped key costs no more than a short one.
 */
function contentIs(bytes: Uint8Array, start: number, end: number, escaped: boolean, name: string): boolean {
  if (!escaped) {
    if (end - start !== name.length) return false;
    for (let k = 0; k < name.length; k += 1) if (bytes[start + k] !== name.charCodeAt(k)) return false;
    return true;
  }
  let i = start;
  for (let k = 0; k < name.length; k += 1) {
    if (i >= end) return false;
    let unit = bytes[i] as number;
    if (unit === BACKSLASH) {
      const e = bytes[i + 1] as number;
      if (e === 0x75) {
        unit =
          (hexValue(bytes[i + 2] as number) << 12) |
          (hexValue(bytes[i + 3] as number) << 8) |
          (hexValue(bytes[i + 4] as number) << 4) |
          hexValue(bytes[i + 5] as number);
        i += 6;
      } else {
        unit = e === 0x62 ? 8 : e === 0x66 ? 12 : e === 0x6e ? 10 : e === 0x72 ? 13 : e === 0x74 ? 9 : e;
        i += 2;
      }
    } else {
      i += 1;
    }
    if (unit !== name.charCodeAt(k)) return false;
  }
  return i === end;
}

/** What stringEnd learnt of the string it scanned: bytes saved by escapes, and flags. */
const STRING_STATS = new Int32Array(2);
const HAS_ESCAPE = 1;
const HAS_WIDE = 2;

/**
 * From the opening quote at `from`: the index after the closing quote, or -1 if the bytes are not a
 * JSON string (a control character, a bad escape, no end). Notes in STRING_STATS what escapes saved
 * and whether there was an escape or a byte above 0x7f.
 */
function stringEnd(bytes: Uint8Array, from: number, n: number): number {
  let i = from + 1;
  let saved = 0;
  let flags = 0;
  for (;;) {
    if (i >= n) return -1;
    const c = bytes[i] as number;
    if (PLAIN[c] === 1) {
      if (c >= 0x80) flags |= HAS_WIDE;
      i += 1;
      continue;
    }
    if (c === QUOTE) break;
    if (c !== BACKSLASH) return -1; // a control character
    flags |= HAS_ESCAPE;
    const e = bytes[i + 1] as number;
    if (SHORT_ESCAPE[e] === 1) {
      saved += 1;
      i += 2;
    } else if (
      e === 0x75 &&
      HEX[bytes[i + 2] as number] === 1 &&
      HEX[bytes[i + 3] as number] === 1 &&
      HEX[bytes[i + 4] as number] === 1 &&
      HEX[bytes[i + 5] as number] === 1
    ) {
      saved += 5;
      i += 6;
    } else {
      return -1;
    }
  }
  STRING_STATS[0] = saved;
  STRING_STATS[1] = flags;
  return i + 1;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** From `from`: the index after a JSON number, or -1. */
function numberEnd(bytes: Uint8Array, from: number): number {
  let i = from;
  if (bytes[i] === 0x2d) i += 1;
  const first = bytes[i];
  if (first === 0x30) i += 1;
  else if (isDigit(first)) while (isDigit(bytes[i])) i += 1;
  else return -1;
  if (bytes[i] === 0x2e) {
    i += 1;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i += 1;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i += 1;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i += 1;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i += 1;
  }
  return i;
}

function literalEnd(bytes: Uint8Array, from: number, word: string): number {
  for (let k = 0; k < word.length; k += 1) if (bytes[from + k] !== word.charCodeAt(k)) return -1;
  return from + word.length;
}

function spaceEnd(bytes: Uint8Array, from: number, n: number): number {
  let i = from;
  while (i < n && WHITESPACE[bytes[i] as number] === 1) i += 1;
  return i;
}

/** The per-depth state of the open objects and arrays, and of the fields found. */
class Frames {
  readonly type: Uint8Array;
  /** The watched node an object is, NONE if none. */
  readonly node: Int8Array;
  /** The watched child the object's current key names, NONE if none. */
  readonly keyNode: Int8Array;
  /** The object's current key is `constructor`. */
  readonly keyCtor: Uint8Array;
  /** The object has a `prototype` key. */
  readonly hasPrototype: Uint8Array;
  /** The object's last `constructor` is an object with a `prototype` key. */
  readonly ctorPoison: Uint8Array;
  /** The object's entries are counted (the annotations); their total so far. */
  readonly counting: Uint8Array;
  readonly total: Float64Array;
  readonly start: Int32Array;
  readonly starts = new Int32Array(NODES).fill(-1);
  readonly ends = new Int32Array(NODES).fill(-1);
  readonly isObject = new Uint8Array(NODES);
  annotationsChars = -1;
  /** The annotations object being read, or the last one read, holds the agent-inject key. */
  asksInjection = false;
  /** The key just read in the annotations is agent-inject: its value is noted when complete. */
  injectPending = false;
  injectStart = -1;
  injectEnd = -1;
  structure = 0;
  forbidden = false;
  /** How many objects and arrays are open. */
  depth = 0;

  constructor(maxDepth: number) {
    const size = maxDepth + 1;
    this.type = new Uint8Array(size);
    this.node = new Int8Array(size);
    this.keyNode = new Int8Array(size);
    this.keyCtor = new Uint8Array(size);
    this.hasPrototype = new Uint8Array(size);
    this.ctorPoison = new Uint8Array(size);
    this.counting = new Uint8Array(size);
    this.total = new Float64Array(size);
    this.start = new Int32Array(size);
  }
}

/** The UTF-16 length of the string [start, end) (quotes included) that stringEnd just scanned. */
function stringUnits(bytes: Uint8Array, start: number, end: number): number {
  return (STRING_STATS[1] as number) & HAS_WIDE
    ? utf16Units(bytes, start + 1, end - 1)
    : end - start - 2 - (STRING_STATS[0] as number);
}

/** A value [start, end) is complete inside the object at f.depth: noted if watched, counted if annotations. */
function valueDone(
  bytes: Uint8Array,
  f: Frames,
  start: number,
  end: number,
  kind: number,
  prototypeInside: boolean,
): void {
  const depth = f.depth;
  const node = f.keyNode[depth] as number;
  if (node !== NONE) {
    f.ends[node] = end;
    if (node === ANNOTATIONS && kind !== VALUE_OBJECT) {
      f.annotationsChars = -1;
      forgetInjection(f);
    }
  }
  if (f.keyCtor[depth] === 1) f.ctorPoison[depth] = kind === VALUE_OBJECT && prototypeInside ? 1 : 0;
  if (f.counting[depth] === 1 && f.injectPending) {
    f.injectStart = start;
    f.injectEnd = end;
    f.injectPending = false;
  }
  if (f.counting[depth] === 1) {
    f.total[depth] =
      (f.total[depth] as number) + (kind === VALUE_STRING ? stringUnits(bytes, start, end) : end - start);
  }
}

/** Closes the object or array at f.depth, which ends at `end` (after its bracket). */
function closeFrame(bytes: Uint8Array, f: Frames, end: number): void {
  const closing = f.depth;
  const wasObject = f.type[closing] === FRAME_OBJECT;
  if (wasObject && f.ctorPoison[closing] === 1) f.forbidden = true;
  if (f.counting[closing] === 1) f.annotationsChars = f.total[closing] as number;
  f.depth = closing - 1;
  if (f.depth > 0 && f.type[f.depth] === FRAME_OBJECT) {
    const kind = wasObject ? VALUE_OBJECT : VALUE_OTHER;
    valueDone(bytes, f, f.start[closing] as number, end, kind, f.hasPrototype[closing] === 1);
  }
}

/** A new (or no) annotations object: nothing of an earlier one's agent-inject key counts. */
function forgetInjection(f: Frames): void {
  f.asksInjection = false;
  f.injectPending = false;
  f.injectStart = -1;
  f.injectEnd = -1;
}

/** The key [keyStart, keyEnd) just scanned in the object at f.depth: what it names. */
function keyDone(bytes: Uint8Array, f: Frames, keyStart: number, keyEnd: number): void {
  const depth = f.depth;
  if (f.counting[depth] === 1) {
    f.total[depth] = (f.total[depth] as number) + stringUnits(bytes, keyStart, keyEnd);
    const escapedKey = ((STRING_STATS[1] as number) & HAS_ESCAPE) !== 0;
    f.injectPending = contentIs(bytes, keyStart + 1, keyEnd - 1, escapedKey, INJECT_KEY);
    if (f.injectPending) f.asksInjection = true;
  }
  f.keyCtor[depth] = 0;
  f.keyNode[depth] = NONE;
  const flags = STRING_STATS[1] as number;
  // A key with a byte above 0x7f never decodes to one of these ASCII names.
  if (flags & HAS_WIDE) return;
  const from = keyStart + 1;
  const to = keyEnd - 1;
  const escaped = (flags & HAS_ESCAPE) !== 0;
  const length = to - from;
  if (escaped || length === 9 || length === 11) {
    if (contentIs(bytes, from, to, escaped, '__proto__')) f.forbidden = true;
    else if (contentIs(bytes, from, to, escaped, 'constructor')) f.keyCtor[depth] = 1;
    else if (contentIs(bytes, from, to, escaped, 'prototype')) f.hasPrototype[depth] = 1;
  }
  const watched = f.node[depth] as number;
  const children = watched === NONE ? undefined : CHILDREN[watched];
  if (children === undefined) return;
  for (const [name, child] of children) {
    if (contentIs(bytes, from, to, escaped, name)) {
      f.keyNode[depth] = child;
      // A later occurrence of a key replaces all an earlier one held, as in JSON.parse.
      for (const below of BELOW[child] ?? []) {
        f.starts[below] = -1;
        f.ends[below] = -1;
        f.isObject[below] = 0;
      }
      if (child === ANNOTATIONS || (BELOW[child] ?? []).includes(ANNOTATIONS)) {
        f.annotationsChars = -1;
        forgetInjection(f);
      }
      f.isObject[child] = 0;
      f.ends[child] = -1;
      return;
    }
  }
}

/** Opens an object or array at `start`, inside the frame at f.depth. */
function openFrame(f: Frames, start: number, opensObject: boolean): void {
  const parent = f.depth;
  const node = parent === 0 ? ROOT : f.type[parent] === FRAME_OBJECT ? (f.keyNode[parent] as number) : NONE;
  const depth = parent + 1;
  f.depth = depth;
  f.type[depth] = opensObject ? FRAME_OBJECT : FRAME_ARRAY;
  f.start[depth] = start;
  f.keyNode[depth] = NONE;
  f.keyCtor[depth] = 0;
  f.hasPrototype[depth] = 0;
  f.ctorPoison[depth] = 0;
  f.counting[depth] = 0;
  f.node[depth] = NONE;
  if (opensObject && node !== NONE) {
    f.isObject[node] = 1;
    if (CHILDREN[node] !== undefined) f.node[depth] = node;
    else if (node === ANNOTATIONS) {
      f.counting[depth] = 1;
      f.total[depth] = 0;
      forgetInjection(f);
    }
  }
}

/** Scans `bytes` (a leading UTF-8 byte order mark is skipped, as the body parser does). */
export function scanReview(input: Uint8Array, maxDepth: number): ScanResult {
  // A plain Uint8Array view: element reads on a Buffer (a subclass) were slower in the hot loops.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const n = bytes.length;
  const f = new Frames(maxDepth);
  const type = f.type;
  const keyNode = f.keyNode;
  let depth = 0;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  i = spaceEnd(bytes, i, n);
  // Each turn reads one value at i (opening a container, or a whole scalar), then what follows a
  // complete value: commas, closing brackets, and the next key.
  for (;;) {
    if (i >= n) return INVALID;
    const c = bytes[i] as number;
    const start = i;
    const inObject = depth > 0 && type[depth] === FRAME_OBJECT;
    if (inObject) {
      const node = keyNode[depth] as number;
      if (node !== NONE) f.starts[node] = start;
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth === maxDepth) return DEEP;
      f.structure += 1;
      const opensObject = c === 0x7b;
      // An empty object or array that no watched field is: a value like any scalar, without a
      // frame (3 MiB of `{},` is a million of them).
      if (bytes[i + 1] === (opensObject ? 0x7d : 0x5d) && (!inObject || keyNode[depth] === NONE)) {
        i += 2;
        if (inObject) valueDone(bytes, f, start, i, opensObject ? VALUE_OBJECT : VALUE_OTHER, false);
      } else {
        openFrame(f, start, opensObject);
        depth += 1;
        i = spaceEnd(bytes, i + 1, n);
        if (bytes[i] !== (opensObject ? 0x7d : 0x5d)) {
          if (!opensObject) continue; // the array's first value
          i = keyEnd(bytes, f, i, n);
          if (i < 0) return INVALID;
          continue;
        }
        i += 1;
        closeFrame(bytes, f, i);
        depth -= 1;
      }
    } else {
      let end: number;
      if (c === QUOTE) end = stringEnd(bytes, i, n);
      else if (c === 0x74) end = literalEnd(bytes, i, 'true');
      else if (c === 0x66) end = literalEnd(bytes, i, 'false');
      else if (c === 0x6e) end = literalEnd(bytes, i, 'null');
      else end = numberEnd(bytes, i);
      if (end < 0) return INVALID;
      i = end;
      if (inObject) valueDone(bytes, f, start, end, c === QUOTE ? VALUE_STRING : VALUE_OTHER, false);
    }
    // After a complete value.
    for (;;) {
      i = spaceEnd(bytes, i, n);
      if (depth === 0) {
        if (i !== n) return INVALID;
        return f.forbidden ? FORBIDDEN : { kind: 'json', fields: fieldsOf(f) };
      }
      const b = bytes[i];
      const objectOpen = type[depth] === FRAME_OBJECT;
      if (b === 0x2c) {
        f.structure += 1;
        i = spaceEnd(bytes, i + 1, n);
        if (objectOpen) {
          i = keyEnd(bytes, f, i, n);
          if (i < 0) return INVALID;
        }
        break;
      }
      if (b !== (objectOpen ? 0x7d : 0x5d)) return INVALID;
      i += 1;
      closeFrame(bytes, f, i);
      depth -= 1;
    }
  }
}

/** Reads a key, its colon and the space after, in the object at f.depth: the index of its value, or -1. */
function keyEnd(bytes: Uint8Array, f: Frames, from: number, n: number): number {
  if (bytes[from] !== QUOTE) return -1;
  const end = stringEnd(bytes, from, n);
  if (end < 0) return -1;
  keyDone(bytes, f, from, end);
  const colon = spaceEnd(bytes, end, n);
  if (bytes[colon] !== 0x3a) return -1;
  f.structure += 1;
  return spaceEnd(bytes, colon + 1, n);
}

function fieldsOf(f: Frames): ReviewFields {
  const span = (node: number): Span | undefined => {
    const start = f.starts[node] as number;
    const end = f.ends[node] as number;
    return start >= 0 && end >= 0 ? { start, end } : undefined;
  };
  return {
    apiVersion: span(API_VERSION),
    kind: span(KIND),
    request: f.isObject[REQUEST] === 1,
    uid: span(UID),
    operation: span(OPERATION),
    namespace: span(NAMESPACE),
    object: f.isObject[OBJECT] === 1,
    metadata: f.isObject[METADATA] === 1,
    name: span(NAME),
    generateName: span(GENERATE_NAME),
    annotationsChars: f.annotationsChars,
    annotations: span(ANNOTATIONS),
    asksInjection: f.asksInjection,
    injectValue: f.asksInjection && f.injectStart >= 0 ? { start: f.injectStart, end: f.injectEnd } : undefined,
    structure: f.structure,
  };
}
