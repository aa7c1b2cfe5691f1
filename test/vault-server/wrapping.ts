// Response wrapping (X-Vault-Wrap-TTL, sys/wrapping/lookup, sys/wrapping/unwrap): a wrapped
// response is kept under a single-use wrapping token that expires with its TTL; lookup tells its
// creation path without spending it (what AppRole's secret_id_response_wrapping_path checks).
import { randomUUID } from 'node:crypto';
import { badRequest, json } from './responses.ts';
import type { VaultResponse } from './http-types.ts';
import { newAccessor, newRequestId, newServiceToken } from './ids.ts';
import { rfc3339Nano } from './time-format.ts';
import { parseVaultDuration } from '../../shared/parse/go-duration.ts';

interface Wrapped {
  readonly response: VaultResponse;
  readonly creationPath: string;
  readonly createdMs: number;
  readonly ttl: number;
}

const INVALID = badRequest('wrapping token is not valid or does not exist');

export class WrappingStore {
  readonly #now: () => number;
  readonly #byToken = new Map<string, Wrapped>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The answer to a request that asked for wrapping: the response kept, a wrap_info returned. */
  wrap(path: string, wrapTtl: string, response: VaultResponse): VaultResponse {
    if (response.status !== 200 || response.body === '') return response;
    let ttl: number;
    try {
      ttl = Math.floor(parseVaultDuration(wrapTtl) / 1000);
    } catch {
      return badRequest('error parsing X-Vault-Wrap-TTL');
    }
    if (ttl <= 0) return response;
    const token = newServiceToken();
    const createdMs = this.#now();
    this.#byToken.set(token, { response, creationPath: path, createdMs, ttl });
    const data = (JSON.parse(response.body) as { data?: Record<string, unknown> | null }).data;
    const wrappedAccessor = typeof data?.['secret_id_accessor'] === 'string' ? data['secret_id_accessor'] : '';
    return json(200, {
      request_id: newRequestId(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: {
        token,
        accessor: newAccessor(),
        ttl,
        creation_time: rfc3339Nano(createdMs),
        creation_path: path,
        wrapped_accessor: wrappedAccessor,
      },
      warnings: null,
      auth: null,
      mount_type: '',
    });
  }

  /** sys/wrapping/lookup: the token from the body, else from X-Vault-Token. Does not spend it. */
  lookup(bodyToken: unknown, headerToken: string | undefined): VaultResponse {
    const token = typeof bodyToken === 'string' && bodyToken !== '' ? bodyToken : headerToken;
    if (token === undefined || token === '') return badRequest('missing "token" value in input');
    const w = this.#live(token);
    if (w === undefined) return INVALID;
    return json(200, {
      request_id: newRequestId(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: { creation_path: w.creationPath, creation_time: rfc3339Nano(w.createdMs), creation_ttl: w.ttl },
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'system',
    });
  }

  /** sys/wrapping/unwrap with the wrapping token: the kept response, once. */
  unwrap(token: string): VaultResponse {
    const w = this.#live(token);
    this.#byToken.delete(token);
    if (w === undefined) return INVALID;
    return { ...w.response, body: w.response.body.replace(/"request_id":"[^"]*"/, `"request_id":"${randomUUID()}"`) };
  }

  #live(token: string): Wrapped | undefined {
    const w = this.#byToken.get(token);
    if (w === undefined) return undefined;
    if (this.#now() >= w.createdMs + w.ttl * 1000) {
      this.#byToken.delete(token);
      return undefined;
    }
    return w;
  }
}
