// Where the agent's config comes from (`-config` files or directories, else VAULT_CONFIG as the
// webhook passes it) and how several files merge, as Vault Agent merges them: later files win for
// scalars, objects merge key by key, and the `template`, `listener` and `auto_auth.sink` lists are
// appended. A file is JSON when it ends in .json or its text starts with `{` (as HCL's own reader
// decides), HCL otherwise. Parse errors never quote the text: configs carry tokens and templates.
import { decodeAgentConfig } from '../../shared/agent-config.ts';
import { HclError } from './hcl/hcl-error.ts';
import { parseAgentHcl } from './hcl/agent-shape.ts';
import { configDirFiles } from './hcl/config-dir.ts';
import type { Json, Problems } from './problems.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

/** Entry names when the path is a directory, else undefined (hcl/config-dir.ts listConfigDir). */
export type ListConfigDir = (path: string) => readonly string[] | undefined;

/** Lists that Vault Agent appends across config files instead of replacing. */
const APPENDED_LISTS = new Set(['template', 'listener', 'auto_auth.sink']);

export function loadConfigDocuments(
  configPaths: readonly string[],
  vaultConfigEnv: string | undefined,
  readFile: (path: string) => string,
  problems: Problems,
  listDir: ListConfigDir = () => undefined,
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
    const entries = listDir(path);
    const files = entries === undefined ? [path] : configDirFiles(entries).map((name) => `${trimTrailing(path, '/')}/${name}`);
    if (files.length === 0) problems.add(`-config=${path}`, 'is a directory without .hcl or .json files');
    for (const file of files) {
      const doc = loadConfigFile(file, readFile, problems);
      if (doc !== undefined) docs.push(doc);
    }
  }
  return docs;
}

function loadConfigFile(path: string, readFile: (path: string) => string, problems: Problems): Json | undefined {
  let text: string;
  try {
    text = readFile(path);
  } catch {
    return problems.add(`-config=${path}`, 'cannot be read');
  }
  const doc = parseJsonObject(text);
  if (doc !== undefined) return doc;
  if (path.endsWith('.json')) return problems.add(`-config=${path}`, 'must hold a JSON object (a .json file is not read as HCL)');
  if (text.trimStart().startsWith('{')) return problems.add(`-config=${path}`, 'must hold a JSON object (text starting with "{" is read as JSON)');
  try {
    return parseAgentHcl(text);
  } catch (err) {
    if (err instanceof HclError) return problems.add(`-config=${path}`, err.message);
    throw err;
  }
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
