// AppRole login: role_id and secret_id (Vault's builtin/credential/approle). Secret IDs are seeded
// (or bound off with bind_secret_id: false) and may be limited in uses. Errors as Vault words
// them: a wrong role ID and a wrong secret ID give the same answer, so neither can be probed.
import { randomUUID } from 'node:crypto';
import { badRequest, envelope, unsupportedOperation, unsupportedPath } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface AppRoleRole extends TokenRole {
  readonly name: string;
  readonly roleId: string;
  readonly bindSecretId: boolean;
  /** Secret ID → uses left (0 = unlimited). */
  readonly secretIds: Map<string, number>;
  /** Uses of each new secret ID (0 = unlimited). */
  readonly secretIdNumUses: number;
}

export class AppRoleAuth {
  readonly #byRoleId = new Map<string, AppRoleRole>();
  readonly #byName = new Map<string, AppRoleRole>();
  readonly #issuer: LoginIssuer;

  constructor(opts: { mount: string; roles: readonly AppRoleRole[]; tokens: TokenStore }) {
    for (const role of opts.roles) {
      this.#byRoleId.set(role.roleId, role);
      this.#byName.set(role.name, role);
    }
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'approle');
  }

  /** `role/<name>/secret-id`: a new secret ID (wrap it with X-Vault-Wrap-TTL for the agent's wrapping path). */
  handle(method: string, route: string): VaultResponse {
    const m = /^role\/([^/]+)\/secret-id$/.exec(route);
    if (m === null) return unsupportedPath;
    if (method !== 'PUT' && method !== 'POST') return unsupportedOperation;
    const role = this.#byName.get(m[1] ?? '');
    if (role === undefined) return badRequest(`role ${JSON.stringify(m[1] ?? '')} does not exist`);
    const secretId = randomUUID();
    role.secretIds.set(secretId, role.secretIdNumUses);
    return envelope({
      data: {
        secret_id: secretId,
        secret_id_accessor: randomUUID(),
        secret_id_num_uses: role.secretIdNumUses,
        secret_id_ttl: 0,
      },
      mountType: 'approle',
    });
  }

  login(body: Readonly<Record<string, unknown>>): VaultResponse {
    const roleId = typeof body['role_id'] === 'string' ? body['role_id'].trim() : '';
    const secretId = typeof body['secret_id'] === 'string' ? body['secret_id'].trim() : '';
    if (roleId === '') return badRequest('missing role_id');
    const role = this.#byRoleId.get(roleId);
    if (role === undefined) return badRequest('invalid role or secret ID');
    if (role.bindSecretId) {
      if (secretId === '') return badRequest('missing secret_id');
      const uses = role.secretIds.get(secretId);
      if (uses === undefined) return badRequest('invalid role or secret ID');
      if (uses === 1) role.secretIds.delete(secretId);
      else if (uses > 1) role.secretIds.set(secretId, uses - 1);
    }
    return this.#issuer.issue(role, roleId, { role_name: role.name }, role.name);
  }
}
