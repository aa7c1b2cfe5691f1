// Signed identity JWTs for the JWT auth method's tests (what a CI system or an OIDC provider
// issues): ES256 with a key pair whose public half goes into the mount's jwt_validation_pubkeys.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface IdentityJwtSigner {
  readonly publicKeyPem: string;
  sign(claims: { sub: string; aud?: string; ttlSeconds?: number; now?: number }): string;
}

export function identityJwtSigner(): IdentityJwtSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (claims) => signWith(privateKey, claims),
  };
}

function signWith(key: KeyObject, claims: { sub: string; aud?: string; ttlSeconds?: number; now?: number }): string {
  const iat = Math.floor((claims.now ?? Date.now()) / 1000);
  const payload = {
    aud: claims.aud ?? 'vault',
    exp: iat + (claims.ttlSeconds ?? 600),
    iat,
    iss: 'https://ci.example.com',
    sub: claims.sub,
  };
  const b64 = (v: string | Buffer): string => Buffer.from(v).toString('base64url');
  const input = `${b64(JSON.stringify({ alg: 'ES256', typ: 'JWT' }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${b64(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
}
