// An in-memory Vault behind the VaultTransport port, for runner unit tests with a ManualClock:
// Kubernetes login, token renew/lookup/revoke with TTL and max TTL, KV v1 (mount `kv/`), KV v2
// (mount `secret/`), database creds with real leases (mount `database/`), lease renewal capped at
// max TTL, sealing and failure injection. Answers with Vault's status codes and error bodies.
import type { Clock } from '../../shared/clock.ts';
import type { VaultHttpRequest, VaultHttpResponse, VaultTransport } from '../../agent/vault/client.ts';
import { VaultError } from '../../agent/errors.ts';

export interface InMemoryVaultOptions {
  readonly jwt?: string;
  readonly role?: string;
  readonly tokenTtl?: number;
  readonly tokenMaxTtl?: number;
  readonly leaseTtl?: number;
  readonly leaseMaxTtl?: number;
}

interface Token { readonly accessor: string; expiresAt: number; readonly maxAt: number; revoked: boolean }
interface Lease { readonly token: string; expiresAt: number; readonly maxAt: number; revoked: boolean }

const err = (status: number, ...errors: string[]): VaultHttpResponse => ({ status, body: { errors } });
const ok = (body: Record<string, unknown>): VaultHttpResponse => ({
  status: 200,
  body: { request_id: 'req', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...body },
});

export class InMemoryVault implements VaultTransport {
  readonly requests: { method: string; path: string }[] = [];
  readonly kv1 = new Map<string, Record<string, unknown>>();
  readonly kv2 = new Map<string, Record<string, unknown>>();
  readonly tokens = new Map<string, Token>();
  readonly leases = new Map<string, Lease>();
  sealed = false;
  /** Connection failures for the next N requests. */
  dropNext = 0;
  readonly #clock: Clock;
  readonly #o: Required<InMemoryVaultOptions>;
  #seq = 0;

  constructor(clock: Clock, options: InMemoryVaultOptions = {}) {
    this.#clock = clock;
    this.#o = { jwt: 'jwt-fixture', role: 'app', tokenTtl: 60, tokenMaxTtl: 600, leaseTtl: 30, leaseMaxTtl: 120, ...options };
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  send(req: VaultHttpRequest): Promise<VaultHttpResponse> {
    this.requests.push({ method: req.method, path: req.path });
    if (this.dropNext > 0) {
      this.dropNext--;
      return Promise.reject(new VaultError({ status: 0, path: req.path, retryable: true, detail: 'ECONNREFUSED' }));
    }
    if (this.sealed) return Promise.resolve(err(503, 'Vault is sealed'));
    return Promise.resolve(this.#route(req));
  }

  close(): void {}

  #now(): number {
    return this.#clock.now();
  }

  #valid(token: string | undefined): Token | undefined {
    const t = token === undefined ? undefined : this.tokens.get(token);
    return t !== undefined && !t.revoked && t.expiresAt > this.#now() ? t : undefined;
  }

  #route(req: VaultHttpRequest): VaultHttpResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.path === 'auth/kubernetes/login') return this.#login(body);
    const token = this.#valid(req.token);
    if (token === undefined) return err(403, '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n');
    const now = this.#now();
    switch (req.path) {
      case 'auth/token/renew-self': {
        token.expiresAt = Math.min(token.maxAt, now + this.#o.tokenTtl * 1000);
        return ok({ auth: { client_token: req.token, accessor: token.accessor, lease_duration: Math.round((token.expiresAt - now) / 1000), renewable: true } });
      }
      case 'auth/token/lookup-self':
        return ok({ data: { accessor: token.accessor, ttl: Math.round((token.expiresAt - now) / 1000), renewable: true } });
      case 'auth/token/revoke-self':
        token.revoked = true;
        for (const l of this.leases.values()) if (l.token === req.token) l.revoked = true;
        return { status: 204, body: null };
      case 'sys/leases/renew': {
        const id = String(body['lease_id']);
        const lease = this.leases.get(id);
        if (lease === undefined || lease.revoked || lease.expiresAt <= now) return err(400, 'lease not found');
        lease.expiresAt = Math.min(lease.maxAt, now + this.#o.leaseTtl * 1000);
        return ok({ lease_id: id, renewable: true, lease_duration: Math.round((lease.expiresAt - now) / 1000) });
      }
    }
    if (req.path.startsWith('sys/internal/ui/mounts/')) {
      const p = req.path.slice('sys/internal/ui/mounts/'.length);
      if (p.startsWith('secret/')) return ok({ data: { type: 'kv', path: 'secret/', options: { version: '2' } } });
      if (p.startsWith('kv/')) return ok({ data: { type: 'kv', path: 'kv/', options: null } });
      if (p.startsWith('database/')) return ok({ data: { type: 'database', path: 'database/', options: null } });
      return err(403, 'preflight capability check returned 403');
    }
    if (req.path.startsWith('secret/data/')) {
      const data = this.kv2.get(req.path.slice('secret/data/'.length));
      return data === undefined ? err(404) : ok({ data: { data, metadata: { version: 1, deletion_time: '', destroyed: false } } });
    }
    if (req.path.startsWith('kv/')) {
      const data = this.kv1.get(req.path.slice('kv/'.length));
      return data === undefined ? err(404) : ok({ data, lease_duration: 2764800 });
    }
    if (req.path.startsWith('database/creds/')) {
      const id = `${req.path}/${++this.#seq}`;
      this.leases.set(id, { token: req.token ?? '', expiresAt: now + this.#o.leaseTtl * 1000, maxAt: now + this.#o.leaseMaxTtl * 1000, revoked: false });
      return ok({ lease_id: id, renewable: true, lease_duration: this.#o.leaseTtl, data: { username: `user-${this.#seq}`, password: `pw-${this.#seq}` } });
    }
    return err(404, `no handler for route "${req.path}". route entry not found.`);
  }

  #login(body: Record<string, unknown>): VaultHttpResponse {
    if (body['role'] !== this.#o.role) return err(400, `invalid role name "${String(body['role'])}"`);
    if (body['jwt'] !== this.#o.jwt) return err(403, 'permission denied');
    const token = `hvs.token-${++this.#seq}`;
    const now = this.#now();
    this.tokens.set(token, { accessor: `acc-${this.#seq}`, expiresAt: now + this.#o.tokenTtl * 1000, maxAt: now + this.#o.tokenMaxTtl * 1000, revoked: false });
    return ok({ auth: { client_token: token, accessor: `acc-${this.#seq}`, lease_duration: this.#o.tokenTtl, renewable: true } });
  }
}
