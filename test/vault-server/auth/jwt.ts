// JWT auth (vault-plugin-auth-jwt, role_type "jwt"): the signature is checked against the mount's
// jwt_validation_pubkeys when configured, then expiry, bound audiences and bound subject; the
// alias is the role's user_claim. Errors are 400s worded as the plugin words them.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { badRequest } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface JwtRole extends TokenRole {
  readonly boundAudiences: readonly string[];
  readonly boundSubject: string;
  readonly userClaim: string;
}

const VERIFY: Readonly<Record<string, { hash: string; dsa?: 'ieee-p1363' }>> = {
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  ES256: { hash: 'sha256', dsa: 'ieee-p1363' },
  ES384: { hash: 'sha384', dsa: 'ieee-p1363' },
  ES512: { hash: 'sha512', dsa: 'ieee-p1363' },
};

function decode(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class JwtAuth {
  readonly #roles: ReadonlyMap<string, JwtRole>;
  readonly #keys: readonly KeyObject[];
  readonly #issuer: LoginIssuer;
  readonly #now: () => number;

  constructor(opts: {
    mount: string;
    roles: ReadonlyMap<string, JwtRole>;
    publicKeysPem: readonly string[];
    tokens: TokenStore;
    now: () => number;
  }) {
    this.#roles = opts.roles;
    this.#keys = opts.publicKeysPem.map((pem) => createPublicKey(pem));
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'jwt');
    this.#now = opts.now;
  }

  login(body: Readonly<Record<string, unknown>>): VaultResponse {
    const roleName = typeof body['role'] === 'string' ? body['role'] : '';
    const jwt = typeof body['jwt'] === 'string' ? body['jwt'].trim() : '';
    if (roleName === '') return badRequest('missing role');
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`role ${JSON.stringify(roleName)} could not be found`);
    if (jwt === '') return badRequest('missing token');
    const parts = jwt.split('.');
    const header = decode(parts[0]);
    const claims = decode(parts[1]);
    if (parts.length !== 3 || header === undefined || claims === undefined)
      return badRequest('error validating token: invalid JWT');
    if (this.#keys.length > 0 && !this.#signatureOk(parts, header))
      return badRequest('error validating signature: failed to verify id token signature');
    const now = Math.floor(this.#now() / 1000);
    if (typeof claims['exp'] === 'number' && now > claims['exp'] + 150)
      return badRequest('error validating claims: token is expired (exp)');
    if (role.boundAudiences.length > 0) {
      const aud = claims['aud'];
      const auds = Array.isArray(aud) ? aud : [aud];
      if (!auds.some((a) => typeof a === 'string' && role.boundAudiences.includes(a)))
        return badRequest(
          'error validating claims: invalid audience (aud) claim: audience claim does not match any expected audience',
        );
    }
    if (role.boundSubject !== '' && claims['sub'] !== role.boundSubject)
      return badRequest('error validating claims: sub claim does not match bound subject');
    const user = claims[role.userClaim];
    if (typeof user !== 'string' || user === '')
      return badRequest(`claim ${JSON.stringify(role.userClaim)} not found in token`);
    return this.#issuer.issue(role, user, { role: roleName }, user);
  }

  #signatureOk(parts: string[], header: Record<string, unknown>): boolean {
    const alg = VERIFY[typeof header['alg'] === 'string' ? header['alg'] : ''];
    if (alg === undefined) return false;
    const data = Buffer.from(`${parts[0] ?? ''}.${parts[1] ?? ''}`);
    const sig = Buffer.from(parts[2] ?? '', 'base64url');
    return this.#keys.some((key) => {
      try {
        return verify(alg.hash, data, alg.dsa === undefined ? key : { key, dsaEncoding: alg.dsa }, sig);
      } catch {
        return false;
      }
    });
  }
}
