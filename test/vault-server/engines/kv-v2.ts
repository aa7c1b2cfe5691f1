// KV version 2: versioned secrets under data/, metadata/, delete/, undelete/, destroy/. Response
// shapes, including the 404 envelopes for deleted versions and for paths without data/, follow
// Vault.
import { isWrite, type Engine, type EngineRequest, type MountInfo } from './engine.ts';
import { badRequest, envelope, noContent, notFound, unsupportedOperation } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import { rfc3339Nano } from '../time-format.ts';
import { listChildren } from './list-keys.ts';

interface Version {
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdMs: number;
  deletionMs: number | null;
  destroyed: boolean;
}

interface Secret {
  readonly versions: Map<number, Version>;
  currentVersion: number;
  oldestVersion: number;
  readonly createdMs: number;
  updatedMs: number;
  customMetadata: Readonly<Record<string, string>> | null;
  maxVersions: number;
  casRequired: boolean;
}

const DEFAULT_MAX_VERSIONS = 10;

export const INVALID_V2_PATH_WARNING =
  "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function versionList(body: Readonly<Record<string, unknown>>): number[] | undefined {
  const v = body['versions'];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : typeof v === 'number' ? [v] : undefined;
  const numbers = list?.map(Number);
  return numbers === undefined || numbers.length === 0 || numbers.some((n) => !Number.isInteger(n)) ? undefined : numbers;
}

export class KvV2Engine implements Engine {
  readonly info: MountInfo;
  readonly #now: () => number;
  readonly #secrets = new Map<string, Secret>();

  constructor(info: MountInfo, now: () => number, seed: Readonly<Record<string, Readonly<Record<string, unknown>>>>) {
    this.info = info;
    this.#now = now;
    for (const [path, data] of Object.entries(seed)) this.write(path, data);
  }

  /** Writes a new version and returns its number. */
  write(path: string, data: Readonly<Record<string, unknown>>): number {
    const key = path.replace(/^\/+|\/+$/g, '');
    const now = this.#now();
    let secret = this.#secrets.get(key);
    if (secret === undefined) {
      secret = { versions: new Map(), currentVersion: 0, oldestVersion: 0, createdMs: now, updatedMs: now, customMetadata: null, maxVersions: 0, casRequired: false };
      this.#secrets.set(key, secret);
    }
    secret.currentVersion += 1;
    secret.updatedMs = now;
    secret.versions.set(secret.currentVersion, { data: structuredClone(data), createdMs: now, deletionMs: null, destroyed: false });
    const keep = secret.maxVersions > 0 ? secret.maxVersions : DEFAULT_MAX_VERSIONS;
    for (const n of [...secret.versions.keys()]) {
      if (n <= secret.currentVersion - keep) secret.versions.delete(n);
    }
    if (secret.versions.size < secret.currentVersion) secret.oldestVersion = Math.min(...secret.versions.keys());
    return secret.currentVersion;
  }

  handle(req: EngineRequest): VaultResponse {
    const slash = req.subpath.indexOf('/');
    const op = slash === -1 ? req.subpath : req.subpath.slice(0, slash);
    const path = slash === -1 ? '' : req.subpath.slice(slash + 1);
    switch (op) {
      case 'data': return this.#data(req, path);
      case 'metadata': return this.#metadata(req, path);
      case 'delete': return this.#versions(req, path, (v) => { v.deletionMs ??= this.#now(); });
      case 'undelete': return this.#versions(req, path, (v) => { if (!v.destroyed) v.deletionMs = null; });
      case 'destroy': return this.#versions(req, path, (v) => { v.destroyed = true; });
      case 'config':
        if (req.method !== 'GET') return unsupportedOperation;
        return envelope({ data: { cas_required: false, delete_version_after: '0s', max_versions: 0 }, mountType: 'kv' });
      default:
        return envelope({ status: 404, warnings: [INVALID_V2_PATH_WARNING], mountType: 'kv' });
    }
  }

