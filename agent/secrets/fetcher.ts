// One fetch of one template dependency: KV preflight (cached per mount), the KV v2 shim, then read,
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
  /** Preflight answers per path for this token's lifetime. */
  readonly #mounts = new Map<string, MountInfo | null>();
  /** Mounts learnt so far; a path under one of them needs no preflight of its own. */
  readonly #known: MountInfo[] = [];
  readonly #pending = new Map<string, Promise<unknown>>();
  readonly #yieldToIo: () => Promise<void>;
  /** Resolves when the next request released by a preflight answer may go out. */
  #nextTurn: Promise<void> = Promise.resolve();

  constructor(client: VaultClient, yieldToIo: () => Promise<void> = yieldWithSetImmediate) {
    this.#client = client;
    this.#yieldToIo = yieldToIo;
  }

  forgetMounts(): void {
    this.#mounts.clear();
    this.#known.length = 0;
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
    const known = this.#mounts.get(path) ?? this.#byMount(path);
    if (known !== undefined) return known;
    // Vault forbids nested mounts, so one answer covers every path under that mount. Paths that
    // share a first segment wait for a preflight already on its way instead of sending their own.
    const segment = path.split('/')[0] ?? '';
    const pending = this.#pending.get(segment);
    if (pending !== undefined) {
      await pending.catch(() => undefined);
      const found = this.#mounts.get(path) ?? this.#byMount(path);
      if (found !== undefined) {
        await this.#turn();
        return found;
      }
    }
    const asked = this.#client.mountInfo(token, path);
    this.#pending.set(segment, asked);
    try {
      const info = (await asked) ?? null;
      this.#mounts.set(path, info);
      if (info?.mountPath !== undefined) this.#known.push(info);
      await this.#turn();
      return info;
    } finally {
      if (this.#pending.get(segment) === asked) this.#pending.delete(segment);
    }
  }

  /**
   * One preflight answer releases every path that waited for it at once (15 reads at an init's
   * start). Building a request is CPU work and its bytes leave only on an event-loop turn, so the
   * requests go out one per turn, in the order they asked: the first template's read is on the
   * wire, and its answer can come back, before the others are built.
   */
  async #turn(): Promise<void> {
    const mine = this.#nextTurn;
    this.#nextTurn = mine.then(this.#yieldToIo);
    await mine;
  }

  #byMount(path: string): MountInfo | undefined {
    return this.#known.find((m) => m.mountPath !== undefined && m.mountPath !== '' && path.startsWith(m.mountPath));
  }
}

const yieldWithSetImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
