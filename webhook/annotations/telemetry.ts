// `agent-telemetry-KEY` annotations → the VAULT_CONFIG `telemetry` stanza. Values
// are JSON when they parse, else strings, and must fit Vault Agent's telemetry schema. On a type
// mismatch vault-k8s drops the whole stanza silently and admits the pod; vaultlet does the same,
// with a warning naming the key (admit what vault-k8s admits).
import type { AnnotationReader } from './reader.ts';
import { VAULT_PREFIX } from './keys.ts';
import {
  TELEMETRY_BOOL_KEYS,
  TELEMETRY_INT_KEYS,
  TELEMETRY_LIST_KEYS,
  TELEMETRY_STRING_KEYS,
} from '../../shared/telemetry-keys.ts';

type Kind = 'string' | 'int' | 'bool' | 'strings';

const SCHEMA: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ...TELEMETRY_STRING_KEYS.map((k) => [k, 'string'] as const),
  ...TELEMETRY_INT_KEYS.map((k) => [k, 'int'] as const),
  ...TELEMETRY_BOOL_KEYS.map((k) => [k, 'bool'] as const),
  ...TELEMETRY_LIST_KEYS.map((k) => [k, 'strings'] as const),
]);

const PREFIX = 'agent-telemetry-';
const FULL_PREFIX = VAULT_PREFIX + PREFIX;

/**
 * The telemetry stanza, or undefined when no telemetry annotation is present. Keys come out
 * sorted; unknown keys produce a warning, zero values are omitted.
 */
export function readTelemetry(reader: AnnotationReader, warnings: string[]): Record<string, unknown> | undefined {
  const entries: [string, unknown][] = [];
  let present = false;
  let dropped = false;
  for (const { key: full, name } of reader.keysUnder(FULL_PREFIX)) {
    present = true;
    const key = name.replaceAll('-', '_');
    const kind = SCHEMA.get(key);
    if (kind === undefined) {
      warnings.push(`annotation "${full.slice(0, 120)}" is not a known telemetry setting and is ignored`);
      continue;
    }
    const value = fit(kind, parseLoose(reader.raw(full) ?? ''));
    if (value === undefined) {
      warnings.push(
        `annotation "${full.slice(0, 120)}" must be ${describe(kind)}; the whole telemetry stanza is left out, as vault-k8s does`,
      );
      dropped = true;
    } else if (!isZero(value)) {
      entries.push([key, value]);
    }
  }
  return present && !dropped ? Object.fromEntries(entries) : undefined;
}

function parseLoose(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function fit(kind: Kind, v: unknown): unknown {
  switch (kind) {
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

function describe(kind: Kind): string {
  switch (kind) {
    case 'string':
      return 'a string (a value that is not valid JSON, such as 24h)';
    case 'int':
      return 'an integer';
    case 'bool':
      return 'true or false';
    case 'strings':
      return 'a JSON array of strings, such as ["a","b"]';
  }
}
