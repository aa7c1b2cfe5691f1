// KV version 1: plain key/value at any path. Reads report the mount's default lease (32 days)
// unless the data carries a `ttl` key, as Vault does; no lease is created.
import { isWrite, type Engine, type EngineRequest, type MountInfo } from './engine.ts';
import { envelope, noContent, notFound, unsupportedOperation } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import { SYSTEM_MAX_TTL } from '../tokens.ts';
import { parseIncrement } from '../ttl.ts';
import { listChildren } from './list-keys.ts';

export class KvV1Engine implements Engine {
  readonly info: MountInfo;
  readonly #data = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(info: MountInfo, seed: Readonly<Record<string, Readonly<Record<string, unknown>>>>) {
    this.info = info;
    for (const [path, data] of Object.entries(seed)) this.write(path, data);
  }

  write(path: string, data: Readonly<Record<string, unknown>>): void {
    this.#data.set(path.replace(/^\/+|\/+$/g, ''), structuredClone(data));
  }

  handle(req: EngineRequest): VaultResponse {
    if (req.method === 'LIST') {
      const keys = listChildren(this.#data.keys(), req.subpath);
      return keys.length === 0 ? notFound : envelope({ data: { keys }, mountType: 'kv' });
    }
    if (req.method === 'GET') {
      const data = this.#data.get(req.subpath);
      if (data === undefined) return notFound;
      const ttl = parseIncrement(data['ttl']);
      return envelope({ data, leaseDuration: ttl === undefined || ttl === 0 ? SYSTEM_MAX_TTL : ttl, mountType: 'kv' });
    }
    if (isWrite(req.method)) {
      this.write(req.subpath, req.body);
      return noContent;
    }
    if (req.method === 'DELETE') {
      this.#data.delete(req.subpath);
      return noContent;
    }
    return unsupportedOperation;
  }
}
