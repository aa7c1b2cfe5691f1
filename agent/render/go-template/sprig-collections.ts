// Sprig's list, dict and math functions (exposed as `sprig_NAME`), following Sprig v3.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { int, list, map, str, text } from './args.ts';
import { goEq } from './builtins.ts';
import { merge } from './consul-misc.ts';
import { empty } from './sprig-strings.ts';
import { GoFloat, JsonNumber, isMap, mapGet, sortedKeys, type GoMap } from './values.ts';

/** cast.ToInt64 / ToFloat64 as Sprig uses them: numbers, numeric strings, bools; anything else is 0. */
function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' || v instanceof JsonNumber) {
    const t = typeof v === 'string' ? v : v.text;
    const n = Number(t);
    return t.trim() === '' || Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function toInt(v: unknown): number {
  return Math.trunc(toFloat(v));
}

function safeEq(a: unknown, b: unknown): boolean {
  try {
    return goEq([a, b]);
  } catch {
    return false;
  }
}

function uniq(l: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of l) if (!out.some((o) => safeEq(o, v))) out.push(v);
  return out;
}

function dict(args: readonly unknown[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < args.length; i += 2) out[text(args[i])] = i + 1 < args.length ? args[i + 1] : '';
  return out;
}

function dig(args: readonly unknown[]): unknown {
  arity(args, 3, Infinity);
  const m = map(args[args.length - 1]);
  const fallback = args[args.length - 2];
  let node: unknown = m;
  for (const k of args.slice(0, -2)) {
    if (!isMap(node)) return fallback;
    node = mapGet(node, str(k));
    if (node === undefined) return fallback;
  }
  return node;
}

function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (step === 0) return out;
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}

function seq(args: readonly unknown[]): string {
  const p = args.map(toInt);
  if (p.length === 0 || p.length > 3) return '';
  const [start, end] = p.length === 1 ? [1, p[0] ?? 0] : [p[0] ?? 0, p[p.length - 1] ?? 0];
  const increment = end < start ? -1 : 1;
  const step = p.length === 3 ? (p[1] ?? 0) : increment;
  if (p.length === 3 && (increment < 0 ? step > 0 : step < 0)) return '';
  return untilStep(start, end + increment, step).join(' ');
}

const float = (f: (args: readonly number[]) => number): GoFunction => (a) => new GoFloat(f(a.map(toFloat)));

