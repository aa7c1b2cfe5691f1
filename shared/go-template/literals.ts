// Go literal syntax inside actions: strconv.Unquote for strings, raw strings and runes, and
// text/template/parse's newNumber rules (base prefixes, underscores, int/float/rune constants).
import type { NumberNode } from './ast.ts';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Unquotes an interpreted string ("..."), raw string (`...`) or rune ('x') body as Go's strconv.Unquote does. */
export function unquote(text: string): string {
  const quote = text[0];
  const body = text.slice(1, -1);
  if (quote === '`') return body.replaceAll('\r', '');
  // Nearly every string in a template has no escape: what the loop below would return, without it.
  if (quote === '"' && !body.includes('\\') && !body.includes('"')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      if (c === quote) throw new Error('invalid syntax');
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) out += simple;
    else if (e === quote) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Error('invalid syntax');
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000 && e !== 'x')) throw new Error('invalid syntax');
      out += String.fromCodePoint(cp);
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new Error('invalid syntax');
      out += String.fromCodePoint(parseInt(oct, 8));
      i += 2;
    } else throw new Error('invalid syntax');
  }
  if (quote === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return out;
}

const INT_SYNTAX = /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/;
const DEC_FLOAT = /^[+-]?([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?$/;
const HEX_FLOAT = /^[+-]?0[xX](_?[0-9a-fA-F])*(\.[0-9a-fA-F]*)?[pP][+-]?[0-9]+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Builds a NumberNode as Go's parse.newNumber does; throws with Go's message on bad syntax. */
export function parseNumber(pos: number, text: string, isChar: boolean): NumberNode {
  if (isChar) {
    const cp = unquote(text).codePointAt(0) ?? 0;
    return { type: 'number', pos, text, int: cp, float: cp, isFloatConstant: false };
  }
  if (text.endsWith('i')) throw new Error(`complex constants are not supported: ${JSON.stringify(text)}`);
  if (INT_SYNTAX.test(text)) {
    const big = parseBigInt(text);
    if (big >= INT64_MIN && big <= INT64_MAX) {
      const n = Number(big);
      return { type: 'number', pos, text, int: n, float: n, isFloatConstant: false };
    }
    if (big > 0n && big < 2n ** 64n)
      return { type: 'number', pos, text, int: undefined, float: Number(big), isFloatConstant: false };
    throw new Error(`integer overflow: ${JSON.stringify(text)}`);
  }
  let f: number;
  if (DEC_FLOAT.test(text)) f = Number(text.replaceAll('_', ''));
  else if (HEX_FLOAT.test(text)) f = parseHexFloat(text.replaceAll('_', ''));
  else throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  if (!Number.isFinite(f)) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  const integral = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return { type: 'number', pos, text, int: integral ? f : undefined, float: f, isFloatConstant: true };
}

function parseBigInt(text: string): bigint {
  let t = text.replaceAll('_', '');
  let negative = false;
  if (t[0] === '+' || t[0] === '-') {
    negative = t[0] === '-';
    t = t.slice(1);
  }
  let value: bigint;
  if (/^0[oO]/.test(t)) value = BigInt(`0o${t.slice(2)}`);
  else if (/^0[0-7]+$/.test(t)) value = BigInt(`0o${t.slice(1)}`);
  else value = BigInt(t);
  return negative ? -value : value;
}

function parseHexFloat(text: string): number {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(text);
  if (m === null) return NaN;
  const [, sign = '', whole = '', frac = '', exp = '0'] = m;
  const mantissa =
    parseInt(whole === '' ? '0' : whole, 16) + (frac === '' ? 0 : parseInt(frac, 16) / 16 ** frac.length);
  return (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exp);
}
