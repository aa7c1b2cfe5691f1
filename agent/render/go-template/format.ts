// Go's fmt printing of the values in values.ts: %v (what `{{ x }}` prints), Sprint / Sprintln
// spacing, strconv float formatting ('g' shortest, 'e', 'f') and strconv.Quote.
import { formatGoTime, GO_TIME_STRING_LAYOUT } from './go-time.ts';
import { GoFloat, GoFunc, GoNilPointer, GoStruct, GoTime, JsonNumber, isMap, sortedKeys } from './values.ts';
import { trimTrailing } from '../../../shared/string-ends.ts';

/** Decimal digits and exponent of the shortest round-trip representation: value = 0.d1d2... × 10^dp. */
function shortestDigits(abs: number): { digits: string; dp: number } {
  const [mantissa = '0', exp = '0'] = abs.toExponential().split('e');
  return { digits: mantissa.replace('.', ''), dp: Number(exp) + 1 };
}

/** The exact decimal expansion of a finite non-negative double: value = 0.digits × 10^dp. */
function exactDigits(abs: number): { digits: string; dp: number } {
  if (abs === 0) return { digits: '0', dp: 1 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let e2 = exponent - 1075;
  if (exponent === 0) e2 = -1074;
  else mantissa |= 1n << 52n;
  // mantissa × 2^e2 = (mantissa × 5^-e2) / 10^-e2 when e2 < 0.
  const digits = e2 >= 0 ? (mantissa << BigInt(e2)).toString() : (mantissa * 5n ** BigInt(-e2)).toString();
  const dp = e2 >= 0 ? digits.length : digits.length + e2;
  return { digits, dp };
}

/** Rounds a decimal digit string to `keep` digits, half to even (Go's strconv on exact values). */
function roundDigits(digits: string, dp: number, keep: number): { digits: string; dp: number } {
  if (keep < 0) return { digits: '0', dp: 1 };
  if (digits.length <= keep) return { digits, dp };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const last = keep > 0 ? digits.charCodeAt(keep - 1) - 48 : 0;
  const roundUp = next > 5 || (next === 5 && (/[1-9]/.test(rest) || last % 2 === 1));
  if (!roundUp) return { digits: head === '' ? '0' : head, dp: head === '' ? 1 : dp };
  const up = (BigInt(head === '' ? '0' : head) + 1n).toString();
  if (head === '') return { digits: up, dp: dp + 1 };
  return up.length > head.length ? { digits: up, dp: dp + 1 } : { digits: up.padStart(head.length, '0'), dp };
}

function digitsWithPrecision(abs: number, fmt: 'e' | 'f', prec: number): { digits: string; dp: number } {
  const exact = exactDigits(abs);
  if (abs === 0) return { digits: '0'.repeat(fmt === 'e' ? prec + 1 : 1), dp: 1 };
  return roundDigits(exact.digits, exact.dp, fmt === 'e' ? prec + 1 : exact.dp + prec);
}

function layoutE(digits: string, dp: number, prec: number, upper: boolean): string {
  const d = digits.padEnd(prec + 1, '0');
  const exp = digits === '0' || /^0+$/.test(digits) ? 0 : dp - 1;
  const mant = prec > 0 ? `${d[0] ?? '0'}.${d.slice(1, prec + 1)}` : (d[0] ?? '0');
  const e = Math.abs(exp);
  return `${mant}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

function layoutF(digits: string, dp: number, prec: number): string {
  let whole: string;
  let frac: string;
  if (dp <= 0) {
    whole = '0';
    frac = '0'.repeat(-dp) + digits;
  } else {
    whole = digits.slice(0, dp).padEnd(dp, '0');
    frac = digits.slice(dp);
  }
  frac = prec < 0 ? frac : frac.padEnd(prec, '0').slice(0, prec);
  return frac === '' ? whole : `${whole}.${frac}`;
}

/** strconv.FormatFloat(f, fmt, prec, 64) for fmt in e E f g G (prec -1 = shortest). */
export function formatFloat(f: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const abs = Math.abs(f);
  const sign = neg ? '-' : '';
  const lower = fmt.toLowerCase() as 'e' | 'f' | 'g';
  if (lower === 'e') {
    const { digits, dp } = prec < 0 ? shortestDigits(abs) : digitsWithPrecision(abs, 'e', prec);
    return sign + layoutE(digits, dp, prec < 0 ? digits.length - 1 : prec, fmt === 'E');
  }
  if (lower === 'f') {
    if (prec < 0) {
      const { digits, dp } = shortestDigits(abs);
      return sign + layoutF(abs === 0 ? '0' : digits, abs === 0 ? 1 : dp, -1);
    }
    const { digits, dp } = digitsWithPrecision(abs, 'f', prec);
    return sign + layoutF(digits, dp, prec);
  }
  // %g: shortest digits (or prec significant digits), %e when exp < -4 || exp >= eprec.
  let { digits, dp } = prec < 0 || abs === 0 ? shortestDigits(abs) : digitsWithPrecision(abs, 'e', Math.max(prec, 1) - 1);
  if (abs === 0) {
    digits = '0';
    dp = 1;
  }
  if (prec >= 0) digits = trimTrailing(digits, '0') || '0';
  let eprec = prec < 0 ? digits.length : Math.max(prec, 1);
  if (eprec > digits.length && digits.length >= dp) eprec = digits.length;
  if (prec < 0) eprec = 6;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) return sign + layoutE(digits, dp, digits.length - 1, fmt === 'G');
  return sign + layoutF(digits, dp, Math.max(digits.length - dp, 0));
}

/** fmt's %v. `top` is false inside collections (where Go prints pointers as addresses; we keep &{...}). */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? intText(v) : formatFloat(v, 'g', -1);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined || v instanceof GoNilPointer) return '<nil>';
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof GoFloat) return formatFloat(v.value, 'g', -1);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof GoStruct && v.stringer !== undefined) return v.stringer();
  if (v instanceof GoStruct) return `&{${[...v.fields.values()].map(formatValue).join(' ')}}`;
  if (v instanceof GoTime) return formatGoTime(v.date, GO_TIME_STRING_LAYOUT, v.zone, v.nanos);
  if (v instanceof GoFunc) return '0x1';
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${formatValue(v[k])}`).join(' ')}]`;
  return typeof v === 'bigint' ? v.toString() : '?';
}

export function intText(n: number): string {
  return Math.abs(n) >= 1e21 ? BigInt(n).toString() : String(n);
}

function isStringKind(v: unknown): boolean {
  return typeof v === 'string' || v instanceof JsonNumber;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && !isStringKind(args[i]) && !isStringKind(args[i - 1])) out += ' ';
    out += formatValue(args[i]);
  }
  return out;
}

/** fmt.Sprintln: spaces always, newline at the end. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

const QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"',
};

/** strconv.Quote (asciiOnly: strconv.QuoteToASCII). */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const esc = QUOTE_ESCAPES[ch];
    if (esc !== undefined) {
      out += esc;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x7f || (!asciiOnly && isPrintable(cp))) out += ch;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function isPrintable(cp: number): boolean {
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) return false;
  if (cp >= 0xd800 && cp < 0xe000) return false;
  return !/\p{C}/u.test(String.fromCodePoint(cp));
}
