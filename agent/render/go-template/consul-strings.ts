// consul-template's string and list functions (template/funcs.go). The subject string is the LAST
// argument, so they read naturally in pipelines: `{{ .Data.name | trimPrefix "app-" }}`.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { goRegExp, list, replaceAllRegexp, str, strings, title } from './args.ts';
import { goEq } from './builtins.ts';
import { JsonNumber, type GoMap } from './values.ts';

function trimCutset(s: string, cutset: string): string {
  const chars = new Set(cutset);
  const arr = [...s];
  let start = 0;
  let end = arr.length;
  while (start < end && chars.has(arr[start] ?? '')) start++;
  while (end > start && chars.has(arr[end - 1] ?? '')) end--;
  return arr.slice(start, end).join('');
}

/** Go's strings.TrimSpace (Unicode white space). */
export function trimSpace(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');
}

/** consul-template's indent: prefixes every line that is not empty. */
export function indent(spaces: number, s: string): string {
  if (spaces < 0) throw new Error('indent value must be a positive integer');
  const prefix = ' '.repeat(spaces);
  return s.replace(/(^|\n)(?=[^\n])/g, `$1${prefix}`);
}

function looseEqual(a: unknown, b: unknown): boolean {
  try {
    return goEq([a, b]);
  } catch {
    return false;
  }
}

/** consul-template's `in`: substring for a string haystack, membership for a list. */
function inHaystack(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string' || haystack instanceof JsonNumber) return str(haystack).includes(str(needle));
  if (Array.isArray(haystack)) return haystack.some((e) => looseEqual(e, needle));
  throw new Error('cannot check membership in this type');
}

function containsSome(needles: unknown, haystack: unknown, all: boolean, want: boolean): boolean {
  for (const n of list(needles)) {
    if (inHaystack(haystack, n) !== want) return !all;
  }
  return all;
}

function splitToMap(args: readonly unknown[]): GoMap {
  arity(args, 3);
  const [listSep, mapSep, s] = args.map(str) as [string, string, string];
  const out: GoMap = {};
  if (s === '') return out;
  for (const item of s.split(listSep)) {
    const at = item.indexOf(mapSep);
    if (at < 0) throw new Error('list item has no key/value separator');
    out[item.slice(0, at)] = item.slice(at + mapSep.length);
  }
  return out;
}

const s1 = (f: (s: string) => unknown): GoFunction => (a) => (arity(a, 1), f(str(a[0])));
const s2 = (f: (a: string, b: string) => unknown): GoFunction => (a) => (arity(a, 2), f(str(a[0]), str(a[1])));
const s3 = (f: (a: string, b: string, c: string) => unknown): GoFunction => (a) => (arity(a, 3), f(str(a[0]), str(a[1]), str(a[2])));

export const CONSUL_STRING_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['trimSpace', s1(trimSpace)],
  ['trim', s2((cutset, s) => trimCutset(s, cutset))],
  ['trimPrefix', s2((prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s))],
  ['trimSuffix', s2((suffix, s) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s))],
  ['toLower', s1((s) => s.toLowerCase())],
  ['toUpper', s1((s) => s.toUpperCase())],
  ['toTitle', s1(title)],
  ['replaceAll', s3((from, to, s) => (from === '' ? [...s].join(to).replace(/^/, to) + to : s.split(from).join(to)))],
  ['regexReplaceAll', s3((re, repl, s) => replaceAllRegexp(goRegExp(re), repl, s, false))],
  ['regexMatch', s2((re, s) => goRegExp(re).test(s))],
  ['split', s2((sep, s) => {
    const t = trimSpace(s);
    return t === '' ? [] : t.split(sep);
  })],
  ['splitToMap', splitToMap],
  ['join', (a) => (arity(a, 2), strings(a[1]).join(str(a[0])))],
  ['indent', (a) => {
    arity(a, 2);
    const n = a[0];
    if (typeof n !== 'number') throw new Error('indent value must be a positive integer');
    return indent(n, str(a[1]));
  }],
  ['contains', (a) => (arity(a, 2), inHaystack(a[1], a[0]))],
  ['in', (a) => (arity(a, 2), inHaystack(a[0], a[1]))],
  ['containsAll', (a) => (arity(a, 2), containsSome(a[0], a[1], true, true))],
  ['containsAny', (a) => (arity(a, 2), !containsSome(a[0], a[1], true, false))],
  ['containsNone', (a) => (arity(a, 2), containsSome(a[0], a[1], true, false))],
  ['containsNotAll', (a) => (arity(a, 2), !containsSome(a[0], a[1], true, true))],
]);

