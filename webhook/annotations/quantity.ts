// Kubernetes resource quantities (`500m`, `128Mi`, `1e3`), re-emitted in the canonical form the
// API server would store: `1000m` → `1`, `0.5` → `500m`, `1024Mi` → `1Gi`.
// Exact arithmetic in BigInt nano-units, so no float rounding ever changes a value.
import { truncate } from '../../shared/parse/go-bool.ts';

// Kubernetes' own pattern, with a lookahead so the number part never gives digits back to the
// suffix part (same matches, linear instead of quadratic backtracking).
const SHAPE = /^([+-]?[0-9.]+)(?![0-9.])([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const DECIMAL_SUFFIX: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIX).map(([s, e]) => [e, s]));
const BINARY_NAMES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const NANO = 10n ** 9n;
const MAX_LENGTH = 64;

type Format = 'decimal' | 'binary' | 'exponent';

// Every pod without resource annotations has the configured defaults canonicalised again, and a
// fleet uses a handful of values: the answers are remembered (bounded; values of at most MAX_LENGTH
// characters), errors are not.
const MEMO_MAX_ENTRIES = 1024;
const memo = new Map<string, string>();

/** Parses a quantity and returns its canonical spelling; throws with a short reason. */
export function canonicalQuantity(raw: string): string {
  const known = memo.get(raw);
  if (known !== undefined) return known;
  const canonical = parseQuantity(raw);
  if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
  memo.set(raw, canonical);
  return canonical;
}

/** The number of remembered quantities (for tests). */
export function rememberedQuantities(): number {
  return memo.size;
}

function parseQuantity(raw: string): string {
  if (raw.length > MAX_LENGTH) throw new Error(`quantity "${truncate(raw)}" is too long`);
  const m = SHAPE.exec(raw);
  if (m === null) {
    throw new Error(
      `"${truncate(raw)}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  }
  const num = m[1] ?? '';
  const suffix = m[2] ?? '';
  const nanos = parseNumber(num, raw);
  const { scaled, format } = applySuffix(nanos, suffix, raw);
  return format === 'binary' ? formatBinary(scaled) : formatDecimal(scaled, format);
}

function parseNumber(num: string, raw: string): { value: bigint; negative: boolean } {
  const negative = num.startsWith('-');
  const body = num.replace(/^[+-]/, '');
  const parts = body.split('.');
  if (parts.length > 2 || body === '.' || body === '')
    throw new Error(`"${truncate(raw)}": unable to parse quantity's number`);
  const int = parts[0] ?? '';
  const frac = parts[1] ?? '';
  // Digits finer than nano are rounded up, as Kubernetes does.
  const kept = frac.slice(0, 9).padEnd(9, '0');
  let value = BigInt(int === '' ? '0' : int) * NANO + BigInt(kept);
  if (/[1-9]/.test(frac.slice(9))) value += 1n;
  return { value, negative };
}

function applySuffix(
  n: { value: bigint; negative: boolean },
  suffix: string,
  raw: string,
): { scaled: bigint; format: Format } {
  const sign = n.negative ? -1n : 1n;
  const decimal = DECIMAL_SUFFIX[suffix];
  if (decimal !== undefined) return { scaled: sign * scale10(n.value, decimal), format: 'decimal' };
  const binary = BINARY_SUFFIX[suffix];
  if (binary !== undefined) return { scaled: sign * n.value * 1024n ** BigInt(binary), format: 'binary' };
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exp !== null) {
    const e = Number(exp[1]);
    if (Math.abs(e) > 30) throw new Error(`"${truncate(raw)}": quantity exponent out of range`);
    return { scaled: sign * scale10(n.value, e), format: 'exponent' };
  }
  throw new Error(`"${truncate(raw)}": unable to parse quantity's suffix`);
}

function scale10(nanos: bigint, exp: number): bigint {
  if (exp >= 0) return nanos * 10n ** BigInt(exp);
  const div = 10n ** BigInt(-exp);
  // Round up what falls below one nano-unit.
  return nanos / div + (nanos % div === 0n ? 0n : 1n);
}

function formatBinary(nanos: bigint): string {
  const abs = nanos < 0n ? -nanos : nanos;
  // Below 1024 or fractional: Kubernetes shows it as a decimal quantity instead.
  if (abs < 1024n * NANO || abs % NANO !== 0n) return formatDecimal(nanos, 'decimal');
  let units = nanos / NANO;
  let i = 0;
  while (i < BINARY_NAMES.length - 1 && units % 1024n === 0n) {
    units /= 1024n;
    i++;
  }
  return `${units.toString()}${BINARY_NAMES[i] ?? ''}`;
}

function formatDecimal(nanos: bigint, format: Format): string {
  if (nanos === 0n) return '0';
  let mantissa = nanos;
  let exp = -9;
  while (mantissa % 1000n === 0n && (format === 'exponent' || exp < 18)) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === 'exponent') return exp === 0 ? mantissa.toString() : `${mantissa.toString()}e${exp}`;
  return `${mantissa.toString()}${DECIMAL_BY_EXP.get(exp) ?? ''}`;
}
