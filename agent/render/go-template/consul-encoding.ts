// consul-template's encoding, parsing and hashing functions. Error messages name the function and
// the problem, never the input (it may be a secret).
import { createHash, createHmac } from 'node:crypto';
import { parse as parseYamlText, stringify as stringifyYaml } from 'yaml';
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { map, str } from './args.ts';
import { marshal, parseJsonFloat } from './json.ts';
import { toToml } from './toml.ts';
import { GoFloat, GoStruct, GoTime, JsonNumber, isMap, type GoMap } from './values.ts';

/** base64.StdEncoding / URLEncoding DecodeString: padded, strict alphabet (CR/LF ignored). */
export function base64Decode(s: string, url: boolean): string {
  const clean = s.replace(/[\r\n]/g, '');
  const alphabet = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (clean.length % 4 !== 0 || !alphabet.test(clean)) throw new Error('illegal base64 data');
  return Buffer.from(clean, url ? 'base64url' : 'base64').toString('utf8');
}

export function base64Encode(s: string, url: boolean): string {
  const b64 = Buffer.from(s, 'utf8').toString('base64');
  return url ? b64.replace(/\+/g, '-').replace(/\//g, '_') : b64;
}

/** Template values as plain JS for the yaml library (numbers keep their value, structs become maps). */
function toPlain(v: unknown): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (v instanceof GoFloat) return v.value;
  if (v instanceof GoTime) return v.date.toISOString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof GoStruct) return Object.fromEntries([...v.fields].map(([k, f]) => [k, toPlain(f)]));
  if (isMap(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, toPlain(v[k])]));
  return v;
}

/** yaml.v2 Marshal as consul-template's toYAML uses it: sorted keys, block style, sequences not indented. */
export function toYaml(v: unknown): string {
  return stringifyYaml(toPlain(v), { indentSeq: false, sortMapEntries: true, lineWidth: 0, minContentWidth: 0 }).trim();
}

/** Parsed YAML as template values: integers are int, other numbers float64. */
function fromYaml(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : new GoFloat(v);
  if (Array.isArray(v)) return v.map(fromYaml);
  if (v instanceof Date) return new GoTime(v);
  if (isMap(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) out[k] = fromYaml(v[k]);
    return out;
  }
  return v ?? null;
}

export function parseYaml(s: string): unknown {
  try {
    return fromYaml(parseYamlText(s));
  } catch {
    throw new Error('invalid YAML');
  }
}

const BOOL_TEXT: Readonly<Record<string, boolean>> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

function parseGoInt(s: string, unsigned: boolean): number {
  if (!(unsigned ? /^\+?\d+$/ : /^[+-]?\d+$/).test(s)) throw new Error('invalid syntax');
  const big = BigInt(s);
  const [min, max] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  if (big < min || big > max) throw new Error('value out of range');
  return Number(big);
}

function parseGoFloat(s: string): GoFloat {
  const t = s.replace(/_/g, '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return new GoFloat(t.startsWith('-') ? -Infinity : Infinity);
  if (/^nan$/i.test(t)) return new GoFloat(NaN);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new Error('invalid syntax');
  return new GoFloat(Number(t));
}

function hash(algorithm: 'sha256' | 'md5', s: string): string {
  return createHash(algorithm).update(s, 'utf8').digest('hex');
}

const one = (f: (s: string) => unknown): GoFunction => (a) => (arity(a, 1), f(str(a[0])));
const emptyOr = <T>(empty: T, f: (s: string) => T): GoFunction => one((s) => (s === '' ? empty : f(s)));

export const CONSUL_ENCODING_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['base64Decode', one((s) => base64Decode(s, false))],
  ['base64Encode', one((s) => base64Encode(s, false))],
  ['base64URLDecode', one((s) => base64Decode(s, true))],
  ['base64URLEncode', one((s) => base64Encode(s, true))],
  ['toJSON', (a) => (arity(a, 1), marshal(a[0], { escapeHTML: true, indent: '' }))],
  ['toJSONPretty', (a) => (arity(a, 1), marshal(a[0], { escapeHTML: true, indent: '  ' }))],
  ['toUnescapedJSON', (a) => (arity(a, 1), marshal(a[0], { escapeHTML: false, indent: '' }))],
  ['toUnescapedJSONPretty', (a) => (arity(a, 1), marshal(a[0], { escapeHTML: false, indent: '  ' }))],
  ['toYAML', (a) => (arity(a, 1), toYaml(map(a[0])))],
  ['toTOML', (a) => (arity(a, 1), toToml(map(a[0])))],
  ['parseJSON', one(parseJsonFloat)],
  ['parseYAML', one(parseYaml)],
  ['parseBool', emptyOr<boolean>(false, (s) => {
    const b = BOOL_TEXT[s];
    if (b === undefined) throw new Error('invalid syntax');
    return b;
  })],
  ['parseInt', emptyOr<number>(0, (s) => parseGoInt(s, false))],
  ['parseUint', emptyOr<number>(0, (s) => parseGoInt(s, true))],
  ['parseFloat', emptyOr<GoFloat>(new GoFloat(0), parseGoFloat)],
  ['sha256Hex', one((s) => hash('sha256', s))],
  ['md5sum', one((s) => hash('md5', s))],
  ['hmacSHA256Hex', (a) => (arity(a, 2), createHmac('sha256', str(a[1])).update(str(a[0]), 'utf8').digest('hex'))],
]);
