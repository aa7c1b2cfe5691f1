// Sprig's string, encoding, regex, path and type functions (exposed as `sprig_NAME`). Sprig takes
// the subject string LAST, like consul-template, but its argument orders differ in places
// (`sprig_regexReplaceAll REGEX SUBJECT REPLACEMENT`); each entry follows Sprig v3.
import { posix } from 'node:path';
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { goRegExp, int, replaceAllRegexp, str, text, title } from './args.ts';
import { goEq } from './builtins.ts';
import { goQuote } from './format.ts';
import { marshal, parseJsonFloat } from './json.ts';
import { base64Decode, base64Encode } from './consul-encoding.ts';
import { crypto } from '../../lazy-builtins.ts';
import { GoFloat, isMap, kindOf, typeName, type GoMap } from './values.ts';
import { trimTrailing } from '../../../shared/string-ends.ts';

/** Sprig's empty: nil, zero numbers, false, and empty strings/collections. */
export function empty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return !v;
  if (v instanceof GoFloat) return v.value === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

/** Sprig's strslice: a list of strings from a list (nil elements dropped) or a single value. */
export function strslice(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(text);
  return [text(v)];
}

function bytesSlice(s: string, start: number, end?: number): string {
  return Buffer.from(s).subarray(start, end).toString();
}

function trunc(c: number, s: string): string {
  const len = Buffer.byteLength(s);
  if (c < 0 && len + c > 0) return bytesSlice(s, len + c);
  if (c >= 0 && len > c) return bytesSlice(s, 0, c);
  return s;
}

function substr(start: number, end: number, s: string): string {
  const len = Buffer.byteLength(s);
  if (start < 0) return bytesSlice(s, 0, end);
  if (end < 0 || end > len) return bytesSlice(s, start);
  return bytesSlice(s, start, end);
}

