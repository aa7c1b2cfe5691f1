// The agent's Vault client: typed calls over a one-exchange transport port (the HTTP adapter is
// http-transport.ts; tests hand in fakes). It turns statuses into VaultError, checks the shape of
// every response it relies on, and applies the Go API client's retry rules.
import type { VaultResponse } from '../render/engine.ts';
import type { Clock } from '../../shared/clock.ts';
import { sleep } from '../../shared/clock.ts';
import type { Random } from '../../shared/backoff.ts';
import { VaultError, VaultShapeError } from '../errors.ts';
import { plainNumber } from './json-number.ts';

export type VaultMethod = 'GET' | 'PUT' | 'DELETE';

export interface VaultHttpRequest {
  readonly method: VaultMethod;
  /** Path under /v1/, no leading slash, e.g. `auth/kubernetes/login` (may end in `?query`). */
  readonly path: string;
  readonly token?: string;
  /** X-Vault-Namespace; undefined = none. */
  readonly namespace?: string;
  readonly body?: unknown;
}

export interface VaultHttpResponse {
  readonly status: number;
  /** Parsed JSON body, or null for an empty body. */
  readonly body: unknown;
}

/** One HTTP exchange with Vault. Rejects with VaultError(status 0) only when no response came. */
export interface VaultTransport {
  send(request: VaultHttpRequest): Promise<VaultHttpResponse>;
  close(): void;
}

export interface TokenInfo {
  readonly clientToken: string;
  readonly accessor: string;
  /** Seconds; 0 = does not expire. */
  readonly leaseDuration: number;
  readonly renewable: boolean;
  readonly warnings: readonly string[];
}

export interface MountInfo {
  readonly type: string;
  /** `"2"` for KV v2, else `"1"`. */
  readonly kvVersion: string;
  /** The mount the path lives under, e.g. `secret/` (used to insert `data/` after it). */
  readonly mountPath?: string;
}

export interface LeaseRenewal {
  readonly leaseId: string;
  readonly leaseDuration: number;
  readonly renewable: boolean;
}

export interface VaultClientOptions {
  readonly transport: VaultTransport;
  readonly clock: Clock;
  readonly random: Random;
  /** Namespace for everything except login (auto-auth has its own). */
  readonly namespace?: string;
  /** Go client default: 2 retries 1–1.5 s apart on connection errors, 412, 429, 5xx except 501. */
  readonly retries?: number;
}

