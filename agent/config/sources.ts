// Where the agent's JSON config comes from (`-config` files, else VAULT_CONFIG as the webhook
// passes it) and how several files merge, as Vault Agent merges them: later files win for
// scalars, objects merge key by key, and the `template`, `listener` and `auto_auth.sink` lists are
// appended. Parse errors never quote the text: configs carry tokens and template contents.
import { decodeAgentConfig } from '../../shared/agent-config.ts';
import type { Json, Problems } from './problems.ts';

/** Lists that Vault Agent appends across config files instead of replacing. */
const APPENDED_LISTS = new Set(['template', 'listener', 'auto_auth.sink']);

export function loadConfigDocuments(
  configPaths: readonly string[],
  vaultConfigEnv: string | undefined,
  readFile: (path: string) => string,
  problems: Problems,
): Json[] {
  if (configPaths.length === 0) {
    if (vaultConfigEnv === undefined || vaultConfigEnv.trim() === '') {
      problems.add('-config', 'no configuration: pass -config=FILE or set VAULT_CONFIG');
      return [];
    }
    const doc = decodeEnvConfig(vaultConfigEnv);
    if (doc === undefined) problems.add('VAULT_CONFIG', 'must be base64 of a JSON object');
    return doc === undefined ? [] : [doc];
  }
  const docs: Json[] = [];
  for (const path of configPaths) {
    let text: string;
    try {
      text = readFile(path);
    } catch {
      problems.add(`-config=${path}`, 'cannot be read');
      continue;
    }
    const doc = parseJsonObject(text);
    if (doc === undefined) problems.add(`-config=${path}`, 'must hold a JSON object (HCL is not supported)');
    else docs.push(doc);
  }
  return docs;
}

function decodeEnvConfig(raw: string): Json | undefined {
  const trimmed = raw.trim();
  // vault-k8s passes base64; a literal JSON object is accepted too (handy when running by hand).
  if (trimmed.startsWith('{')) return parseJsonObject(trimmed);
  if (!/^[A-Za-z0-9+/=\s_-]+$/.test(trimmed)) return undefined;
  try {
    return asObject(decodeAgentConfig(trimmed));
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string): Json | undefined {
  try {
    return asObject(JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function mergeConfigs(docs: readonly Json[]): Json {
  let result: Json = {};
  for (const doc of docs) result = mergeObject(result, doc, '');
  return result;
}

function mergeObject(base: Json, over: Json, path: string): Json {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    const prev = out[key];
    if (APPENDED_LISTS.has(keyPath) && Array.isArray(prev) && Array.isArray(value)) {
      out[key] = [...(prev as unknown[]), ...(value as unknown[])];
    } else if (isPlainObject(prev) && isPlainObject(value)) {
      out[key] = mergeObject(prev, value, keyPath);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