export const SPRIG_COLLECTION_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['list', (a) => [...a]],
  ['tuple', (a) => [...a]],
  ['first', (a) => (arity(a, 1), list(a[0])[0] ?? null)],
  ['last', (a) => (arity(a, 1), list(a[0]).at(-1) ?? null)],
  ['rest', (a) => (arity(a, 1), list(a[0]).slice(1))],
  ['initial', (a) => (arity(a, 1), list(a[0]).slice(0, -1))],
  ['append', (a) => (arity(a, 2), [...list(a[0]), a[1]])],
  ['push', (a) => (arity(a, 2), [...list(a[0]), a[1]])],
  ['prepend', (a) => (arity(a, 2), [a[1], ...list(a[0])])],
  ['reverse', (a) => (arity(a, 1), [...list(a[0])].reverse())],
  ['uniq', (a) => (arity(a, 1), uniq(list(a[0])))],
  ['has', (a) => (arity(a, 2), a[1] !== null && list(a[1]).some((v) => safeEq(v, a[0])))],
  ['without', (a) => (arity(a, 1, Infinity), list(a[0]).filter((v) => !a.slice(1).some((o) => safeEq(o, v))))],
  ['compact', (a) => (arity(a, 1), list(a[0]).filter((v) => !empty(v)))],
  ['concat', (a) => a.flatMap((l) => (l === null ? [] : [...list(l)]))],
  ['all', (a) => a.every((v) => !empty(v))],
  ['any', (a) => a.some((v) => !empty(v))],
  ['slice', (a) => (arity(a, 1, 3), list(a[0]).slice(a.length > 1 ? int(a[1]) : 0, a.length > 2 ? int(a[2]) : undefined))],
  ['dict', dict],
  ['get', (a) => (arity(a, 2), mapGet(map(a[0]), str(a[1])) ?? '')],
  ['set', (a) => {
    arity(a, 3);
    const m = map(a[0]);
    m[str(a[1])] = a[2];
    return m;
  }],
  ['unset', (a) => {
    arity(a, 2);
    const m = map(a[0]);
    delete m[str(a[1])];
    return m;
  }],
  ['hasKey', (a) => (arity(a, 2), Object.hasOwn(map(a[0]), str(a[1])))],
  ['keys', (a) => a.flatMap((m) => sortedKeys(map(m)))],
  ['values', (a) => (arity(a, 1), sortedKeys(map(a[0])).map((k) => map(a[0])[k]))],
  ['pluck', (a) => (arity(a, 1, Infinity), a.slice(1).map((m) => mapGet(map(m), str(a[0]))).filter((v) => v !== undefined))],
  ['pick', (a) => {
    arity(a, 1, Infinity);
    const m = map(a[0]);
    return Object.fromEntries(a.slice(1).map(str).filter((k) => Object.hasOwn(m, k)).map((k) => [k, m[k]]));
  }],
  ['omit', (a) => {
    arity(a, 1, Infinity);
    const m = map(a[0]);
    const drop = new Set(a.slice(1).map(str));
    return Object.fromEntries(Object.keys(m).filter((k) => !drop.has(k)).map((k) => [k, m[k]]));
  }],
  ['merge', (a) => (arity(a, 1, Infinity), a.slice(1).reduce<GoMap>((dst, src) => merge(dst, map(src), false), map(a[0])))],
  ['mergeOverwrite', (a) => (arity(a, 1, Infinity), a.slice(1).reduce<GoMap>((dst, src) => merge(dst, map(src), true), map(a[0])))],
  ['dig', dig],
  ['atoi', (a) => (arity(a, 1), /^[+-]?\d+$/.test(str(a[0])) ? Number(str(a[0])) : 0)],
  ['int', (a) => (arity(a, 1), toInt(a[0]))],
  ['int64', (a) => (arity(a, 1), toInt(a[0]))],
  ['float64', (a) => (arity(a, 1), new GoFloat(toFloat(a[0])))],
  ['add', (a) => a.reduce<number>((s, v) => s + toInt(v), 0)],
  ['add1', (a) => (arity(a, 1), toInt(a[0]) + 1)],
  ['sub', (a) => (arity(a, 2), toInt(a[0]) - toInt(a[1]))],
  ['mul', (a) => (arity(a, 1, Infinity), a.reduce<number>((s, v) => s * toInt(v), 1))],
  ['div', (a) => {
    arity(a, 2);
    if (toInt(a[1]) === 0) throw new Error('integer divide by zero');
    return Math.trunc(toInt(a[0]) / toInt(a[1]));
  }],
  ['mod', (a) => {
    arity(a, 2);
    if (toInt(a[1]) === 0) throw new Error('integer divide by zero');
    return toInt(a[0]) % toInt(a[1]);
  }],
  ['max', (a) => (arity(a, 1, Infinity), Math.max(...a.map(toInt)))],
  ['biggest', (a) => (arity(a, 1, Infinity), Math.max(...a.map(toInt)))],
  ['min', (a) => (arity(a, 1, Infinity), Math.min(...a.map(toInt)))],
  ['addf', float((n) => n.reduce((s, v) => s + v, 0))],
  ['add1f', float((n) => (n[0] ?? 0) + 1)],
  ['subf', float((n) => n.slice(1).reduce((s, v) => s - v, n[0] ?? 0))],
  ['mulf', float((n) => n.reduce((s, v) => s * v, 1))],
  ['divf', float((n) => n.slice(1).reduce((s, v) => s / v, n[0] ?? 0))],
  ['maxf', float((n) => Math.max(...n))],
  ['minf', float((n) => Math.min(...n))],
  ['ceil', float((n) => Math.ceil(n[0] ?? 0))],
  ['floor', float((n) => Math.floor(n[0] ?? 0))],
  ['round', float((n) => {
    const p = 10 ** (n[1] ?? 0);
    const v = (n[0] ?? 0) * p;
    const r = v - Math.floor(v) >= (n[2] ?? 0.5) ? Math.ceil(v) : Math.floor(v);
    return r / p;
  })],
  ['until', (a) => (arity(a, 1), untilStep(0, int(a[0]), int(a[0]) >= 0 ? 1 : -1))],
  ['untilStep', (a) => (arity(a, 3), untilStep(int(a[0]), int(a[1]), int(a[2])))],
  ['seq', seq],
]);
