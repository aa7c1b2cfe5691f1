import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
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
import { AnnotationReader } from './reader.ts';

const FULL_PREFIXES = [
  ...VAULT_PER_NAME_PREFIXES.map((p) => VAULT_PREFIX + p),
  ...VAULTLET_PER_NAME_PREFIXES.map((p) => VAULTLET_PREFIX + p),
];

// The reference: what each reader of the annotations computed by scanning every key against the
// prefix lists before the reader indexed them in one pass.
function scanDeclarations(keys: readonly string[]): { key: string; name: string }[] {
  const out: { key: string; name: string }[] = [];
  for (const key of keys) {
    if (!key.startsWith(VAULT_PREFIX)) continue;
    const rest = key.slice(VAULT_PREFIX.length);
    const prefix = SECRET_DECLARING_PREFIXES.find((p) => rest.startsWith(p));
    if (prefix !== undefined) out.push({ key, name: rest.slice(prefix.length) });
  }
  return out;
}

function scanSecretOptions(keys: readonly string[]): { key: string; name: string }[] {
  const prefixes = [
    ...VAULT_PER_SECRET_OPTION_PREFIXES.map((p) => VAULT_PREFIX + p),
    ...VAULTLET_PER_NAME_PREFIXES.map((p) => VAULTLET_PREFIX + p),
  ];
  const out: { key: string; name: string }[] = [];
  for (const key of keys) {
    const prefix = prefixes.find((p) => key.startsWith(p));
    if (prefix !== undefined) out.push({ key, name: key.slice(prefix.length) });
  }
  return out;
}

function scanUnknown(keys: readonly string[]): string[] {
  return keys.filter((key) => {
    const vault = key.startsWith(VAULT_PREFIX);
    const name = key.slice(vault ? VAULT_PREFIX.length : VAULTLET_PREFIX.length);
    const fixed: readonly string[] = vault ? VAULT_KEYS : VAULTLET_KEYS;
    const perName: readonly string[] = vault ? VAULT_PER_NAME_PREFIXES : VAULTLET_PER_NAME_PREFIXES;
    return !(fixed.includes(name) || perName.some((p) => name.startsWith(p) && name.length > p.length));
  });
}

// Keys that collide the way real ones do: every prefix, with names that are empty, are other
// prefixes' tails (agent-inject-template-file-x is also agent-inject-template- "file-x"), or are
// fixed keys; plus near misses and other prefixes.
const namePart = fc.oneof(
  fc.constantFrom('', 'db', 'DB', 'file-db', 'file-', 'a.b', 'x-y', '-', 'secret-db', 'template-db'),
  fc.stringMatching(/^[a-z.-]{0,6}$/),
);
const keyArb = fc.oneof(
  fc.tuple(fc.constantFrom(...FULL_PREFIXES), namePart).map(([p, n]) => p + n),
  fc
    .tuple(
      fc.constantFrom(VAULT_PREFIX, VAULTLET_PREFIX, 'other.io/', ''),
      fc.constantFrom(...VAULT_KEYS, ...VAULTLET_KEYS),
    )
    .map(([p, k]) => p + k),
  fc.tuple(fc.constantFrom(VAULT_PREFIX, VAULTLET_PREFIX), fc.stringMatching(/^[a-z-]{0,12}$/)).map(([p, k]) => p + k),
);
const annotations = fc
  .array(fc.tuple(keyArb, fc.constantFrom('', ' ', 'v', 'true', '{{ . }}')), { maxLength: 24 })
  .map((entries) => new Map(entries));

describe('AnnotationReader index', () => {
  it('answers every per-name lookup, listing and unknown key exactly as a scan of every key does', () => {
    fc.assert(
      fc.property(annotations, fc.array(namePart, { maxLength: 4 }), (values, probes) => {
        const reader = new AnnotationReader(values);
        const keys = reader.keys();
        expect(reader.declarations()).toEqual(scanDeclarations(keys));
        expect(reader.secretOptions()).toEqual(scanSecretOptions(keys));
        expect(reader.unknownKeys()).toEqual(scanUnknown(keys));
        for (const prefix of FULL_PREFIXES) {
          expect(reader.keysUnder(prefix)).toEqual(
            keys.filter((k) => k.startsWith(prefix)).map((key) => ({ key, name: key.slice(prefix.length) })),
          );
          for (const { name } of reader.keysUnder(prefix))
            expect(reader.named(prefix, name)).toBe(reader.raw(prefix + name));
          for (const name of probes) expect(reader.named(prefix, name)).toBe(reader.raw(prefix + name));
        }
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  it('has no fixed key that starts with a per-name prefix (the index files fixed keys under none)', () => {
    const clash = [
      ...VAULT_KEYS.filter((k) => VAULT_PER_NAME_PREFIXES.some((p) => k.startsWith(p))),
      ...VAULTLET_KEYS.filter((k) => VAULTLET_PER_NAME_PREFIXES.some((p) => k.startsWith(p))),
    ];
    expect(clash).toEqual([]);
  });

  it('files a key under both prefixes it starts with, and declares it under the first', () => {
    const reader = new AnnotationReader(new Map([[`${VAULT_PREFIX}agent-inject-template-file-db`, 'tpl.ctmpl']]));
    expect(reader.named(`${VAULT_PREFIX}agent-inject-template-file-`, 'db')).toBe('tpl.ctmpl');
    expect(reader.named(`${VAULT_PREFIX}agent-inject-template-`, 'file-db')).toBe('tpl.ctmpl');
    expect(reader.declarations()).toEqual([{ key: `${VAULT_PREFIX}agent-inject-template-file-db`, name: 'db' }]);
  });

  it('reports a bad per-name boolean under its full key', () => {
    const reader = new AnnotationReader(new Map([[`${VAULT_PREFIX}error-on-missing-key-db`, 'maybe']]));
    expect(reader.namedBool(`${VAULT_PREFIX}error-on-missing-key-`, 'db', true)).toBe(true);
    expect(reader.errors.map((e) => e.field)).toEqual([`${VAULT_PREFIX}error-on-missing-key-db`]);
    expect(reader.namedBool(`${VAULT_PREFIX}error-on-missing-key-`, 'other', false)).toBe(false);
  });
});