  #versionMetadata(secret: Secret, n: number, v: Version): Record<string, unknown> {
    return {
      created_time: rfc3339Nano(v.createdMs),
      custom_metadata: secret.customMetadata,
      deletion_time: v.deletionMs === null ? '' : rfc3339Nano(v.deletionMs),
      destroyed: v.destroyed,
      version: n,
    };
  }

  #data(req: EngineRequest, path: string): VaultResponse {
    if (req.method === 'GET') return this.#read(path, req.query.get('version'));
    if (isWrite(req.method)) return this.#writeRequest(path, req.body);
    if (req.method === 'DELETE') {
      const secret = this.#secrets.get(path);
      const latest = secret?.versions.get(secret.currentVersion);
      if (latest !== undefined) latest.deletionMs ??= this.#now();
      return noContent;
    }
    return unsupportedOperation;
  }

  #read(path: string, versionParam: string | null): VaultResponse {
    const secret = this.#secrets.get(path);
    if (secret === undefined) return notFound;
    const n = versionParam === null || versionParam === '0' ? secret.currentVersion : Number(versionParam);
    const v = secret.versions.get(n);
    if (v === undefined) return notFound;
    const metadata = this.#versionMetadata(secret, n, v);
    const gone = v.destroyed || (v.deletionMs !== null && v.deletionMs <= this.#now());
    if (gone) return envelope({ status: 404, data: { data: null, metadata }, mountType: 'kv' });
    return envelope({ data: { data: v.data, metadata }, mountType: 'kv' });
  }

  #writeRequest(path: string, body: Readonly<Record<string, unknown>>): VaultResponse {
    const data = body['data'];
    if (!isObject(data)) return badRequest('no data provided');
    const secret = this.#secrets.get(path);
    const options = isObject(body['options']) ? body['options'] : {};
    const cas = options['cas'];
    if (cas === undefined && secret?.casRequired === true) return badRequest('check-and-set parameter required for this call');
    if (cas !== undefined && Number(cas) !== (secret?.currentVersion ?? 0)) {
      return badRequest('check-and-set parameter did not match the current version');
    }
    const n = this.write(path, data);
    const written = this.#secrets.get(path);
    const v = written?.versions.get(n);
    if (written === undefined || v === undefined) return notFound;
    return envelope({ data: this.#versionMetadata(written, n, v), mountType: 'kv' });
  }

  #metadata(req: EngineRequest, path: string): VaultResponse {
    if (req.method === 'LIST') {
      const keys = listChildren(this.#secrets.keys(), path);
      return keys.length === 0 ? notFound : envelope({ data: { keys }, mountType: 'kv' });
    }
    if (req.method === 'DELETE') {
      this.#secrets.delete(path);
      return noContent;
    }
    const secret = this.#secrets.get(path);
    if (isWrite(req.method)) return this.#writeMetadata(path, secret, req.body);
    if (req.method !== 'GET') return unsupportedOperation;
    if (secret === undefined) return notFound;
    const versions: Record<string, unknown> = {};
    for (const [n, v] of secret.versions) {
      versions[String(n)] = { created_time: rfc3339Nano(v.createdMs), deletion_time: v.deletionMs === null ? '' : rfc3339Nano(v.deletionMs), destroyed: v.destroyed };
    }
    return envelope({
      data: {
        cas_required: secret.casRequired, created_time: rfc3339Nano(secret.createdMs), current_version: secret.currentVersion,
        custom_metadata: secret.customMetadata, delete_version_after: '0s', max_versions: secret.maxVersions,
        oldest_version: secret.oldestVersion, updated_time: rfc3339Nano(secret.updatedMs), versions,
      },
      mountType: 'kv',
    });
  }

  #writeMetadata(path: string, existing: Secret | undefined, body: Readonly<Record<string, unknown>>): VaultResponse {
    const now = this.#now();
    const secret = existing ?? { versions: new Map(), currentVersion: 0, oldestVersion: 0, createdMs: now, updatedMs: now, customMetadata: null, maxVersions: 0, casRequired: false };
    const custom = body['custom_metadata'];
    if (custom !== undefined && !isObject(custom)) return badRequest('custom_metadata must be a map of strings');
    if (isObject(custom)) secret.customMetadata = Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, String(v)]));
    if (body['max_versions'] !== undefined) secret.maxVersions = Number(body['max_versions']);
    if (body['cas_required'] !== undefined) secret.casRequired = body['cas_required'] === true || body['cas_required'] === 'true';
    secret.updatedMs = now;
    this.#secrets.set(path, secret);
    return noContent;
  }

  #versions(req: EngineRequest, path: string, change: (v: Version) => void): VaultResponse {
    if (!isWrite(req.method)) return unsupportedOperation;
    const numbers = versionList(req.body);
    if (numbers === undefined) return badRequest('no version number provided');
    const secret = this.#secrets.get(path);
    for (const n of numbers) {
      const v = secret?.versions.get(n);
      if (v !== undefined) change(v);
    }
    return noContent;
  }
}
