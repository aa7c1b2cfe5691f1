// Go's time.Format reference-layout formatting ("2006-01-02T15:04:05Z07:00"), in UTC: the agent
// runs in a container whose zone is UTC, and `timestamp` / Sprig dates are formatted there.

export const GO_TIME_STRING_LAYOUT = '2006-01-02 15:04:05.999999999 -0700 MST';
export const RFC3339 = '2006-01-02T15:04:05Z07:00';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Layout elements, longest first so "2006" wins over "2", "January" over "Jan", "Z07:00" over "Z07".
export const TOKEN = /January|Jan|Monday|Mon|MST|2006|Z07:00:00|Z07:00|Z0700|Z07|-07:00:00|-07:00|-0700|-07|[.,][09]+|002|__2|_2|15|06|01|02|03|04|05|PM|pm|1|2|3|4|5/g;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function fraction(date: Date, token: string): string {
  const digits = token.length - 1;
  const nanos = pad(date.getUTCMilliseconds() * 1_000_000, 9).slice(0, digits);
  if (token[1] === '9') {
    const trimmed = nanos.replace(/0+$/, '');
    return trimmed === '' ? '' : token[0] + trimmed;
  }
  return token[0] + nanos;
}

function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

export function formatGoTime(date: Date, layout: string): string {
  const h = date.getUTCHours();
  return layout.replace(TOKEN, (token) => {
    switch (token) {
      case 'January': return MONTHS[date.getUTCMonth()] ?? '';
      case 'Jan': return (MONTHS[date.getUTCMonth()] ?? '').slice(0, 3);
      case 'Monday': return DAYS[date.getUTCDay()] ?? '';
      case 'Mon': return (DAYS[date.getUTCDay()] ?? '').slice(0, 3);
      case 'MST': return 'UTC';
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
      case 'Z07:00:00': case 'Z07:00': case 'Z0700': case 'Z07': return 'Z';
      case '-07:00:00': return '+00:00:00';
      case '-07:00': return '+00:00';
      case '-0700': return '+0000';
      case '-07': return '+00';
      default: return fraction(date, token);
    }
  });
}