/** Statuses the Go API client retries (and so do we): connection errors, 412, 429, 5xx but 501. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 412 || status === 429 || (status >= 500 && status !== 501);
}

export class VaultClient {
  readonly #transport: VaultTransport;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #namespace: string | undefined;
  readonly #retries: number;

  constructor(options: VaultClientOptions) {
    this.#transport = options.transport;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#namespace = options.namespace;
    this.#retries = options.retries ?? 2;
  }

  /** Kubernetes login. No client retries: auto-auth owns its backoff. */
  async login(init: { mountPath: string; role: string; jwt: string; namespace?: string }): Promise<TokenInfo> {
    const path = `${init.mountPath}/login`;
    const body = await this.#call({ method: 'PUT', path, body: { jwt: init.jwt, role: init.role }, ...ns(init.namespace) }, 0);
    return tokenInfo(path, body);
  }

  /** Any auth method's login: `PUT /v1/<path>` with its body and no token; no client retries either. */
  async loginWith(init: { path: string; body: Readonly<Record<string, unknown>>; namespace?: string }): Promise<TokenInfo> {
    const body = await this.#call({ method: 'PUT', path: init.path, body: init.body, ...ns(init.namespace) }, 0);
    return tokenInfo(init.path, body);
  }

  /**
   * sys/wrapping/lookup, unauthenticated with the wrapping token in the body (as Vault Agent asks,
   * so the single-use token is not spent): where the wrapped response was created.
   */
  async wrappingLookup(wrappingToken: string): Promise<{ creationPath: string }> {
    const path = 'sys/wrapping/lookup';
    const body = await this.#call({ method: 'PUT', path, body: { token: wrappingToken }, ...ns(this.#namespace) }, this.#retries);
    const data = field(body, 'data');
    const creationPath = isRecord(data) ? data['creation_path'] : undefined;
    if (typeof creationPath !== 'string') throw new VaultShapeError(path, 'no data.creation_path');
    return { creationPath };
  }

  async renewSelf(token: string, namespace?: string): Promise<TokenInfo> {
    const path = 'auth/token/renew-self';
    const body = await this.#call({ method: 'PUT', path, token, body: { increment: 0 }, ...ns(namespace ?? this.#namespace) }, 0);
    return tokenInfo(path, body);
  }

  /** Validates a token and tells its remaining TTL (used to adopt the init container's token). */
  async lookupSelf(token: string, namespace?: string): Promise<{ ttl: number; renewable: boolean; accessor: string }> {
    const path = 'auth/token/lookup-self';
    const body = await this.#call({ method: 'GET', path, token, ...ns(namespace ?? this.#namespace) }, this.#retries);
    const data = field(body, 'data');
    const ttl = isRecord(data) ? plainNumber(data['ttl']) : undefined;
    if (!isRecord(data) || ttl === undefined) throw new VaultShapeError(path, 'no data.ttl');
    return { ttl, renewable: data['renewable'] === true, accessor: typeof data['accessor'] === 'string' ? data['accessor'] : '' };
  }

  async revokeSelf(token: string, namespace?: string): Promise<void> {
    await this.#call({ method: 'PUT', path: 'auth/token/revoke-self', token, ...ns(namespace ?? this.#namespace) }, this.#retries);
  }

  /** KV version detection preflight; undefined when Vault will not say (403/404: assume KV v1). */
  async mountInfo(token: string, path: string): Promise<MountInfo | undefined> {
    try {
      const body = await this.#call({ method: 'GET', path: `sys/internal/ui/mounts/${path}`, token, ...ns(this.#namespace) }, 0);
      const data = field(body, 'data');
      if (!isRecord(data)) return undefined;
      const options = data['options'];
      const version = isRecord(options) && typeof options['version'] === 'string' ? options['version'] : '1';
      const mountPath = typeof data['path'] === 'string' ? data['path'] : '';
      return { type: typeof data['type'] === 'string' ? data['type'] : '', kvVersion: version, ...(mountPath === '' ? {} : { mountPath }) };
    } catch (err) {
      if (err instanceof VaultError && (err.status === 403 || err.status === 404)) return undefined;
      throw err;
    }
  }

  /** GET; undefined when Vault has no secret there (404 without data or warnings, as the Go client). */
  async read(token: string, path: string): Promise<VaultResponse | undefined> {
    return this.#readLike({ method: 'GET', path, token, ...ns(this.#namespace) });
  }

  /** LIST, sent as the Go client does: `GET <path>?list=true` (Node's HTTP parser refuses the LIST verb). */
  async list(token: string, path: string): Promise<VaultResponse | undefined> {
    return this.#readLike({ method: 'GET', path: `${path}?list=true`, token, ...ns(this.#namespace) });
  }

  async write(token: string, path: string, data: Readonly<Record<string, unknown>>): Promise<VaultResponse> {
    const body = await this.#call({ method: 'PUT', path, token, body: data, ...ns(this.#namespace) }, 0);
    return secretResponse(path, body);
  }

  async renewLease(token: string, leaseId: string): Promise<LeaseRenewal> {
    const path = 'sys/leases/renew';
    const body = await this.#call({ method: 'PUT', path, token, body: { increment: 0, lease_id: leaseId }, ...ns(this.#namespace) }, 0);
    const duration = plainNumber(field(body, 'lease_duration'));
    if (duration === undefined) throw new VaultShapeError(path, 'no lease_duration');
    return { leaseId, leaseDuration: duration, renewable: field(body, 'renewable') === true };
  }

  close(): void {
    this.#transport.close();
  }

  async #readLike(request: VaultHttpRequest): Promise<VaultResponse | undefined> {
    try {
      const body = await this.#call(request, 0);
      return secretResponse(request.path, body);
    } catch (err) {
      if (err instanceof VaultError && err.status === 404 && err.vaultErrors.length === 0) return undefined;
      throw err;
    }
  }

  async #call(request: VaultHttpRequest, retries: number): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let error: VaultError;
      try {
        const response = await this.#transport.send(request);
        if (response.status < 400) return response.body;
        error = statusError(request.path, response);
      } catch (err) {
        if (!(err instanceof VaultError)) throw err;
        error = err;
      }
      if (!error.retryable || attempt >= retries) throw error;
      await sleep(this.#clock, 1000 + Math.round(500 * this.#random()));
    }
  }
}

function statusError(path: string, response: VaultHttpResponse): VaultError {
  const errors = field(response.body, 'errors');
  const list = Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
  // A 404 that carries data or warnings is a real answer (KV v2 deleted version, wrong KV v2 path).
  const warnings = field(response.body, 'warnings');
  if (response.status === 404 && list.length === 0 && Array.isArray(warnings) && warnings.length > 0) {
    return new VaultError({ status: 404, path, retryable: false, vaultErrors: warnings.filter((w): w is string => typeof w === 'string') });
  }
  return new VaultError({ status: response.status, path, retryable: isRetryableStatus(response.status), vaultErrors: list });
}

function tokenInfo(path: string, body: unknown): TokenInfo {
  const auth = field(body, 'auth');
  if (!isRecord(auth) || typeof auth['client_token'] !== 'string' || auth['client_token'] === '') {
    throw new VaultShapeError(path, 'no auth.client_token');
  }
  const warnings = field(body, 'warnings');
  return {
    clientToken: auth['client_token'],
    accessor: typeof auth['accessor'] === 'string' ? auth['accessor'] : '',
    leaseDuration: plainNumber(auth['lease_duration']) ?? 0,
    renewable: auth['renewable'] === true,
    warnings: Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [],
  };
}

function secretResponse(path: string, body: unknown): VaultResponse {
  if (!isRecord(body)) throw new VaultShapeError(path, 'empty body');
  const warnings = body['warnings'];
  return {
    ...(typeof body['request_id'] === 'string' ? { request_id: body['request_id'] } : {}),
    lease_id: typeof body['lease_id'] === 'string' ? body['lease_id'] : '',
    lease_duration: plainNumber(body['lease_duration']) ?? 0,
    renewable: body['renewable'] === true,
    data: body['data'] ?? null,
    warnings: Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : null,
    auth: body['auth'] ?? null,
    wrap_info: body['wrap_info'] ?? null,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(body: unknown, key: string): unknown {
  return isRecord(body) ? body[key] : undefined;
}

function ns(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined || namespace === '' ? {} : { namespace };
}
