// Sprig's word-level string functions (exposed as `sprig_NAME`): case conversions from
// huandu/xstrings, wrapping, abbreviation, initials and (un)capitalising from Masterminds/goutils.
// Lengths and offsets are in bytes where Go's are.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { int, str } from './args.ts';
import { crypto } from '../../lazy-builtins.ts';
import { formatValue } from './format.ts';

/** xstrings' connectors: `-`, `_` and white space. */
function isConnector(ch: string): boolean {
  return ch === '-' || ch === '_' || /^\s$/u.test(ch);
}

type CharClass = 'upper' | 'lower' | 'digit' | 'connector' | 'other';

function classOf(ch: string): CharClass {
  if (isConnector(ch)) return 'connector';
  if (/^\p{Lu}$/u.test(ch)) return 'upper';
  if (/^\p{L}$/u.test(ch)) return 'lower';
  if (/^\p{Nd}$/u.test(ch)) return 'digit';
  return 'other';
}

/**
 * xstrings.ToSnakeCase / ToKebabCase: words split at lower→Upper, before the last capital of an
 * acronym (`HTTPServer` → `http_server`); a number joins the word before it unless lower-case
 * letters follow it (`Bld4Floor` → `bld4_floor`, `http2xx` → `http_2xx`). Every connector becomes
 * one `connector`; other punctuation is kept without adding one.
 */
export function lowerCaseWords(s: string, connector: string): string {
  const chars = [...s];
  const classes = chars.map(classOf);
  let out = '';
  // Whether the digit run being read starts a word (lower-case letters follow it).
  let digitsStartWord = false;
  for (let i = 0; i < chars.length; i++) {
    const c = classes[i];
    const prev = i > 0 ? classes[i - 1] : undefined;
    const next = classes[i + 1];
    const ch = chars[i] ?? '';
    if (c === 'connector') {
      out += connector;
      continue;
    }
    if (c === 'other') {
      out += ch;
      continue;
    }
    let boundary = false;
    if (c === 'digit' && prev !== 'digit') {
      let j = i;
      while (classes[j] === 'digit') j++;
      digitsStartWord = classes[j] === 'lower';
      boundary = (prev === 'upper' || prev === 'lower') && digitsStartWord;
    } else if (c === 'upper') {
      if (prev === 'lower') boundary = true;
      else if (prev === 'upper' && next === 'lower') boundary = true;
      else if (prev === 'digit') boundary = !digitsStartWord;
    } else if (c === 'lower' && prev === 'digit') {
      boundary = !digitsStartWord;
    }
    if (boundary) out += connector;
    out += ch.toLowerCase();
  }
  return out;
}

/** xstrings.ToCamelCase: connectors dropped and the letter after them upper-cased; leading ones kept. */
export function camelCase(s: string): string {
  const chars = [...s];
  let out = '';
  let i = 0;
  while (i < chars.length && isConnector(chars[i] ?? '')) out += chars[i++];
  if (i >= chars.length) return out;
  let r0 = (chars[i++] ?? '').toUpperCase();
  for (; i < chars.length; i++) {
    const r1 = r0;
    r0 = chars[i] ?? '';
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = r0.toUpperCase();
    else out += r1;
  }
  return out + r0;
}

function swapCase(s: string): string {
  return [...s]
    .map((ch) => {
      const lower = ch.toLowerCase();
      return ch === lower ? ch.toUpperCase() : lower;
    })
    .join('');
}

/** goutils' word-wise capitalisation: the first letter of each white-space separated word. */
function mapWordStarts(s: string, f: (ch: string) => string): string {
  let atStart = true;
  let out = '';
  for (const ch of s) {
    const space = /^\s$/u.test(ch);
    out += atStart && !space ? f(ch) : ch;
    atStart = space;
  }
  return out;
}

function initials(s: string): string {
  return s
    .split(/\s+/u)
    .filter((w) => w !== '')
    .map((w) => [...w][0] ?? '')
    .join('');
}

