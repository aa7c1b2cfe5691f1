// consul-template's encoding, parsing and hashing functions. Error messages name the function and
// the problem, never the input (it may be a secret).
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { map, str } from './args.ts';
import { marshal, parseJsonFloat } from './json.ts';
import { toToml } from './toml.ts';
import { GoFloat, GoTime, isMap, type GoMap } from './values.ts';
import { toYamlV2 } from './yaml-v2.ts';
import { yamlModule } from './yaml-module.ts';
import { crypto } from '../../lazy-builtins.ts';

/** Where Go's base64 decoder (padded encodings) reports corrupt input, or -1 when the input is valid. */
function base64ErrorOffset(src: string, url: boolean): number {
  const alphabet = url ? /[A-Za-z0-9_-]/ : /[A-Za-z0-9+/]/;
  const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r';
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === src.length) return j === 0 ? -1 : si - j;
      const c = src[si++] ?? '';
      if (alphabet.test(c)) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== '=' || j < 2) return si - 1;
      if (j === 2) {
        while (isNewline(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== '=') return si - 1;
        si++;
      }
      while (isNewline(src[si])) si++;
      return si < src.length ? si : -1;
    }
  }
}

/** base64.StdEncoding / URLEncoding DecodeString: padded, strict alphabet (CR/LF ignored). */
export function base64Decode(s: string, url: boolean): string {
  const bad = base64ErrorOffset(s, url);
  if (bad >= 0) throw new Error(`illegal base64 data at input byte ${bad}`);
  return Buffer.from(s.replace(/[\r\n]/g, ''), url ? 'base64url' : 'base64').toString('utf8');
}

export function base64Encode(s: string, url: boolean): string {
  const b64 = Buffer.from(s, 'utf8').toString('base64');
  return url ? b64.replace(/\+/g, '-').replace(/\//g, '_') : b64;
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
  const { parse } = yamlModule();
  try {
    return fromYaml(parse(s));
  } catch {
    throw new Error('invalid YAML');
  }
}

const BOOL_TEXT: Readonly<Record<string, boolean>> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

/** A Go int64/uint64: a number, or a bigint when the value is beyond 2^53 (to print every digit). */
function parseGoInt(s: string, unsigned: boolean): number | bigint {
  if (!(unsigned ? /^\+?\d+$/ : /^[+-]?\d+$/).test(s)) throw new Error('invalid syntax');
  const big = BigInt(s);
  const [min, max] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  if (big < min || big > max) throw new Error('value out of range');
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

function parseGoFloat(s: string): GoFloat {
  const t = s.replace(/_/g, '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return new GoFloat(t.startsWith('-') ? -Infinity : Infinity);
  if (/^nan$/i.test(t)) return new GoFloat(NaN);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new Error('invalid syntax');
  return new GoFloat(Number(t));
}

function hash(algorithm: 'sha256' | 'md5', s: string): string {
  return crypto().createHash(algorithm).update(s, 'utf8').digest('hex');
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
  ['toYAML', (a) => (arity(a, 1), toYamlV2(map(a[0])))],
  ['toTOML', (a) => (arity(a, 1), toToml(map(a[0])))],
  ['parseJSON', one(parseJsonFloat)],
  ['parseYAML', one(parseYaml)],
  ['parseBool', emptyOr<boolean>(false, (s) => {
    const b = BOOL_TEXT[s];
    if (b === undefined) throw new Error('invalid syntax');
    return b;
  })],
  ['parseInt', emptyOr<number | bigint>(0, (s) => parseGoInt(s, false))],
  ['parseUint', emptyOr<number | bigint>(0, (s) => parseGoInt(s, true))],
  ['parseFloat', emptyOr<GoFloat>(new GoFloat(0), parseGoFloat)],
  ['sha256Hex', one((s) => hash('sha256', s))],
  ['md5sum', one((s) => hash('md5', s))],
  ['hmacSHA256Hex', (a) => (arity(a, 2), crypto().createHmac('sha256', str(a[1])).update(str(a[0]), 'utf8').digest('hex'))],
]);
