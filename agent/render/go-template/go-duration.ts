// Go's time.Duration text: ParseDuration ("1h30m", "1.5s", "-2m") and Duration.String(), on
// integer nanoseconds held in a bigint (a Duration is an int64).

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n],
  ['μs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
import { trimTrailing } from '../../../shared/string-ends.ts';
const MAX_INT64 = (1n << 63n) - 1n;

/** Nanoseconds, or undefined where Go's ParseDuration returns an error. */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]+)/u.exec(s);
    if (m === null) return undefined;
    const [whole, intPart = '', fracPart = '', unitText = ''] = m;
    if (intPart === '' && fracPart === '') return undefined;
    const unit = UNITS.get(unitText);
    if (unit === undefined) return undefined;
    // More than 19 integer digits overflows an int64 anyway; fraction digits past 18 cannot
    // change the nanoseconds. Both bounds keep bigint work small for any input.
    if (intPart.length > 19) return undefined;
    const frac = fracPart.slice(0, 18);
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (frac !== '') v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_INT64 + (negative ? 1n : 0n)) return undefined;
    s = s.slice(whole.length);
  }
  return negative ? -total : total;
}

function fraction(v: bigint, digits: number): string {
  const text = v.toString().padStart(digits, '0');
  const trimmed = trimTrailing(text, '0');
  return trimmed === '' ? '' : `.${trimmed}`;
}

/** Go's Duration.String: "1h2m3.5s", "1.5µs", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${u / 1_000n}${fraction(u % 1_000n, 3)}µs`;
    return `${sign}${u / 1_000_000n}${fraction(u % 1_000_000n, 6)}ms`;
  }
  const secs = u / 1_000_000_000n;
  const frac = fraction(u % 1_000_000_000n, 9);
  const h = secs / 3600n;
  const m = (secs / 60n) % 60n;
  const s = secs % 60n;
  let out = `${s}${frac}s`;
  if (h > 0n || m > 0n) out = `${m}m${out}`;
  if (h > 0n) out = `${h}h${out}`;
  return sign + out;
}
