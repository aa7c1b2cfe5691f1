// Typed reads of one pod's annotations. Each read records its own error under the annotation's
// full key, so a denial can list every bad annotation at once (spec changes: "all errors at once").
import type { FieldError } from '../../shared/errors.ts';
import { parseWeakBool, truncate } from '../../shared/parse/go-bool.ts';
import { parseGoDuration } from '../../shared/parse/go-duration.ts';
import { canonicalQuantity } from './quantity.ts';
import { VAULT_PREFIX, VAULTLET_PREFIX } from './keys.ts';

/** Longest annotation value read; Kubernetes caps all annotations together at 256 KiB. */
export const MAX_VALUE_BYTES = 256 * 1024;

export class AnnotationReader {
  readonly errors: FieldError[] = [];
  readonly #values: ReadonlyMap<string, string>;
  /** The `vault.hashicorp.com/` values by the rest of their key: reads pass constant names, whose
   * hashes V8 keeps, instead of building and hashing a new prefixed key on every read. */
  readonly #vault = new Map<string, string>();
  readonly #keys: readonly string[];

  constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
    const ours: string[] = [];
    for (const [key, value] of values) {
      if (key.startsWith(VAULT_PREFIX)) {
        this.#vault.set(key.slice(VAULT_PREFIX.length), value);
        ours.push(key);
      } else if (key.startsWith(VAULTLET_PREFIX)) {
        ours.push(key);
      }
    }
    // Other annotations are never listed, so a pod's unrelated annotations cost no sort.
    this.#keys = Object.freeze(ours.sort());
  }

  /** The `vault.hashicorp.com/` and `vaultlet.io/` keys, in a stable (sorted) order. */
  keys(): readonly string[] {
    return this.#keys;
  }

  fail(key: string, message: string): void {
    this.errors.push({ field: key, message });
  }

  /** The raw value of a full key, or undefined when absent. */
  raw(key: string): string | undefined {
    return this.#values.get(key);
  }

  /** A `vault.hashicorp.com/` value; present-but-empty stays empty (§0.2). */
  str(name: string, fallback: string): string {
    return this.#vault.get(name) ?? fallback;
  }

  has(name: string): boolean {
    return this.#vault.has(name);
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.#vault.get(name);
    if (v === undefined) return fallback;
    return this.#parse(name, fallback, () => parseWeakBool(v));
  }

  /** Go int64 semantics limited to a range; '' means 0. */
  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.#vault.get(name);
    if (v === undefined) return fallback;
    if (v === '') return 0;
    return this.#parse(name, fallback, () => {
      if (!/^[+-]?\d{1,19}$/.test(v)) throw new Error(`"${truncate(v)}" is not an integer`);
      const n = Number(v);
      if (n < min || n > max) throw new Error(`${v} is out of range [${min}, ${max}]`);
      return n;
    });
  }

  float(name: string, fallback: number): number {
    const v = this.#vault.get(name);
    if (v === undefined) return fallback;
    return this.#parse(name, fallback, () => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`"${truncate(v)}" is not a number`);
      return n;
    });
  }

  /** A Go duration, checked only when non-empty; returned as written. */
  duration(name: string, fallback: string): string {
    const v = this.str(name, fallback);
    if (v === '') return v;
    return this.#parse(name, '', () => {
      parseGoDuration(v);
      return v;
    });
  }

  /** A resource quantity in canonical form; '' removes it. */
  quantity(name: string, fallback: string): string {
    const v = this.str(name, fallback);
    if (v === '') return v;
    return this.#parse(name, '', () => canonicalQuantity(v));
  }

  #parse<T>(name: string, fallback: T, parse: () => T): T {
    try {
      return parse();
    } catch (err) {
      this.fail(VAULT_PREFIX + name, err instanceof Error ? err.message : String(err));
      return fallback;
    }
  }
}

/** Comma list, trimmed, empties dropped (vault-k8s does not trim: a QUIRK vaultlet fixes). */
export function splitCommaList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
