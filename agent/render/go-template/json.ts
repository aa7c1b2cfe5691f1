// Go's encoding/json over template values: Marshal (compact, sorted keys, HTML escaping of < > &),
// MarshalIndent with two spaces, and decoding with json.Number kept as text (Vault's client uses
// UseNumber) or as float64 (json.Unmarshal into interface{}, what parseJSON does).
import { formatFloat, intText } from './format.ts';
import { formatGoTime } from './go-time.ts';
import { GoFloat, GoFunc, GoNilPointer, GoStruct, GoTime, JsonNumber, fromJson, isMap, sortedKeys } from './values.ts';

export interface MarshalOptions {
  readonly escapeHTML: boolean;
  /** Indent unit; '' for compact output. */
  readonly indent: string;
}

const HTML_CHARS: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

function quoteJson(s: string, escapeHTML: boolean): string {
  let out = JSON.stringify(s).replace(/\\u00([01][0-9a-f])/g, (m, hex: string) => (hex === '08' ? '\\b' : hex === '0c' ? '\\f' : m));
  out = out.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return escapeHTML ? out.replace(/[<>&]/g, (c) => HTML_CHARS[c] ?? c) : out;
}

/** Go's float64 JSON form: 'f' format, or 'e' below 1e-6 / from 1e21, exponent without padding. */
function floatJson(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return formatFloat(f, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  return formatFloat(f, 'f', -1);
}

export function marshal(value: unknown, options: MarshalOptions, depth = 0): string {
  if (value === null || value === undefined || value instanceof GoNilPointer) return 'null';
  if (typeof value === 'string') return quoteJson(value, options.escapeHTML);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? intText(value) : floatJson(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof JsonNumber) return value.text === '' ? '0' : value.text;
  if (value instanceof GoFloat) return floatJson(value.value);
  if (value instanceof GoTime) return quoteJson(formatGoTime(value.date, '2006-01-02T15:04:05.999999999Z07:00', value.zone, value.nanos), false);
  if (value instanceof GoFunc) throw new Error('json: unsupported type: func');
  if (depth > 1000) throw new Error('json: nesting too deep');
  const nl = options.indent === '' ? '' : `\n${options.indent.repeat(depth + 1)}`;
  const close = options.indent === '' ? '' : `\n${options.indent.repeat(depth)}`;
  const colon = options.indent === '' ? ':' : ': ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => nl + marshal(v, options, depth + 1)).join(',')}${close}]`;
  }
  const entries: [string, unknown][] = value instanceof GoStruct
    ? [...value.fields.entries()]
    : isMap(value) ? sortedKeys(value).map((k) => [k, value[k]]) : [];
  if (entries.length === 0) return '{}';
  return `{${entries.map(([k, v]) => nl + quoteJson(k, options.escapeHTML) + colon + marshal(v, options, depth + 1)).join(',')}${close}}`;
}

/**
 * JSON.parse keeping every number's source text as a JsonNumber (Node 22+'s reviver context),
 * so a Vault response's `1.0` or `12345678901234567890` prints exactly as sent.
 */
export function parseJsonNumbers(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? new JsonNumber(context.source) : value,
  );
}

/** json.Unmarshal into interface{}: numbers are float64. The error never quotes the input. */
export function parseJsonFloat(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('invalid JSON');
  }
  return fromJson(parsed, 'float64');
}
