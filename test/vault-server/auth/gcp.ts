// GCP auth, gce roles (vault-plugin-auth-gcp): the instance identity token is checked against
// the mount's `gce_identity_pubkeys` when set (a real Vault fetches Google's certificates), then its
// audience (`http://vault/<role>` or `vault/<role>`), expiry, and the role's bound projects, zones
// and service accounts from the `google.compute_engine` claims. Error texts are this server's own
// wording, 400 for bad requests and 403 for bindings.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { badRequest, errors } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface GcpRole extends TokenRole {
  readonly boundProjects: readonly string[];
  readonly boundZones: readonly string[];
  readonly boundServiceAccounts: readonly string[];
}

function decode(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function str(o: unknown, key: string): string {
  const v = o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export class GcpAuth {
  readonly #roles: ReadonlyMap<string, GcpRole>;
  readonly #keys: readonly KeyObject[];
  readonly #issuer: LoginIssuer;
  readonly #now: () => number;

  constructor(opts: {
    mount: string;
    roles: ReadonlyMap<string, GcpRole>;
    publicKeysPem: readonly string[];
    tokens: TokenStore;
    now: () => number;
  }) {
    this.#roles = opts.roles;
    this.#keys = opts.publicKeysPem.map((pem) => createPublicKey(pem));
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'gcp');
    this.#now = opts.now;
  }

  login(body: Readonly<Record<string, unknown>>): VaultResponse {
    const roleName = typeof body['role'] === 'string' ? body['role'] : '';
    const jwt = typeof body['jwt'] === 'string' ? body['jwt'].trim() : '';
    if (roleName === '') return badRequest('role is required');
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`role ${JSON.stringify(roleName)} not found`);
    if (jwt === '') return badRequest('"jwt" is required');
    const parts = jwt.split('.');
    const claims = decode(parts[1]);
    if (parts.length !== 3 || claims === undefined) return badRequest('unable to parse the signed JWT');
    const data = Buffer.from(`${parts[0] ?? ''}.${parts[1] ?? ''}`);
    const sig = Buffer.from(parts[2] ?? '', 'base64url');
    if (this.#keys.length > 0 && !this.#keys.some((k) => verify('sha256', data, k, sig)))
      return badRequest('unable to verify the JWT signature with any Google certificate');
    const aud = str(claims, 'aud');
    if (aud !== `http://vault/${roleName}` && aud !== `vault/${roleName}`)
      return badRequest(
        `audience ${JSON.stringify(aud)} does not match the expected audience "http://vault/${roleName}"`,
      );
    const exp = typeof claims['exp'] === 'number' ? claims['exp'] : 0;
    if (Math.floor(this.#now() / 1000) > exp) return badRequest('the JWT has expired');
    const gce = (claims['google'] as Record<string, unknown> | undefined)?.['compute_engine'];
    if (gce === undefined) return badRequest('the JWT has no google.compute_engine claims (ask for format=full)');
    const project = str(gce, 'project_id');
    const zone = str(gce, 'zone');
    const email = str(claims, 'email');
    if (role.boundProjects.length > 0 && !role.boundProjects.includes(project))
      return errors(403, [`instance not in bound projects ${JSON.stringify(role.boundProjects)}`]);
    if (role.boundZones.length > 0 && !role.boundZones.includes(zone))
      return errors(403, [`instance not in bound zones ${JSON.stringify(role.boundZones)}`]);
    if (role.boundServiceAccounts.length > 0 && !role.boundServiceAccounts.includes(email))
      return errors(403, [`service account ${JSON.stringify(email)} is not in bound service accounts`]);
    const metadata = {
      instance_creation_timestamp: str(gce, 'instance_creation_timestamp'),
      instance_id: str(gce, 'instance_id'),
      instance_name: str(gce, 'instance_name'),
      project_id: project,
      project_number: str(gce, 'project_number'),
      role: roleName,
      service_account_email: email,
      service_account_id: str(claims, 'sub'),
      zone,
    };
    return this.#issuer.issue(role, str(gce, 'instance_id'), metadata, str(gce, 'instance_name'));
  }
}