function indent(spaces: number, v: string): string {
  const pad = ' '.repeat(Math.max(spaces, 0));
  return pad + v.replaceAll('\n', `\n${pad}`);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b32enc(s: string): string {
  let bits = '';
  for (const b of Buffer.from(s)) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += B32[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

function b32dec(s: string): string {
  const body = trimTrailing(s, '=');
  if (s.length % 8 !== 0 || !/^[A-Z2-7]*$/.test(body)) return 'illegal base32 data';
  let bits = '';
  for (const c of body) bits += B32.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes).toString();
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

function splitMap(parts: readonly string[]): GoMap {
  const out: GoMap = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return out;
}

function splitN(s: string, sep: string, n: number): string[] {
  if (n < 0) return s.split(sep);
  if (n === 0) return [];
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function safeJson(v: unknown, escapeHTML: boolean, indentUnit: string): string {
  try {
    return marshal(v, { escapeHTML, indent: indentUnit });
  } catch {
    return '';
  }
}

function kindName(v: unknown): string {
  const k = kindOf(v);
  if (k === 'float') return 'float64';
  return k;
}

const s1 = (f: (s: string) => unknown): GoFunction => (a) => (arity(a, 1), f(str(a[0])));
const s2 = (f: (a: string, b: string) => unknown): GoFunction => (a) => (arity(a, 2), f(str(a[0]), str(a[1])));
const s3 = (f: (a: string, b: string, c: string) => unknown): GoFunction => (a) => (arity(a, 3), f(str(a[0]), str(a[1]), str(a[2])));
const hash = (alg: string): GoFunction => s1((s) => crypto().createHash(alg).update(s).digest('hex'));

export const SPRIG_STRING_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['default', (a) => (arity(a, 1, 2), a.length < 2 || empty(a[1]) ? a[0] : a[1])],
  ['empty', (a) => (arity(a, 1), empty(a[0]))],
  ['coalesce', (a) => a.find((v) => !empty(v)) ?? null],
  ['ternary', (a) => (arity(a, 3), a[2] === true ? a[0] : a[1])],
  ['fail', (a) => {
    arity(a, 1);
    throw new Error(str(a[0]));
  }],
  ['b64enc', (a) => (arity(a, 1), base64Encode(text(a[0]), false))],
  ['b64dec', s1((s) => {
    try {
      return base64Decode(s, false);
    } catch (err) {
      return (err as Error).message;
    }
  })],
  ['b32enc', (a) => (arity(a, 1), b32enc(text(a[0])))],
  ['b32dec', s1(b32dec)],
  ['upper', s1((s) => s.toUpperCase())],
  ['lower', s1((s) => s.toLowerCase())],
  ['title', s1(title)],
  ['trim', s1((s) => s.trim())],
  ['trimAll', s2((cutset, s) => s.replace(new RegExp(`^[${escapeClass(cutset)}]+|[${escapeClass(cutset)}]+$`, 'gu'), ''))],
  ['trimall', s2((cutset, s) => s.replace(new RegExp(`^[${escapeClass(cutset)}]+|[${escapeClass(cutset)}]+$`, 'gu'), ''))],
  ['trimPrefix', s2((prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s))],
  ['trimSuffix', s2((suffix, s) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s))],
  ['nospace', s1((s) => s.replace(/\s+/gu, ''))],
  ['quote', (a) => a.filter((v) => v !== null && v !== undefined).map((v) => goQuote(text(v))).join(' ')],
  ['squote', (a) => a.filter((v) => v !== null && v !== undefined).map((v) => `'${text(v)}'`).join(' ')],
  ['cat', (a) => a.filter((v) => v !== null && v !== undefined).map(text).join(' ')],
  ['trunc', (a) => (arity(a, 2), trunc(int(a[0]), str(a[1])))],
  ['substr', (a) => (arity(a, 3), substr(int(a[0]), int(a[1]), str(a[2])))],
  ['repeat', (a) => (arity(a, 2), str(a[1]).repeat(Math.max(int(a[0]), 0)))],
  ['replace', s3((from, to, s) => s.split(from).join(to))],
  ['contains', s2((sub, s) => s.includes(sub))],
  ['hasPrefix', s2((p, s) => s.startsWith(p))],
  ['hasSuffix', s2((p, s) => s.endsWith(p))],
  ['indent', (a) => (arity(a, 2), indent(int(a[0]), str(a[1])))],
  ['nindent', (a) => (arity(a, 2), `\n${indent(int(a[0]), str(a[1]))}`)],
  ['join', (a) => (arity(a, 2), strslice(a[1]).join(str(a[0])))],
  ['split', s2((sep, s) => splitMap(s.split(sep)))],
  ['splitList', s2((sep, s) => s.split(sep))],
  ['splitn', (a) => (arity(a, 3), splitMap(splitN(str(a[2]), str(a[0]), int(a[1]))))],
  ['toString', (a) => (arity(a, 1), text(a[0]))],
  ['toStrings', (a) => (arity(a, 1), strslice(a[0]))],
  ['sortAlpha', (a) => (arity(a, 1), strslice(a[0]).sort())],
  ['toJson', (a) => (arity(a, 1), safeJson(a[0], true, ''))],
  ['toPrettyJson', (a) => (arity(a, 1), safeJson(a[0], true, '  '))],
  ['toRawJson', (a) => (arity(a, 1), safeJson(a[0], false, ''))],
  ['fromJson', s1((s) => {
    try {
      return parseJsonFloat(s);
    } catch {
      return null;
    }
  })],
  ['sha1sum', hash('sha1')],
  ['sha256sum', hash('sha256')],
  ['adler32sum', s1((s) => String(adler32(s)))],
  ['regexMatch', s2((re, s) => goRegExp(re).test(s))],
  ['regexFind', s2((re, s) => goRegExp(re).exec(s)?.[0] ?? '')],
  ['regexFindAll', (a) => {
    arity(a, 3);
    const all = [...str(a[1]).matchAll(goRegExp(str(a[0]), 'g'))].map((m) => m[0]);
    const n = int(a[2]);
    return n < 0 ? all : all.slice(0, n);
  }],
  ['regexReplaceAll', s3((re, s, repl) => replaceAllRegexp(goRegExp(re), repl, s, false))],
  ['regexReplaceAllLiteral', s3((re, s, repl) => replaceAllRegexp(goRegExp(re), repl, s, true))],
  ['regexSplit', (a) => (arity(a, 3), regexSplit(goRegExp(str(a[0]), 'g'), str(a[1]), int(a[2])))],
  ['regexQuoteMeta', s1((s) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))],
  ['typeOf', (a) => (arity(a, 1), typeName(a[0]))],
  ['typeIs', (a) => (arity(a, 2), typeName(a[1]) === str(a[0]))],
  ['kindOf', (a) => (arity(a, 1), kindName(a[0]))],
  ['kindIs', (a) => (arity(a, 2), kindName(a[1]) === str(a[0]))],
  ['deepEqual', (a) => (arity(a, 2), deepEqual(a[0], a[1]))],
  ['base', s1((p) => (p === '' ? '.' : posix.basename(p) || '/'))],
  ['dir', s1((p) => posix.dirname(p))],
  ['ext', s1((p) => posix.extname(p))],
  ['clean', s1((p) => (p === '' ? '.' : posix.normalize(p).replace(/(.)\/$/, '$1')))],
  ['isAbs', s1((p) => p.startsWith('/'))],
]);

function escapeClass(s: string): string {
  return s.replace(/[\\\]^-]/g, '\\$&');
}

function regexSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  const parts: string[] = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (n > 0 && parts.length === n - 1) break;
    if (m[0] === '' && m.index === 0) continue;
    parts.push(s.slice(last, m.index));
    last = m.index + m[0].length;
  }
  parts.push(s.slice(last));
  return parts;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  if (typeName(a) !== typeName(b)) return false;
  try {
    return goEq([a, b]);
  } catch {
    return a === b;
  }
}
