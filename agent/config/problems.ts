// Collects every problem of a config with the JSON path of the key at fault, and reads typed
// values out of untrusted JSON. Messages describe the key, never quote its value: config values
// include JWTs, tokens and template contents.
import type { FieldError } from '../../shared/errors.ts';
import { parseVaultDuration } from '../../shared/parse/go-duration.ts';

export type Json = Readonly<Record<string, unknown>>;

export class Problems {
  readonly list: FieldError[] = [];

  add(field: string, message: string): undefined {
    this.list.push({ field, message });
    return undefined;
  }

  /** An object at `path`, or undefined (with a problem when present but not an object). */
  object(value: unknown, path: string): Json | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.add(path, 'must be an object');
    return value as Json;
  }

  /** Every key not in `known` is a problem (typos are caught, not silently ignored). */
  knownKeys(obj: Json, path: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) this.add(join(path, key), 'unknown key');
    }
  }

  array(value: unknown, path: string): readonly unknown[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.add(path, 'must be a list');
    return value as readonly unknown[];
  }

  string(value: unknown, path: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return this.add(path, 'must be a string');
    if (opts.nonEmpty === true && value.trim() === '') return this.add(path, 'must not be empty');
    return value;
  }

  bool(value: unknown, path: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    // Vault's HCL/JSON decoding accepts "true"/"false" strings for booleans.
    if (value === 'true') return true;
    if (value === 'false') return false;
    return this.add(path, 'must be true or false');
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const n = typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) return this.add(path, 'must be an integer');
    if (n < min || n > max) return this.add(path, `must be between ${min} and ${max}`);
    return n;
  }

  /** A Go duration ("30s", "5m") or a number of seconds, in ms. */
  duration(value: unknown, path: string, opts: { positive?: boolean } = {}): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') return this.add(path, 'must be a duration such as "30s"');
    let ms: number;
    try {
      ms = parseVaultDuration(value);
    } catch {
      return this.add(path, 'is not a duration (examples: 30s, 5m, 1h30m)');
    }
    if (!Number.isFinite(ms) || ms < 0) return this.add(path, 'must not be negative');
    if (opts.positive === true && ms === 0) return this.add(path, 'must be greater than zero');
    return ms;
  }

  /** An absolute path without `.`/`..` segments or repeated slashes. */
  absolutePath(value: unknown, path: string): string | undefined {
    const s = this.string(value, path, { nonEmpty: true });
    if (s === undefined) return undefined;
    const problem = absolutePathProblem(s);
    return problem === undefined ? s : this.add(path, problem);
  }
}

export function absolutePathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return 'must be an absolute path';
  if (p.includes('\0')) return 'must not contain NUL';
  const segments = p.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain "." or ".." segments';
  return undefined;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Short, printable rendering of an enum-like value (auth type, engine) for messages. */
export function quoteName(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}
