// Azure auth (vault-plugin-auth-azure): the managed identity access token is checked against the
// mount's `azure_identity_pubkeys` when set (a real Vault uses Azure AD's keys), its audience
// against the mount's `resource`, its expiry, and the claimed subscription, resource group and VM
// against the token's `xms_mirid` (a real Vault asks the Azure API instead); then the role's
// bound subscriptions and resource groups. Error texts are this server's own wording.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { badRequest, errors } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface AzureRole extends TokenRole {
  readonly boundSubscriptionIds: readonly string[];
  readonly boundResourceGroups: readonly string[];
}

function decode(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const field = (o: Readonly<Record<string, unknown>>, key: string): string => (typeof o[key] === 'string' ? o[key] : '');

export class AzureAuth {
  readonly #roles: ReadonlyMap<string, AzureRole>;
  readonly #keys: readonly KeyObject[];
  readonly #resource: string;
  readonly #issuer: LoginIssuer;
  readonly #now: () => number;

  constructor(opts: {
    mount: string;
    roles: ReadonlyMap<string, AzureRole>;
    resource: string;
    publicKeysPem: readonly string[];
    tokens: TokenStore;
    now: () => number;
  }) {
    this.#roles = opts.roles;
    this.#resource = opts.resource;
    this.#keys = opts.publicKeysPem.map((pem) => createPublicKey(pem));
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'azure');
    this.#now = opts.now;
  }

  login(body: Readonly<Record<string, unknown>>): VaultResponse {
    const roleName = field(body, 'role');
    const jwt = field(body, 'jwt').trim();
    if (roleName === '') return badRequest('role is required');
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`invalid role name ${JSON.stringify(roleName)}`);
    if (jwt === '') return badRequest('jwt is required');
    const parts = jwt.split('.');
    const claims = decode(parts[1]);
    if (parts.length !== 3 || claims === undefined) return badRequest('unable to parse the JWT');
    const data = Buffer.from(`${parts[0] ?? ''}.${parts[1] ?? ''}`);
    const sig = Buffer.from(parts[2] ?? '', 'base64url');
    if (this.#keys.length > 0 && !this.#keys.some((k) => verify('sha256', data, k, sig)))
      return badRequest('unable to verify the JWT signature');
    if (field(claims, 'aud') !== this.#resource)
      return badRequest(`audience ${JSON.stringify(field(claims, 'aud'))} does not match the configured resource`);
    if (typeof claims['exp'] !== 'number' || Math.floor(this.#now() / 1000) > claims['exp'])
      return badRequest('the JWT has expired');
    const subscription = field(body, 'subscription_id');
    const group = field(body, 'resource_group_name');
    const vm = field(body, 'vm_name');
    const expected = `/subscriptions/${subscription}/resourcegroups/${group}/providers/Microsoft.Compute/virtualMachines/${vm}`;
    if (field(claims, 'xms_mirid').toLowerCase() !== expected.toLowerCase())
      return errors(403, ['the token was not issued to the virtual machine named in the request']);
    if (role.boundSubscriptionIds.length > 0 && !role.boundSubscriptionIds.includes(subscription))
      return errors(403, ['subscription not authorized']);
    if (role.boundResourceGroups.length > 0 && !role.boundResourceGroups.includes(group))
      return errors(403, ['resource group not authorized']);
    const metadata = {
      resource_group_name: group,
      role: roleName,
      subscription_id: subscription,
      vm_name: vm,
      vmss_name: field(body, 'vmss_name'),
    };
    return this.#issuer.issue(role, field(claims, 'oid'), metadata, vm);
  }
}
