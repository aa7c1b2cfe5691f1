// The token a successful login gets, in Vault's response shape, shared by the auth methods other
// than Kubernetes: policies from the role (plus `default`), the role's TTLs, one entity per alias.
import { randomUUID } from 'node:crypto';
import { envelope } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';

/** A role's token settings, as Vault's tokenutil fields. Seconds. */
export interface TokenRole {
  readonly policies: readonly string[];
  readonly ttl: number;
  readonly maxTtl: number;
  readonly noDefaultPolicy: boolean;
}

export class LoginIssuer {
  readonly #tokens: TokenStore;
  readonly #mount: string;
  readonly #mountType: string;
  readonly #entities = new Map<string, string>();

  constructor(tokens: TokenStore, mount: string, mountType: string) {
    this.#tokens = tokens;
    this.#mount = mount;
    this.#mountType = mountType;
  }

  issue(
    role: TokenRole,
    alias: string,
    metadata: Readonly<Record<string, string>>,
    displaySuffix: string,
  ): VaultResponse {
    const policies = [...new Set([...role.policies, ...(role.noDefaultPolicy ? [] : ['default'])])].sort();
    let entityId = this.#entities.get(alias);
    if (entityId === undefined) {
      entityId = randomUUID();
      this.#entities.set(alias, entityId);
    }
    const token = this.#tokens.create({
      policies,
      meta: metadata,
      displayName: `${this.#mount}-${displaySuffix}`,
      path: `auth/${this.#mount}/login`,
      entityId,
      ttl: role.ttl,
      maxTtl: role.maxTtl,
    });
    return envelope({
      auth: {
        client_token: token.id,
        accessor: token.accessor,
        policies,
        token_policies: policies,
        metadata,
        lease_duration: token.creationTtl,
        renewable: true,
        entity_id: entityId,
        token_type: 'service',
        orphan: true,
        num_uses: 0,
      },
      mountType: this.#mountType,
    });
  }
}
