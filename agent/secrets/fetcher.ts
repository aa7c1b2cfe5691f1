// One fetch of one template dependency: KV preflight (cached per path), the KV v2 shim, then read,
// write, list or PKI issue. No retries here; the caller owns the retry policy.
import type { SecretRequest, VaultResponse } from '../render/engine.ts';
import type { MountInfo, VaultClient } from '../vault/client.ts';
import { isRecord } from '../vault/client.ts';
import { FetchFailedError } from '../errors.ts';
import { shimKvV2Path, splitQuery } from './kv-path.ts';

export interface Fetched {
  readonly response: VaultResponse;
  /** The path is on a KV v1 mount (refresh rule for KV v1 without ttl). */
  readonly kvV1: boolean;
}

export class SecretFetcher {
  readonly #client: VaultClient;
  /** Preflight answers per path for this token's lifetime (spec §6 #10: no repeated preflights). */
  readonly #mounts = new Map<string, MountInfo | null>();

  constructor(client: VaultClient) {
    this.#client = client;
  }

  forgetMounts(): void {
    this.#mounts.clear();
  }

  async fetch(token: string, request: SecretRequest): Promise<Fetched> {
    const { path, query } = splitQuery(request.path.replace(/^\/+/, ''));
    if (request.kind === 'pkiCert') {
      return { response: await this.#client.write(token, path, request.params), kvV1: false };
    }
    const mount = await this.#mount(token, path);
    const kvV2 = mount !== null && mount.type === 'kv' && mount.kvVersion === '2' && mount.mountPath !== undefined;
    const kvV1 = mount !== null && mount.type === 'kv' && !kvV2;
    if (request.kind === 'secrets') {
      const listPath = kvV2 ? shimKvV2Path(path, mount.mountPath ?? '', 'list') : path;
      const listed = await this.#client.list(token, listPath);
      return { response: listed ?? emptyListing(), kvV1 };
    }
    const hasParams = Object.keys(request.params).length > 0;
    const target = (kvV2 ? shimKvV2Path(path, mount.mountPath ?? '', 'read') : path) + (hasParams ? '' : query);
    if (hasParams) {
      const body = kvV2 ? { data: request.params } : request.params;
      return { response: await this.#client.write(token, target, body), kvV1 };
    }
    const response = await this.#client.read(token, target);
    if (response === undefined || isDeletedKvV2(response)) {
      throw new FetchFailedError(request.path, `no secret exists at ${request.path}`);
    }
    return { response, kvV1 };
  }

  async #mount(token: string, path: string): Promise<MountInfo | null> {
    const known = this.#mounts.get(path);
    if (known !== undefined) return known;
    const info = (await this.#client.mountInfo(token, path)) ?? null;
    this.#mounts.set(path, info);
    return info;
  }
}

function emptyListing(): VaultResponse {
  return { lease_id: '', lease_duration: 0, renewable: false, data: { keys: [] } };
}

/** KV v2 latest version soft-deleted or destroyed: Vault Agent reports "no secret exists". */
function isDeletedKvV2(response: VaultResponse): boolean {
  const data = response.data;
  if (!isRecord(data) || !('metadata' in data) || !('data' in data)) return false;
  const meta = data['metadata'];
  if (data['data'] !== null || !isRecord(meta)) return false;
  return meta['destroyed'] === true || (typeof meta['deletion_time'] === 'string' && meta['deletion_time'] !== '');
}
