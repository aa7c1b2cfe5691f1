// AppRole login: role_id and secret_id (Vault's builtin/credential/approle). Secret IDs are seeded
// (or bound off with bind_secret_id: false) and may be limited in uses. Errors as Vault words
// them: a wrong role ID and a wrong secret ID give the same answer, so neither can be probed.
import { badRequest } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface AppRoleRole extends TokenRole {
  readonly name: string;
  readonly roleId: string;
  readonly bindSecretId: boolean;
  /** Secret ID → uses left (0 = unlimited). */
  readonly secretIds: Map<string, number>;
}

export class AppRoleAuth {
  readonly #byRoleId = new Map<string, AppRoleRole>();
  readonly #issuer: LoginIssuer;

  constructor(opts: { mount: string; roles: readonly AppRoleRole[]; tokens: TokenStore }) {
    for (const role of opts.roles) this.#byRoleId.set(role.roleId, role);
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'approle');
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
