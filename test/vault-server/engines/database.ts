// The database secrets engine's dynamic roles: every read creates a new user and a real, renewable
// lease owned by the requesting token (so revoking the token revokes the credentials).
import type { Engine, EngineRequest, MountInfo } from './engine.ts';
import { badRequest, envelope, unsupportedOperation, unsupportedPath } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { LeaseStore } from '../leases.ts';
import { randomAlnum } from '../ids.ts';

export interface DatabaseRole {
  readonly defaultTtl: number;
  readonly maxTtl: number;
}

export interface IssuedCredential {
  readonly leaseId: string;
  readonly username: string;
}

export class DatabaseEngine implements Engine {
  readonly info: MountInfo;
  readonly #mount: string;
  readonly #roles: ReadonlyMap<string, DatabaseRole>;
  readonly #leases: LeaseStore;
  readonly #now: () => number;
  readonly issued: IssuedCredential[] = [];

  constructor(opts: { info: MountInfo; mount: string; roles: ReadonlyMap<string, DatabaseRole>; leases: LeaseStore; now: () => number }) {
    this.info = opts.info;
    this.#mount = opts.mount;
    this.#roles = opts.roles;
    this.#leases = opts.leases;
    this.#now = opts.now;
  }

  handle(req: EngineRequest): VaultResponse {
    const m = /^creds\/([^/]+)$/.exec(req.subpath);
    if (m === null) {
      if (req.subpath === 'roles' && req.method === 'LIST') return envelope({ data: { keys: [...this.#roles.keys()].sort() }, mountType: 'database' });
      return unsupportedPath;
    }
    if (req.method !== 'GET') return unsupportedOperation;
    const roleName = m[1] ?? '';
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`unknown role: ${roleName}`);
    const lease = this.#leases.create({
      path: `${this.#mount}/creds/${roleName}`, token: req.token, ttl: role.defaultTtl, maxTtl: role.maxTtl, renewable: true,
    });
    // Vault's default username template: v-<display name ≤8>-<role ≤8>-<20 random>-<unix time>, ≤63.
    const username = `v-${req.token.displayName.slice(0, 8)}-${roleName.slice(0, 8)}-${randomAlnum(20)}-${Math.floor(this.#now() / 1000)}`.slice(0, 63);
    this.issued.push({ leaseId: lease.id, username });
    return envelope({
      data: { password: `A1a-${randomAlnum(16)}`, username },
      leaseId: lease.id, renewable: true, leaseDuration: Math.round((lease.expireMs - lease.issueMs) / 1000), mountType: 'database',
    });
  }
}
