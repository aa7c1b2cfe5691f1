// TOML output as consul-template's toTOML writes it (BurntSushi/toml encoder): plain keys first in
// sorted order, then one `[table]` per nested map, each table's keys indented two spaces per level.
import { formatFloat, intText } from './format.ts';
import { GoFloat, JsonNumber, isMap, sortedKeys, type GoMap } from './values.ts';

function key(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/\u007f/g, '\\u007f');
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return intText(v);
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof GoFloat) {
    const s = formatFloat(v.value, 'f', -1);
    return s.includes('.') ? s : `${s}.0`;
  }
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  if (isMap(v)) return `{${sortedKeys(v).map((k) => `${key(k)} = ${scalar(v[k])}`).join(', ')}}`;
  throw new Error('toTOML: unsupported value type');
}

function table(m: GoMap, path: readonly string[], lines: string[]): void {
  const indent = '  '.repeat(Math.max(path.length, 0));
  const keys = sortedKeys(m).filter((k) => m[k] !== null && m[k] !== undefined);
  for (const k of keys.filter((k) => !isMap(m[k]))) lines.push(`${indent}${key(k)} = ${scalar(m[k])}`);
  for (const k of keys.filter((k) => isMap(m[k]))) {
    const sub = [...path, k];
    // BurntSushi/toml puts a blank line before top-level tables only.
    if (path.length === 0 && lines.length > 0) lines.push('');
    lines.push(`${'  '.repeat(path.length)}[${sub.map(key).join('.')}]`);
    table(m[k] as GoMap, sub, lines);
  }
}

export function toToml(m: GoMap): string {
  const lines: string[] = [];
  table(m, [], lines);
  return lines.join('\n').trim();
}
