// One lease per pod: the init container leaves its token and the secrets it fetched (with their
// leases) in the agent-only state directory; the sidecar adopts them instead of logging in and
// minting new dynamic credentials. The sidecar keeps the file current, so its own restarts adopt
// too. The file is mode 0600 in a directory no app container mounts.
import type { PersistedEntry } from '../secrets/dependency-manager.ts';
import type { SecretRequest } from '../render/engine.ts';
import { isRecord } from '../vault/client.ts';
import { parseVaultJson } from '../vault/json-number.ts';

export const HANDOFF_FILE = 'agent-state.json';
export const HANDOFF_MODE = 0o600;

export interface HandoffState {
  readonly version: 1;
  readonly token: string;
  readonly savedAt: number;
  readonly entries: readonly PersistedEntry[];
}

export function serializeHandoff(state: HandoffState): string {
  return `${JSON.stringify(state)}\n`;
}

/** The state, or undefined when the text is not a state file this version understands. */
export function parseHandoff(text: string): HandoffState | undefined {
  let value: unknown;
  try {
    // The secrets' numbers stay exactly as Vault sent them (serialized raw by JsonNumber.toJSON).
    value = parseVaultJson(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value['version'] !== 1 || typeof value['token'] !== 'string' || value['token'] === '') return undefined;
  const entries = value['entries'];
  if (!Array.isArray(entries) || typeof value['savedAt'] !== 'number') return undefined;
  const good = entries.filter(isPersistedEntry);
  if (good.length !== entries.length) return undefined;
  return { version: 1, token: value['token'], savedAt: value['savedAt'], entries: good };
}

function isPersistedEntry(value: unknown): value is PersistedEntry {
  if (!isRecord(value) || typeof value['fetchedAt'] !== 'number' || typeof value['kvV1'] !== 'boolean') return false;
  const request = value['request'];
  const response = value['response'];
  return isRequest(request) && isRecord(response) && typeof response['lease_id'] === 'string' && typeof response['lease_duration'] === 'number' && typeof response['renewable'] === 'boolean';
}

function isRequest(value: unknown): value is SecretRequest {
  return isRecord(value) && (value['kind'] === 'secret' || value['kind'] === 'secrets' || value['kind'] === 'pkiCert') &&
    typeof value['path'] === 'string' && typeof value['key'] === 'string' && isRecord(value['params']);
}
