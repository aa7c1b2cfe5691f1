// Sprig's hermetic date functions (exposed as `sprig_NAME`): parsing (`toDate`), arithmetic
// (`mustDateModify`), durations. The clock-reading ones (`now`, `date`, `dateModify`, ...) are not
// defined since consul-template 0.41 (shared/go-template/function-names.ts); `ago` still is, and
// reads the render's clock.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { str } from './args.ts';
import { consulHost } from './consul-misc.ts';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';
import { GoTimeParseError, parseGoTime, type ParsedGoTime } from './go-time-parse.ts';
import { ArgTypeError } from './function-error.ts';
import { GoTime } from './values.ts';

/** Go's zero time.Time (January 1, year 1, UTC): what Sprig's toDate returns on a parse error. */
function zeroTime(): Date {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d;
}

function timeValue(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw new ArgTypeError('time.Time', v);
}

function time(v: unknown): Date {
  return timeValue(v).date;
}

function toGoTime(p: ParsedGoTime): GoTime {
  return new GoTime(p.date, p.zone, p.nanos);
}

/** Time.Add: nanosecond arithmetic, the location kept. */
function addDuration(t: GoTime, ns: bigint): GoTime {
  const total = BigInt(t.date.getTime()) * 1_000_000n + BigInt(t.nanos) + ns;
  let ms = total / 1_000_000n;
  if (total < 0n && ms * 1_000_000n !== total) ms -= 1n;
  return new GoTime(new Date(Number(ms)), t.zone, Number(total - ms * 1_000_000n));
}

const SECOND = 1_000_000_000n;

/** time.Duration.Round(time.Second): halves away from zero. */
function roundToSecond(ns: bigint): bigint {
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  const r = ((u + SECOND / 2n) / SECOND) * SECOND;
  return neg ? -r : r;
}

function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

const YEAR = 365n * 24n * 3600n * SECOND;
const ROUND_UNITS: readonly (readonly [bigint, string])[] = [
  [YEAR, 'y'],
  [30n * 24n * 3600n * SECOND, 'mo'],
  [24n * 3600n * SECOND, 'd'],
  [3600n * SECOND, 'h'],
  [60n * SECOND, 'm'],
  [SECOND, 's'],
];

/** Sprig's durationRound: the largest unit the duration exceeds, truncated ("2h", "3mo"). */
function durationRound(v: unknown, now: () => Date): string {
  let d = 0n;
  if (typeof v === 'string') d = parseGoDuration(v) ?? 0n;
  else if (v instanceof GoTime) d = msToNs(now().getTime() - v.date.getTime());
  const u = d < 0n ? -d : d;
  for (const [unit, name] of ROUND_UNITS) if (u > unit) return `${u / unit}${name}`;
  return '0s';
}

export const SPRIG_DATE_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  [
    'toDate',
    (a) => {
      arity(a, 2);
      try {
        return toGoTime(parseGoTime(str(a[0]), str(a[1])));
      } catch (err) {
        if (err instanceof GoTimeParseError) return new GoTime(zeroTime());
        throw err;
      }
    },
  ],
  ['mustToDate', (a) => (arity(a, 2), toGoTime(parseGoTime(str(a[0]), str(a[1]))))],
  ['unixEpoch', (a) => (arity(a, 1), String(Math.floor(time(a[0]).getTime() / 1000)))],
  ...['mustDateModify', 'must_date_modify'].map((name): [string, GoFunction] => [
    name,
    (a) => {
      arity(a, 2);
      const d = parseGoDuration(str(a[0]));
      if (d === undefined) throw new Error(`time: invalid duration ${JSON.stringify(str(a[0]))}`);
      return addDuration(timeValue(a[1]), d);
    },
  ]),
  [
    'duration',
    (a) => {
      arity(a, 1);
      // Sprig reads a string or an int64 only: a template's integer literal (an int) gives 0s.
      const v = a[0];
      // strconv.ParseInt fails (giving 0) past int64; Duration(n) * Second wraps as Go's int64 does.
      const secs =
        typeof v === 'string' && /^[+-]?\d{1,19}$/.test(v) && BigInt.asIntN(64, BigInt(v)) === BigInt(v)
          ? BigInt(v)
          : 0n;
      return formatGoDuration(BigInt.asIntN(64, secs * SECOND));
    },
  ],
  ['durationRound', (a, ctx) => (arity(a, 1), durationRound(a[0], () => consulHost(ctx, 'sprig_durationRound').now()))],
  [
    'ago',
    (a, ctx) => {
      arity(a, 1);
      const now = consulHost(ctx, 'sprig_ago').now();
      const v = a[0];
      const then = v instanceof GoTime ? v.date : typeof v === 'number' ? new Date(v * 1000) : now;
      return formatGoDuration(roundToSecond(msToNs(now.getTime() - then.getTime())));
    },
  ],
]);
