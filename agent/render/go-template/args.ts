// Argument coercions for template functions, following Go's typed parameters: a function taking
// `string` accepts a string (and, leniently, a json.Number's text); one taking `int` accepts an int.
import { ArgTypeError } from './function-error.ts';
import { formatValue } from './format.ts';
import { GoFloat, JsonNumber, isMap, type GoMap } from './values.ts';

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof JsonNumber) return v.text;
  throw new ArgTypeError('string', v);
}

export function int(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v instanceof GoFloat && Number.isInteger(v.value)) return v.value;
  throw new ArgTypeError('int', v);
}

export function list(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  throw new ArgTypeError('[]interface {}', v);
}

export function map(v: unknown): GoMap {
  if (isMap(v)) return v;
  throw new ArgTypeError('map[string]interface {}', v);
}

/** A list of strings (Go []string); elements are printed with %v. */
export function strings(v: unknown): string[] {
  return list(v).map((e) => (typeof e === 'string' ? e : formatValue(e)));
}

/** Any value as text, as Sprig's strval / fmt.Sprint does. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return formatValue(v);
}

/** Go's strings.Title: upper-case the first letter of each word (words split by non-letters/digits/_). */
export function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Go regexp (RE2) syntax compiled for JS; RE2 constructs JS lacks are rejected by the constructor. */
export function goRegExp(pattern: string, flags = ''): RegExp {
  try {
    // A leading (?ims) group sets flags for the whole pattern, which JS spells as RegExp flags.
    const lead = /^\(\?([ims]+)\)/.exec(pattern);
    const body = lead === null ? pattern : pattern.slice(lead[0].length);
    const extra = lead === null ? '' : [...new Set(lead[1])].join('');
    const translated = body.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
    return new RegExp(translated, `u${flags}${extra}`);
  } catch {
    throw new Error('invalid regular expression');
  }
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$. `$1x` names group "1x" (empty). */
export function expandReplacement(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_m, all: string, braced?: string, bare?: string) => {
    if (all === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

export function replaceAllRegexp(re: RegExp, replacement: string, s: string, literal: boolean): string {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  return s.replace(global, (...parts: unknown[]) => {
    if (literal) return replacement;
    const match = regExpMatchFromReplaceArgs(parts);
    return expandReplacement(replacement, match);
  });
}

function regExpMatchFromReplaceArgs(parts: unknown[]): RegExpExecArray {
  const hasGroups = typeof parts[parts.length - 1] === 'object';
  const groups = hasGroups ? (parts[parts.length - 1] as Record<string, string>) : undefined;
  const captures = parts.slice(0, hasGroups ? -3 : -2) as string[];
  const match = Object.assign([...captures], { index: 0, input: '', groups }) as unknown as RegExpExecArray;
  return match;
}
