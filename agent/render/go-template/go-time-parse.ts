// Go's time.Parse for a reference layout ("2006-01-02 15:04"), as Sprig's toDate calls it with
// the agent's zone (UTC): a parsed offset other than UTC's gives the time a fixed zone (named
// after a parsed abbreviation, else unnamed), as Go's FixedZone.
import { TOKEN } from './go-time.ts';
import { UTC_ZONE, type GoZone } from './values.ts';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export class GoTimeParseError extends Error {}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  pm: boolean | undefined;
  offsetSeconds: number;
  offsetParsed: boolean;
  zoneName: string;
}

export interface ParsedGoTime {
  readonly date: Date;
  readonly zone: GoZone;
  /** Nanoseconds below the millisecond. */
  readonly nanos: number;
}

/** Go's ParseError text: `parsing time "V" as "L": cannot parse "REST" as "ELEMENT"`. */
function cannotParse(value: string, layout: string, rest: string, element: string): never {
  const q = JSON.stringify;
  throw new GoTimeParseError(`parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(rest)} as ${q(element)}`);
}

function outOfRange(value: string, what: string): never {
  throw new GoTimeParseError(`parsing time ${JSON.stringify(value)}: ${what} out of range`);
}

/** Parses `value` by the Go `layout`; throws GoTimeParseError with Go's message when it does not match. */
export function parseGoTime(layout: string, value: string): ParsedGoTime {
  const f: Fields = {
    year: 1,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    pm: undefined,
    offsetSeconds: 0,
    offsetParsed: false,
    zoneName: '',
  };
  let rest = value;
  let last = 0;
  let token = '';
  const fail = (): never => cannotParse(value, layout, rest, token);
  const take = (re: RegExp): string => {
    const m = re.exec(rest);
    if (m === null) return fail();
    rest = rest.slice(m[0].length);
    return m[0];
  };
  const num = (re: RegExp): number => Number(take(re).trim());
  for (const m of layout.matchAll(new RegExp(TOKEN.source, 'g'))) {
    const literal = layout.slice(last, m.index);
    if (!rest.startsWith(literal)) cannotParse(value, layout, rest, literal);
    rest = rest.slice(literal.length);
    last = m.index + m[0].length;
    token = m[0];
    switch (token) {
      case '2006':
        f.year = num(/^\d{4}/);
        break;
      case '06':
        f.year = 2000 + num(/^\d{2}/);
        if (f.year >= 2069) f.year -= 100;
        break;
      case '01':
        f.month = num(/^\d{2}/);
        break;
      case '1':
        f.month = num(/^\d{1,2}/);
        break;
      case 'January':
      case 'Jan': {
        const name = take(token === 'Jan' ? /^[A-Za-z]{3}/ : /^[A-Za-z]+/).toLowerCase();
        const i = MONTHS.findIndex((mo) => (token === 'Jan' ? mo.slice(0, 3) : mo).toLowerCase() === name);
        if (i < 0) fail();
        f.month = i + 1;
        break;
      }
      case 'Monday':
      case 'Mon': {
        const name = take(token === 'Mon' ? /^[A-Za-z]{3}/ : /^[A-Za-z]+/).toLowerCase();
        if (!DAYS.some((d) => (token === 'Mon' ? d.slice(0, 3) : d).toLowerCase() === name)) fail();
        break;
      }
      case '02':
        f.day = num(/^\d{2}/);
        break;
      case '2':
        f.day = num(/^\d{1,2}/);
        break;
      case '_2':
        f.day = num(/^[ \d]?\d/);
        break;
      case '002':
      case '__2':
        num(/^[ \d]{0,2}\d/);
        break;
      case '15':
        f.hour = num(/^\d{1,2}/);
        break;
      case '03':
        f.hour = num(/^\d{2}/);
        break;
      case '3':
        f.hour = num(/^\d{1,2}/);
        break;
      case '04':
        f.minute = num(/^\d{2}/);
        break;
      case '4':
        f.minute = num(/^\d{1,2}/);
        break;
      case '05':
      case '5':
        f.second = num(token === '05' ? /^\d{2}/ : /^\d{1,2}/);
        // Go accepts a fraction after the seconds even when the layout has none.
        if (/^[.,]\d/.test(rest) && !/^[.,][09]/.test(layout.slice(last))) f.nanos = fractionNanos(take(/^[.,]\d+/));
        break;
      case 'PM':
      case 'pm': {
        const ap = take(/^[AaPp][Mm]/).toUpperCase();
        f.pm = ap === 'PM';
        break;
      }
      case 'MST': {
        const name = take(/^([A-Z]{3,5}|GMT[+-]\d{1,2}|[+-]\d{2,4})/);
        // A numeric "abbreviation" (+03) names no zone, as in Go.
        if (!/^[+-]/.test(name)) f.zoneName = name;
        break;
      }
      default:
        if (token.startsWith('Z') || token.startsWith('-')) {
          f.offsetParsed = true;
          f.offsetSeconds = parseOffset(
            take(token.startsWith('Z') ? /^(Z|[+-]\d{2}(:?\d{2}(:?\d{2})?)?)/ : /^[+-]\d{2}(:?\d{2}(:?\d{2})?)?/),
          );
        } else if (token[1] === '0') {
          f.nanos = fractionNanos(take(new RegExp(`^[.,]\\d{${token.length - 1}}`)));
        } else if (/^[.,]\d/.test(rest)) {
          f.nanos = fractionNanos(take(/^[.,]\d+/));
        }
    }
  }
  const suffix = layout.slice(last);
  if (!rest.startsWith(suffix)) cannotParse(value, layout, rest, suffix);
  if (rest !== suffix)
    throw new GoTimeParseError(
      `parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest.slice(suffix.length))}`,
    );
  if (f.month < 1 || f.month > 12) outOfRange(value, 'month');
  if (f.pm !== undefined) {
    if (f.hour > 12) outOfRange(value, 'hour');
    if (f.pm && f.hour < 12) f.hour += 12;
    if (!f.pm && f.hour === 12) f.hour = 0;
  }
  if (f.hour > 23) outOfRange(value, 'hour');
  if (f.minute > 59) outOfRange(value, 'minute');
  if (f.second > 59) outOfRange(value, 'second');
  if (f.day < 1 || f.day > daysIn(f.year, f.month)) outOfRange(value, 'day');
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, Math.floor(f.nanos / 1_000_000));
  const zone = zoneOf(f);
  return { date: new Date(d.getTime() - zone.offset * 1000), zone, nanos: f.nanos % 1_000_000 };
}

/** Go's choice of location: the local zone (UTC) when the offset and name match it, else a FixedZone. */
function zoneOf(f: Fields): GoZone {
  if (f.offsetParsed) {
    return f.offsetSeconds === 0 && (f.zoneName === '' || f.zoneName === 'UTC') ? UTC_ZONE : { offset: f.offsetSeconds, name: f.zoneName };
  }
  if (f.zoneName === '' || f.zoneName === 'UTC') return UTC_ZONE;
  const gmt = /^GMT([+-]\d{1,2})$/.exec(f.zoneName);
  return { offset: gmt === null ? 0 : Number(gmt[1]) * 3600, name: f.zoneName };
}

function fractionNanos(text: string): number {
  return Number(text.slice(1, 10).padEnd(9, '0'));
}

function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const digits = text.slice(1).replaceAll(':', '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4) || '0');
  const s = Number(digits.slice(4, 6) || '0');
  return (text.startsWith('-') ? -1 : 1) * (h * 3600 + m * 60 + s);
}

function daysIn(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}
