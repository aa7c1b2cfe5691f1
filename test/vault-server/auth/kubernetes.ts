// Kubernetes auth login: role lookup, JWT claims, service-account name and
// namespace binding, then a service token with the role's TTLs and policies. Error statuses and
// texts are Vault's. There is no TokenReview: the JWT is trusted once its claims check out.
import { randomUUID } from 'node:crypto';
import { badRequest, envelope, errors, permissionDenied } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import { decodeServiceAccountJwt } from '../jwt.ts';
import type { TokenStore } from '../tokens.ts';

export interface KubernetesRole {
  readonly boundNames: readonly string[];
  readonly boundNamespaces: readonly string[];
  readonly policies: readonly string[];
  readonly ttl: number;
  readonly maxTtl: number;
  readonly noDefaultPolicy: boolean;
  readonly audience: string | undefined;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

function bound(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => globMatch(p, value));
}

export class KubernetesAuth {
  readonly mount: string;
  readonly accessor: string;
  readonly #roles: ReadonlyMap<string, KubernetesRole>;
  readonly #tokens: TokenStore;
  readonly #now: () => number;
  /** One identity entity per service account uid, as Vault's alias lookup gives. */
  readonly #entities = new Map<string, string>();

  constructor(opts: { mount: string; roles: ReadonlyMap<string, KubernetesRole>; tokens: TokenStore; now: () => number }) {
    this.mount = opts.mount;
    this.accessor = `auth_kubernetes_${randomUUID().slice(0, 8)}`;
    this.#roles = opts.roles;
    this.#tokens = opts.tokens;
    this.#now = opts.now;
  }

  login(body: Readonly<Record<string, unknown>>): VaultResponse {
    const roleName = typeof body['role'] === 'string' ? body['role'] : '';
    const jwt = typeof body['jwt'] === 'string' ? body['jwt'].trim() : '';
    if (roleName === '') return badRequest('missing role');
    if (jwt === '') return badRequest('missing jwt');
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`invalid role name ${JSON.stringify(roleName)}`);
    const decoded = decodeServiceAccountJwt(jwt, this.#now());
    if (!decoded.ok) return errors(403, [decoded.message]);
    const sa = decoded.identity;
    if (role.audience !== undefined && !sa.audiences.includes(role.audience)) {
      return errors(403, ['invalid audience (aud) claim: audience claim does not match any expected audience']);
    }
    // Without a name or namespace the TokenReview Vault would make cannot succeed.
    if (sa.name === '' || sa.namespace === '') return permissionDenied;
    if (!bound(role.boundNames, sa.name)) return errors(403, ['service account name not authorized']);
    if (!bound(role.boundNamespaces, sa.namespace)) return errors(403, ['namespace not authorized']);
    const policies = [...new Set([...role.policies, ...(role.noDefaultPolicy ? [] : ['default'])])].sort();
    const entityKey = sa.uid === '' ? `${sa.namespace}/${sa.name}` : sa.uid;
    let entityId = this.#entities.get(entityKey);
    if (entityId === undefined) {
      entityId = randomUUID();
      this.#entities.set(entityKey, entityId);
    }
    const metadata = {
      role: roleName, service_account_name: sa.name, service_account_namespace: sa.namespace,
      service_account_secret_name: sa.secretName, service_account_uid: sa.uid,
    };
    const token = this.#tokens.create({
      policies, meta: metadata, displayName: `${this.mount}-${sa.namespace}-${sa.name}`, path: `auth/${this.mount}/login`,
      entityId, ttl: role.ttl, maxTtl: role.maxTtl,
    });
    return envelope({
      auth: {
        client_token: token.id, accessor: token.accessor, policies, token_policies: policies, metadata,
        lease_duration: token.creationTtl, renewable: true, entity_id: entityId, token_type: 'service', orphan: true, num_uses: 0,
      },
      mountType: 'kubernetes',
    });
  }
}
