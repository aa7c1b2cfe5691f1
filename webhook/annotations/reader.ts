// Typed reads of one pod's annotations. Each read records its own error under the annotation's
// full key, so a denial can list every bad annotation at once (spec changes: "all errors at once").
import type { FieldError } from '../../shared/errors.ts';
import { parseWeakBool, truncate } from '../../shared/parse/go-bool.ts';
import { parseGoDuration } from '../../shared/parse/go-duration.ts';
import { canonicalQuantity } from './quantity.ts';
import {
  SECRET_DECLARING_PREFIXES,
  VAULT_KEYS,
  VAULT_PER_NAME_PREFIXES,
  VAULT_PER_SECRET_OPTION_PREFIXES,
  VAULT_PREFIX,
  VAULTLET_KEYS,
  VAULTLET_PER_NAME_PREFIXES,
  VAULTLET_PREFIX,
} from './keys.ts';

/** Longest annotation value read; Kubernetes caps all annotations together at 256 KiB. */
export const MAX_VALUE_BYTES = 256 * 1024;

/** A key under a per-name prefix: the full key, and the NAME after the prefix. */
export interface NamedKey {
  readonly key: string;
  readonly name: string;
}

/** A per-name prefix as the index files keys under it. */
interface NamedPrefix {
  /** The prefix after the namespace (`agent-inject-file-`). */
  readonly short: string;
  /** Its slot in a reader's per-prefix tables. */
  readonly slot: number;
  readonly declares: boolean;
  readonly secretOption: boolean;
}

const DECLARING: ReadonlySet<string> = new Set(SECRET_DECLARING_PREFIXES);
const VAULT_OPTIONS: ReadonlySet<string> = new Set(VAULT_PER_SECRET_OPTION_PREFIXES);
const VAULT_NAMED: readonly NamedPrefix[] = VAULT_PER_NAME_PREFIXES.map((short, slot) => ({
  short,
  slot,
  declares: DECLARING.has(short),
  secretOption: VAULT_OPTIONS.has(short),
}));
// vault.hashicorp.com/ keys are tried against vault-k8s's prefixes, in this order, vaultlet.io/ keys against ours.
const VAULTLET_NAMED: readonly NamedPrefix[] = VAULTLET_PER_NAME_PREFIXES.map((short, i) => ({
  short,
  slot: VAULT_NAMED.length + i,
  declares: false,
  secretOption: true,
}));
/** Slot by full prefix (`vault.hashicorp.com/agent-inject-file-`). */
const SLOT: ReadonlyMap<string, number> = new Map([
  ...VAULT_NAMED.map((p): [string, number] => [VAULT_PREFIX + p.short, p.slot]),
  ...VAULTLET_NAMED.map((p): [string, number] => [VAULTLET_PREFIX + p.short, p.slot]),
]);
/** No fixed key starts with a per-name prefix (reader.test.ts checks it): a fixed key is filed under none. */
const VAULT_FIXED: ReadonlySet<string> = new Set(VAULT_KEYS);
const VAULTLET_FIXED: ReadonlySet<string> = new Set(VAULTLET_KEYS);
const NO_KEYS: readonly NamedKey[] = Object.freeze([]);

export class AnnotationReader {
  readonly errors: FieldError[] = [];
  readonly #values: ReadonlyMap<string, string>;
  /** The `vault.hashicorp.com/` values by the rest of their key: reads pass constant names, whose
   * hashes V8 keeps, instead of building and hashing a new prefixed key on every read. */
  readonly #vault = new Map<string, string>();
  readonly #keys: readonly string[];
  // One pass over the keys files each under every per-name prefix it starts with (a key can start
  // with two: agent-inject-template-file-x is also agent-inject-template- "file-x"), so readers of
  // per-secret options look a NAME up instead of scanning every key or hashing a new key per read.
  readonly #byName: (Map<string, string> | undefined)[] = [];
  readonly #keysAt: (NamedKey[] | undefined)[] = [];
  readonly #declarations: NamedKey[] = [];
  readonly #secretOptions: NamedKey[] = [];
  readonly #unknown: string[] = [];

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
    for (const key of this.#keys) this.#index(key);
  }

  #index(key: string): void {
    const vault = key.startsWith(VAULT_PREFIX);
    const offset = vault ? VAULT_PREFIX.length : VAULTLET_PREFIX.length;
    const rest = key.slice(offset);
    if ((vault ? VAULT_FIXED : VAULTLET_FIXED).has(rest)) return;
    let first = true;
    let named = false;
    for (const prefix of vault ? VAULT_NAMED : VAULTLET_NAMED) {
      if (!rest.startsWith(prefix.short)) continue;
      const name = rest.slice(prefix.short.length);
      const entry = { key, name };
      let byName = this.#byName[prefix.slot];
      if (byName === undefined) this.#byName[prefix.slot] = byName = new Map<string, string>();
      byName.set(name, this.#values.get(key) ?? '');
      let keys = this.#keysAt[prefix.slot];
      if (keys === undefined) this.#keysAt[prefix.slot] = keys = [];
      keys.push(entry);
      if (name !== '') named = true;
      if (first) {
        first = false;
        if (prefix.declares) this.#declarations.push(entry);
        else if (prefix.secretOption) this.#secretOptions.push(entry);
      }
    }
    if (!named) this.#unknown.push(key);
  }

  /**
   * The value of `prefix + name` for a full per-name prefix (`vault.hashicorp.com/agent-inject-file-`,
   * say): exactly raw(prefix + name), without building the key.
   */
  named(prefix: string, name: string): string | undefined {
    const slot = SLOT.get(prefix);
    return slot === undefined ? undefined : this.#byName[slot]?.get(name);
  }

  /** The keys under a full per-name prefix, in key order, names empty or not. */
  keysUnder(prefix: string): readonly NamedKey[] {
    const slot = SLOT.get(prefix);
    return (slot === undefined ? undefined : this.#keysAt[slot]) ?? NO_KEYS;
  }

  /** The keys whose first matching per-name prefix declares a secret, in key order (names may be empty). */
  declarations(): readonly NamedKey[] {
    return this.#declarations;
  }

  /** The keys whose first matching per-name prefix is a per-secret option, in key order. */
  secretOptions(): readonly NamedKey[] {
    return this.#secretOptions;
  }

  /** Our keys that are neither fixed keys nor a per-name prefix with a NAME, in key order. */
  unknownKeys(): readonly string[] {
    return this.#unknown;
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

  /** A `vault.hashicorp.com/` value; present-but-empty stays empty. */
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

  /** bool() of `prefix + name` for a full per-name prefix, without building the key unless it is bad. */
  namedBool(prefix: string, name: string, fallback: boolean): boolean {
    const v = this.named(prefix, name);
    if (v === undefined) return fallback;
    try {
      return parseWeakBool(v);
    } catch (err) {
      this.fail(prefix + name, err instanceof Error ? err.message : String(err));
      return fallback;
    }
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
