// Go's time.ParseDuration ("1h30m", "250ms", "1.5s", "0"), returning milliseconds. Vault and the
// injector also accept a bare integer as seconds in some places; parseVaultDuration covers that.
import { truncate } from './go-bool.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

export function parseGoDuration(raw: string): number {
  const bad = (): Error => new Error(`"${truncate(raw)}" is not a duration (examples: 30s, 5m, 1h30m)`);
  let s = raw;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (m === null) throw bad();
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isFinite(total)) throw bad();
  return sign * total;
}

/** Vault's duration fields: a Go duration, or a bare number of seconds ("3600"). */
export function parseVaultDuration(raw: string | number): number {
  if (typeof raw === 'number') return raw * 1000;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  return parseGoDuration(raw);
}
