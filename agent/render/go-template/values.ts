// How Go values are represented while a template executes.
//   string -> string, bool -> boolean, int/int64 -> number (integral), float64 -> GoFloat,
//   json.Number (numbers in Vault responses) -> JsonNumber, nil -> null, Go's invalid value (what
//   a pipeline yielding nil becomes, printed <no value>) -> undefined,
//   map[string]interface{} -> plain object, []interface{} -> array, *struct -> GoStruct,
//   time.Time -> GoTime, func -> GoFunc.
// Keeping Go's int/float64/json.Number apart is what makes printing exact: `{{ 1e6 }}` is a float64
// and prints 1e+06, `{{ .Data.count }}` is a json.Number and prints as Vault sent it.
import { JsonNumber } from '../../vault/json-number.ts';

export class GoFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

// Go's json.Number (a string type holding the number's JSON text) is the same class the Vault
// transport produces for numbers JSON.parse would change (agent/vault/json-number.ts).
export { JsonNumber };

export type Method = (args: readonly unknown[]) => unknown;

/** A pointer to a Go struct: ordered fields (for `&{...}` printing) and methods. */
export class GoStruct {
  readonly typeName: string;
  readonly fields: ReadonlyMap<string, unknown>;
  readonly methods: ReadonlyMap<string, Method>;
  /** Set when the Go type has a String method: fmt prints that instead of `&{...}`. */
  readonly stringer: (() => string) | undefined;
  constructor(typeName: string, fields: ReadonlyMap<string, unknown>, methods: ReadonlyMap<string, Method> = new Map(), stringer?: () => string) {
    this.typeName = typeName;
    this.fields = fields;
    this.methods = methods;
    this.stringer = stringer;
  }
}

/** A typed nil pointer (e.g. a Secret's .Auth when Vault sent none): prints `<nil>`, is false. */
export class GoNilPointer {
  readonly typeName: string;
  constructor(typeName: string) {
    this.typeName = typeName;
  }
}

/** A time's location: seconds east of UTC and the zone name ("" prints as the offset, as Go's FixedZone). */
export interface GoZone {
  readonly offset: number;
  readonly name: string;
}

export const UTC_ZONE: GoZone = Object.freeze({ offset: 0, name: 'UTC' });

export class GoTime {
  readonly date: Date;
  readonly zone: GoZone;
  /** Nanoseconds below the millisecond (0–999999): Go keeps nanoseconds, Date milliseconds. */
  readonly nanos: number;
  constructor(date: Date, zone: GoZone = UTC_ZONE, nanos = 0) {
    this.date = date;
    this.zone = zone;
    this.nanos = nanos;
  }
}

/** A function value (for `call`). */
export class GoFunc {
  readonly fn: (args: readonly unknown[]) => unknown;
  constructor(fn: (args: readonly unknown[]) => unknown) {
    this.fn = fn;
  }
}

export type GoMap = Record<string, unknown>;

export function isMap(v: unknown): v is GoMap {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function mapGet(m: GoMap, key: string): unknown {
  return Object.hasOwn(m, key) ? m[key] : undefined;
}

export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareStrings);
}

/** Byte-wise (UTF-8) order, as Go sorts strings. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order equals UTF-8 byte order except between surrogates and U+E000..U+FFFF.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
  }
  return a.length - b.length;
}

export type Kind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'ptr' | 'struct' | 'func';

export function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (v instanceof JsonNumber) return 'string';
  if (v instanceof GoFloat) return 'float';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof GoStruct || v instanceof GoNilPointer) return 'ptr';
  if (v instanceof GoTime) return 'struct';
  if (v instanceof GoFunc) return 'func';
  return 'map';
}

/** Go's type name as `%T` and fmt's bad-verb output print it. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (v instanceof JsonNumber) return 'json.Number';
  if (v instanceof GoFloat) return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoStruct || v instanceof GoNilPointer) return `*${v.typeName}`;
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoFunc) return 'func(...interface {}) (interface {}, error)';
  return 'map[string]interface {}';
}

/** Go template truth (text/template isTrue): zero values, empty collections and nil are false. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof JsonNumber) return v.text.length > 0;
  if (v instanceof GoFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return !(v instanceof GoNilPointer);
}

/** A number argument as a JS number, for functions that take int/float (nil when it is not numeric). */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat) return v.value;
  return undefined;
}

/**
 * Converts parsed JSON into Go values the way consul-template sees Vault data: numbers become
 * json.Number (`numbers: 'json'`, what Vault's API client decodes with UseNumber) or float64
 * (`numbers: 'float64'`, what json.Unmarshal into interface{} gives, e.g. parseJSON).
 */
export function fromJson(value: unknown, numbers: 'json' | 'float64'): unknown {
  if (typeof value === 'number') return numbers === 'json' ? new JsonNumber(jsonNumberText(value)) : new GoFloat(value);
  if (value instanceof JsonNumber) return numbers === 'json' ? value : new GoFloat(Number(value.text));
  if (Array.isArray(value)) return value.map((v) => fromJson(v, numbers));
  if (isMap(value)) {
    const out: GoMap = {};
    for (const k of Object.keys(value)) out[k] = fromJson(value[k], numbers);
    return out;
  }
  return value ?? null;
}

/**
 * The text Vault most likely sent for a number already parsed by JSON.parse: integers in full
 * (no exponent), others in JS's shortest round-trip form. A `1.0` sent by Vault is lost by
 * JSON.parse and prints `1`; feed JsonNumber values (see json.ts parseJsonNumbers) to keep it.
 */
export function jsonNumberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  return String(n);
}