/** goutils.WrapCustom (byte offsets, breaks at spaces; long words cut only when wrapLong). */
export function wrapCustom(s: string, width: number, newline: string, wrapLong: boolean): string {
  if (s === '') return '';
  const nl = newline === '' ? '\n' : newline;
  const w = Math.max(width, 1);
  const b = Buffer.from(s);
  const len = b.length;
  const slice = (from: number, to: number): string => b.subarray(from, to).toString();
  let offset = 0;
  let out = '';
  while (len - offset > w) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const space = b.subarray(offset, Math.min(w + offset + 1, len)).lastIndexOf(0x20);
    if (space >= 0) {
      out += slice(offset, offset + space) + nl;
      offset += space + 1;
    } else if (wrapLong) {
      out += slice(offset, offset + w) + nl;
      offset += w;
    } else {
      const end = w + offset;
      const next = b.subarray(end).indexOf(0x20);
      if (next < 0) {
        out += slice(offset, len);
        offset = len;
      } else {
        out += slice(offset, end + next) + nl;
        offset = end + next + 1;
      }
    }
  }
  return out + slice(offset, len);
}

/** goutils.AbbreviateFull; undefined where goutils returns an error (Sprig then prints ""). */
function abbreviateFull(s: string, offsetIn: number, maxWidth: number): string | undefined {
  if (s === '') return '';
  if (maxWidth < 4) return undefined;
  const b = Buffer.from(s);
  const len = b.length;
  if (len <= maxWidth) return s;
  let offset = Math.min(offsetIn, len);
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return `${b.subarray(0, maxWidth - 3).toString()}...`;
  if (maxWidth < 7) return undefined;
  if (offset + maxWidth - 3 < len) return `...${abbreviateFull(b.subarray(offset).toString(), 0, maxWidth - 3) ?? ''}`;
  return `...${b.subarray(len - (maxWidth - 3)).toString()}`;
}

/** Sprig's toDecimal: the value's text read as octal; 0 when it is not. */
function toDecimal(v: unknown): number {
  const t = typeof v === 'string' ? v : formatValue(v);
  // strconv.ParseInt(t, 8, 64): out of int64 range is an error, which Sprig turns into 0.
  if (!/^[+-]?[0-7]{1,22}$/.test(t)) return 0;
  const magnitude = BigInt(`0o${t.replace(/^[+-]/, '')}`);
  const n = t.startsWith('-') ? -magnitude : magnitude;
  return BigInt.asIntN(64, n) === n ? Number(n) : 0;
}

const s1 =
  (f: (s: string) => unknown): GoFunction =>
  (a) => (arity(a, 1), f(str(a[0])));

export const SPRIG_TEXT_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['hello', (a) => (arity(a, 0), 'Hello!')],
  ['snakecase', s1((s) => lowerCaseWords(s, '_'))],
  ['kebabcase', s1((s) => lowerCaseWords(s, '-'))],
  ['camelcase', s1(camelCase)],
  ['swapcase', s1(swapCase)],
  ['untitle', s1((s) => mapWordStarts(s, (ch) => ch.toLowerCase()))],
  ['initials', s1(initials)],
  ['wrap', (a) => (arity(a, 2), wrapCustom(str(a[1]), int(a[0]), '', false))],
  ['wrapWith', (a) => (arity(a, 3), wrapCustom(str(a[2]), int(a[0]), str(a[1]), true))],
  [
    'abbrev',
    (a) => {
      arity(a, 2);
      const width = int(a[0]);
      const s = str(a[1]);
      return width < 4 ? s : (abbreviateFull(s, 0, width) ?? '');
    },
  ],
  [
    'abbrevboth',
    (a) => {
      arity(a, 3);
      const left = int(a[0]);
      const right = int(a[1]);
      const s = str(a[2]);
      if (right < 4 || (left > 0 && right < 7)) return s;
      return abbreviateFull(s, left, right) ?? '';
    },
  ],
  ['plural', (a) => (arity(a, 3), int(a[2]) === 1 ? str(a[0]) : str(a[1]))],
  ['sha512sum', s1((s) => crypto().createHash('sha512').update(s).digest('hex'))],
  ['toDecimal', (a) => (arity(a, 1), toDecimal(a[0]))],
]);
