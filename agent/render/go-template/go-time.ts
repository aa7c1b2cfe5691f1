// Go's time.Format reference-layout formatting ("2006-01-02T15:04:05Z07:00"). The agent runs in a
// container whose zone is UTC, so times are UTC unless a parsed offset gave them a fixed zone.

export const GO_TIME_STRING_LAYOUT = '2006-01-02 15:04:05.999999999 -0700 MST';
import { trimTrailing } from '../../../shared/string-ends.ts';
export const RFC3339 = '2006-01-02T15:04:05Z07:00';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Layout elements, longest first so "2006" wins over "2", "January" over "Jan", "Z07:00" over "Z07".
export const TOKEN = /January|Jan|Monday|Mon|MST|2006|Z07:00:00|Z07:00|Z0700|Z07|-07:00:00|-07:00|-0700|-07|[.,][09]+|002|__2|_2|15|06|01|02|03|04|05|PM|pm|1|2|3|4|5/g;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function fraction(date: Date, token: string, subMsNanos: number): string {
  const digits = token.length - 1;
  const nanos = pad(date.getUTCMilliseconds() * 1_000_000 + subMsNanos, 9).slice(0, digits);
  if (token[1] === '9') {
    const trimmed = trimTrailing(nanos, '0');
    return trimmed === '' ? '' : token[0] + trimmed;
  }
  return token[0] + nanos;
}

function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** A zone offset as Go prints it: `+02:00` (`colon`), `+0200`, `+02` (`hoursOnly`), with seconds if any or asked. */
function numericZone(offset: number, colon: boolean, hoursOnly: boolean, seconds: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = pad(Math.floor(abs / 3600), 2);
  if (hoursOnly) return `${sign}${hh}`;
  const mm = pad(Math.floor(abs / 60) % 60, 2);
  const ss = seconds ? `${colon ? ':' : ''}${pad(abs % 60, 2)}` : '';
  return `${sign}${hh}${colon ? ':' : ''}${mm}${ss}`;
}

/**
 * Go's Time.Format. `zone` is the time's location (UTC unless a parsed offset said otherwise);
 * `subMsNanos` the nanoseconds a Date cannot hold.
 */
export function formatGoTime(instant: Date, layout: string, zone: { readonly offset: number; readonly name: string } = { offset: 0, name: 'UTC' }, subMsNanos = 0): string {
  const date = zone.offset === 0 ? instant : new Date(instant.getTime() + zone.offset * 1000);
  const off = zone.offset;
  const h = date.getUTCHours();
  return layout.replace(TOKEN, (token) => {
    switch (token) {
      case 'January': return MONTHS[date.getUTCMonth()] ?? '';
      case 'Jan': return (MONTHS[date.getUTCMonth()] ?? '').slice(0, 3);
      case 'Monday': return DAYS[date.getUTCDay()] ?? '';
      case 'Mon': return (DAYS[date.getUTCDay()] ?? '').slice(0, 3);
      case 'MST': return zone.name !== '' ? zone.name : numericZone(off, false, false, false);
      case '2006': return pad(date.getUTCFullYear(), 4);
      case '06': return pad(date.getUTCFullYear() % 100, 2);
      case '01': return pad(date.getUTCMonth() + 1, 2);
      case '1': return String(date.getUTCMonth() + 1);
      case '02': return pad(date.getUTCDate(), 2);
      case '2': return String(date.getUTCDate());
      case '_2': return String(date.getUTCDate()).padStart(2, ' ');
      case '002': return pad(dayOfYear(date), 3);
      case '__2': return String(dayOfYear(date)).padStart(3, ' ');
      case '15': return pad(h, 2);
      case '03': return pad(h % 12 === 0 ? 12 : h % 12, 2);
      case '3': return String(h % 12 === 0 ? 12 : h % 12);
      case '04': return pad(date.getUTCMinutes(), 2);
      case '4': return String(date.getUTCMinutes());
      case '05': return pad(date.getUTCSeconds(), 2);
      case '5': return String(date.getUTCSeconds());
      case 'PM': return h >= 12 ? 'PM' : 'AM';
      case 'pm': return h >= 12 ? 'pm' : 'am';
      case 'Z07:00:00': return off === 0 ? 'Z' : numericZone(off, true, false, true);
      case 'Z07:00': return off === 0 ? 'Z' : numericZone(off, true, false, false);
      case 'Z0700': return off === 0 ? 'Z' : numericZone(off, false, false, false);
      case 'Z07': return off === 0 ? 'Z' : numericZone(off, false, true, false);
      case '-07:00:00': return numericZone(off, true, false, true);
      case '-07:00': return numericZone(off, true, false, false);
      case '-0700': return numericZone(off, false, false, false);
      case '-07': return numericZone(off, false, true, false);
      default: return fraction(date, token, subMsNanos);
    }
  });
}
