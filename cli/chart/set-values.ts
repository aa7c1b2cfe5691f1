// Helm's --set and --set-string syntax (helm/pkg/strvals): `a.b=1,c[0].d=x,list={p,q}`.
// Unescaped commas separate assignments, `\,` `\.` `\=` `\[` escape; with --set, true/false/null
// and integers without a leading zero are typed, everything else is a string. Indexes are
// capped as in Helm so that `a[99999999]=x` cannot allocate a huge list.
import { isMap } from '../../agent/render/go-template/values.ts';
import { ChartError } from './errors.ts';

export const MAX_INDEX = 65536;

type Segment = { readonly key: string } | { readonly index: number };

function typed(value: string, asString: boolean): unknown {
  if (asString) return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (value === '0') return 0;
  if (/^[-+]?[1-9]\d{0,15}$/.test(value)) return Number(value);
  return value;
}

/** Splits on `sep` where it is not escaped and (for commas) not inside `{...}`. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1]!;
      i++;
    } else if (c === '{') {
      depth++;
      current += c;
    } else if (c === '}') {
      depth = Math.max(0, depth - 1);
      current += c;
    } else if (c === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function parseKey(key: string, expression: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of splitUnescaped(key, '.')) {
    const m = /^((?:[^\\[]|\\.)*)((?:\[\d+\])*)$/.exec(part);
    if (m === null || (m[1] === '' && m[2] === ''))
      throw new ChartError('CHT_VALUES', `--set ${expression}: key "${key}" has an empty or malformed part`);
    if (m[1] !== '') segments.push({ key: unescape(m[1]!) });
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) {
      const index = Number(idx[1]);
      if (index > MAX_INDEX)
        throw new ChartError(
          'CHT_VALUES',
          `--set ${expression}: index ${index} is larger than the maximum ${MAX_INDEX}`,
        );
      segments.push({ index });
    }
  }
  return segments;
}

function assign(target: Record<string, unknown> | unknown[], segments: readonly Segment[], value: unknown): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const slot = 'key' in head ? head.key : head.index;
  const holder = target as Record<string | number, unknown>;
  if ('index' in head && Array.isArray(target)) while (target.length < head.index) target.push(null);
  if (rest.length === 0) {
    holder[slot] = value;
    return;
  }
  const next = rest[0]!;
  const existing = holder[slot];
  const child = 'index' in next ? (Array.isArray(existing) ? existing : []) : isMap(existing) ? existing : {};
  holder[slot] = child;
  assign(child, rest, value);
}

/**
 * Applies one --set (or --set-string) argument to `into` and returns it. A key segment followed
 * by [n] holds a list; a later --set of the same key replaces, as in Helm.
 */
export function applySet(into: Record<string, unknown>, expression: string, asString = false): Record<string, unknown> {
  for (const pair of splitUnescaped(expression, ',')) {
    if (pair === '') continue;
    const eq = splitUnescaped(pair, '=');
    if (eq.length < 2) throw new ChartError('CHT_VALUES', `--set ${expression}: "${pair}" has no "=" (key=value)`);
    const key = eq[0]!;
    const raw = eq.slice(1).join('=');
    const segments = parseKey(key, expression);
    if (segments.length === 0 || !('key' in segments[0]!))
      throw new ChartError('CHT_VALUES', `--set ${expression}: a key must start with a name`);
    const list = /^\{(.*)\}$/s.exec(raw);
    const value =
      list === null
        ? typed(unescape(raw), asString)
        : list[1] === ''
          ? []
          : splitUnescaped(list[1]!, ',').map((v) => typed(unescape(v), asString));
    assign(into, segments, value);
  }
  return into;
}
