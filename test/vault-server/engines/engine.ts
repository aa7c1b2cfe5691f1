// What a secrets engine mount sees of a request, and what it tells sys/internal/ui/mounts.
import type { VaultResponse } from '../http-types.ts';
import type { TokenEntry } from '../tokens.ts';

export interface EngineRequest {
  /** GET, LIST, PUT, POST or DELETE. */
  readonly method: string;
  /** Path inside the mount (after `secret/`). */
  readonly subpath: string;
  /** Full path after /v1/, for error texts and lease ids. */
  readonly fullPath: string;
  readonly query: URLSearchParams;
  readonly body: Readonly<Record<string, unknown>>;
  readonly token: TokenEntry;
}

export interface MountInfo {
  readonly type: string;
  readonly description: string;
  readonly options: Readonly<Record<string, string>> | null;
  readonly runningPluginVersion: string;
  readonly accessor: string;
  readonly uuid: string;
}

export interface Engine {
  readonly info: MountInfo;
  handle(req: EngineRequest): VaultResponse | Promise<VaultResponse>;
}

export function isWrite(method: string): boolean {
  return method === 'PUT' || method === 'POST';
}
