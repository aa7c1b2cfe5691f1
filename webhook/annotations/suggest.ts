// Unknown or misspelled `vault.hashicorp.com/*` and `vaultlet.io/*` keys: vault-k8s ignores them
// silently, which is the classic "why are my secrets not there" bug. We answer with a warning and,
// when a known key is close (edit distance), a suggestion.
import {
  VAULT_KEYS,
  VAULT_PER_NAME_PREFIXES,
  VAULT_PREFIX,
  VAULTLET_KEYS,
  VAULTLET_PER_NAME_PREFIXES,
  VAULTLET_PREFIX,
} from './keys.ts';

const VAULT_FIXED: ReadonlySet<string> = new Set(VAULT_KEYS);
const VAULTLET_FIXED: ReadonlySet<string> = new Set(VAULTLET_KEYS);
const MAX_DISTANCE = 3;
const MAX_KEY_LENGTH = 253;

/** At most this many unknown keys are reported one by one (a suggestion costs an edit distance per known key). */
export const MAX_UNKNOWN_KEY_WARNINGS = 20;

/** Warnings for the unknown keys under our prefixes, in key order, the rest summed up in one line. */
export function unknownKeyWarnings(keys: readonly string[]): string[] {
  const warnings: string[] = [];
  let more = 0;
  for (const key of keys) {
    const known = key.startsWith(VAULT_PREFIX)
      ? isKnown(key, VAULT_PREFIX, VAULT_FIXED, VAULT_PER_NAME_PREFIXES)
      : !key.startsWith(VAULTLET_PREFIX) || isKnown(key, VAULTLET_PREFIX, VAULTLET_FIXED, VAULTLET_PER_NAME_PREFIXES);
    if (known) continue;
    if (warnings.length >= MAX_UNKNOWN_KEY_WARNINGS) {
      more++;
      continue;
    }
    warnings.push(
      key.startsWith(VAULT_PREFIX)
        ? describeUnknown(key, VAULT_PREFIX, VAULT_FIXED, VAULT_PER_NAME_PREFIXES)
        : describeUnknown(key, VAULTLET_PREFIX, VAULTLET_FIXED, VAULTLET_PER_NAME_PREFIXES),
    );
  }
  if (more > 0) warnings.push(`${more} more unknown annotation${more === 1 ? '' : 's'} ignored`);
  return warnings;
}

function isKnown(key: string, prefix: string, fixed: ReadonlySet<string>, perName: readonly string[]): boolean {
  const name = key.slice(prefix.length);
  return fixed.has(name) || perName.some((p) => name.startsWith(p) && name.length > p.length);
}

function describeUnknown(key: string, prefix: string, fixed: ReadonlySet<string>, perName: readonly string[]): string {
  const name = key.slice(prefix.length);
  const shown = key.length > 100 ? `${key.slice(0, 100)}…` : key;
  if (perName.includes(name)) return `annotation "${shown}" is ignored: it needs a name after "${name}"`;
  const suggestion = name.length > MAX_KEY_LENGTH ? undefined : suggest(name, fixed, perName);
  return suggestion === undefined
    ? `unknown annotation "${shown}" is ignored`
    : `unknown annotation "${shown}" is ignored; did you mean "${prefix}${suggestion}"?`;
}

function suggest(name: string, fixed: ReadonlySet<string>, perName: readonly string[]): string | undefined {
  let best: { text: string; distance: number } | undefined;
  const consider = (text: string, distance: number): void => {
    if (distance <= MAX_DISTANCE && (best === undefined || distance < best.distance)) best = { text, distance };
  };
  for (const k of fixed) consider(k, editDistance(name, k, MAX_DISTANCE));
  // A per-name key: compare the start of the key with the prefix, keep the user's NAME.
  for (const p of perName) {
    for (let cut = Math.max(1, p.length - 3); cut <= Math.min(name.length - 1, p.length + 3); cut++) {
      // Prefer cuts right after a '-', where the user's NAME most likely starts.
      const boundary = name[cut - 1] === '-' ? 0 : 0.5;
      consider(p + name.slice(cut), editDistance(name.slice(0, cut), p, MAX_DISTANCE) + boundary);
    }
  }
  return best?.text;
}

/**
 * Levenshtein distance (insert, delete, substitute). Past `max` it stops early and returns max + 1:
 * suggestions only care about close keys, and each unknown key is compared with every known one.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      // Typed arrays of the right length: every index read here is in range.
      let d = prev[j]! + 1;
      const insert = cur[j - 1]! + 1;
      if (insert < d) d = insert;
      const substitute = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (substitute < d) d = substitute;
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
