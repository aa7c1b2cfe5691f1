// Go text/template's builtin functions (text/template/funcs.go), with Go's comparison rules and
// error texts. `and` / `or` are evaluated lazily by the executor; their entries here only make the
// names known.
import type { GoFunction } from './execute.ts';
import { sprint, sprintln } from './format.ts';
import { arity } from './function-error.ts';
import { sprintf } from './printf.ts';
import { GoFloat, GoFunc, JsonNumber, isMap, isTrue, mapGet, typeName } from './values.ts';

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'other' | 'nil';

function basic(v: unknown): { kind: BasicKind; value: unknown } {
  if (v === null || v === undefined) return { kind: 'nil', value: null };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'number') return { kind: 'int', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (v instanceof JsonNumber) return { kind: 'string', value: v.text };
  if (v instanceof GoFloat) return { kind: 'float', value: v.value };
  return { kind: 'other', value: v };
}

export function goEq(args: readonly unknown[]): boolean {
  if (args.length < 2) throw new Error('missing argument for comparison');
  const a = basic(args[0]);
  for (const arg of args.slice(1)) {
    const b = basic(arg);
    if (a.kind !== b.kind) {
      if (a.kind !== 'nil' && b.kind !== 'nil') throw new Error('incompatible types for comparison');
      continue;
    }
    if (a.kind === 'other' && (Array.isArray(a.value) || isMap(a.value))) throw new Error(`non-comparable type [redacted]: ${typeName(a.value)}`);
    if (a.value === b.value) return true;
  }
  return false;
}

function lessThan(args: readonly unknown[]): boolean {
  arity(args, 2);
  const a = basic(args[0]);
  const b = basic(args[1]);
  if (a.kind === 'bool' || a.kind === 'other' || a.kind === 'nil' || b.kind === 'bool' || b.kind === 'other' || b.kind === 'nil') {
    throw new Error('invalid type for comparison');
  }
  if (a.kind !== b.kind) throw new Error('incompatible types for comparison');
  return (a.value as number | string) < (b.value as number | string);
}

function len(args: readonly unknown[]): number {
  arity(args, 1);
  const v = args[0];
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (v instanceof JsonNumber) return v.text.length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  if (v === null || v === undefined) throw new Error('len of nil pointer');
  throw new Error(`len of type ${typeName(v)}`);
}

function indexInt(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  throw new Error(`cannot index ${what} with type ${typeName(v)}`);
}

function index(args: readonly unknown[]): unknown {
  arity(args, 1, Infinity);
  let item = args[0];
  if (item === null || item === undefined) throw new Error('index of untyped nil');
  for (const key of args.slice(1)) {
    if (typeof item === 'string' || Array.isArray(item)) {
      const bytes = typeof item === 'string' ? Buffer.from(item) : undefined;
      const length = bytes?.length ?? (item as unknown[]).length;
      const i = indexInt(key, 'slice/array');
      if (i < 0 || i >= length) throw new Error(`index out of range: ${i}`);
      item = bytes !== undefined ? bytes[i] : (item as unknown[])[i];
    } else if (isMap(item)) {
      const k = basic(key);
      if (k.kind !== 'string') throw new Error(`value has type ${typeName(key)}; should be string`);
      const v = mapGet(item, k.value as string);
      item = v === undefined ? null : v;
    } else if (item === null) {
      throw new Error('index of nil pointer');
    } else {
      throw new Error(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(args: readonly unknown[]): unknown {
  arity(args, 1, 4);
  const item = args[0];
  if (item === null || item === undefined) throw new Error('slice of untyped nil');
  if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${typeName(item)}`);
  if (typeof item === 'string' && args.length > 3) throw new Error('cannot 3-index slice a string');
  const bytes = typeof item === 'string' ? Buffer.from(item) : undefined;
  const cap = bytes?.length ?? (item as unknown[]).length;
  const idx = args.slice(1).map((a) => indexInt(a, 'slice'));
  const lo = idx[0] ?? 0;
  const hi = idx[1] ?? cap;
  if (lo < 0 || hi < lo || hi > cap || (idx[2] !== undefined && (idx[2] < hi || idx[2] > cap))) {
    throw new Error(`index out of range: ${idx.join(':')}`);
  }
  return bytes !== undefined ? bytes.subarray(lo, hi).toString() : (item as unknown[]).slice(lo, hi);
}

/** Go's evalArgs for the escapers: one string argument as is, otherwise fmt.Sprint. */
function argsText(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' };

export function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => HTML_ESCAPES[c] ?? c);
}

const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
};

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const esc = JS_ESCAPES[ch];
    const cp = ch.codePointAt(0) ?? 0;
    if (esc !== undefined) out += esc;
    else if (cp < 0x20) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (cp >= 0x7f && /\p{C}/u.test(ch)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

function call(args: readonly unknown[]): unknown {
  arity(args, 1, Infinity);
  const fn = args[0];
  if (fn === null || fn === undefined) throw new Error('call of nil');
  if (!(fn instanceof GoFunc)) throw new Error(`non-function of type ${typeName(fn)}`);
  return fn.fn(args.slice(1));
}

export const GO_BUILTINS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['and', () => null],
  ['or', () => null],
  ['not', (a) => (arity(a, 1), !isTrue(a[0]))],
  ['eq', (a) => goEq(a)],
  ['ne', (a) => (arity(a, 2), !goEq(a))],
  ['lt', (a) => lessThan(a)],
  ['le', (a) => lessThan(a) || goEq(a)],
  ['gt', (a) => !lessThan(a) && !goEq(a)],
  ['ge', (a) => !lessThan(a)],
  ['len', (a) => len(a)],
  ['index', (a) => index(a)],
  ['slice', (a) => slice(a)],
  ['print', (a) => sprint(a)],
  ['printf', (a) => (arity(a, 1, Infinity), sprintf(argsText([a[0]]), a.slice(1)))],
  ['println', (a) => sprintln(a)],
  ['html', (a) => htmlEscape(argsText(a))],
  ['js', (a) => jsEscape(argsText(a))],
  ['urlquery', (a) => queryEscape(argsText(a))],
  ['call', (a) => call(a)],
]);

