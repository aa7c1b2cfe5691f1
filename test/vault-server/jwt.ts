// Kubernetes service-account JWTs: made for tests (signed ES256 with a key of this process, as the
// API server would sign them; the test server, like Vault without pem_keys, does not check the
// signature), and decoded the way Vault's Kubernetes auth reads them.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface ServiceAccountJwtOptions {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Lifetime of a projected token (default 3600). Legacy tokens never expire. */
  readonly ttlSeconds?: number;
  readonly uid?: string;
  readonly podName?: string;
  /** Legacy secret-based token (`kubernetes.io/serviceaccount/...` claims) instead of a projected one. */
  readonly legacy?: boolean;
  readonly audience?: string;
  /** Issue time in ms since the epoch (default: the system clock). */
  readonly now?: number;
}

let signingKey: KeyObject | undefined;

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export function makeServiceAccountJwt(opts: ServiceAccountJwtOptions): string {
  signingKey ??= generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  const uid = opts.uid ?? randomUUID();
  const payload = opts.legacy === true
    ? {
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': opts.namespace,
        'kubernetes.io/serviceaccount/secret.name': `${opts.serviceAccount}-token-x7k2p`,
        'kubernetes.io/serviceaccount/service-account.name': opts.serviceAccount,
        'kubernetes.io/serviceaccount/service-account.uid': uid,
        sub: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount}`,
      }
    : {
        aud: [opts.audience ?? 'https://kubernetes.default.svc.cluster.local'],
        exp: iat + (opts.ttlSeconds ?? 3600),
        iat,
        iss: 'https://kubernetes.default.svc.cluster.local',
        'kubernetes.io': {
          namespace: opts.namespace,
          pod: { name: opts.podName ?? `${opts.serviceAccount}-5d8f7c9b4-abcde`, uid: randomUUID() },
          serviceaccount: { name: opts.serviceAccount, uid },
        },
        nbf: iat,
        sub: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount}`,
      };
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', kid: 'vaultlet-test', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: signingKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${b64url(signature)}`;
}

export interface ServiceAccountIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly secretName: string;
  readonly audiences: readonly string[];
}

export type DecodeResult = { readonly ok: true; readonly identity: ServiceAccountIdentity } | { readonly ok: false; readonly message: string };

const SUPPORTED_ALGS = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512']);

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}

/** Reads and validates the claims; messages never contain the token. */
export function decodeServiceAccountJwt(jwt: string, nowMs: number): DecodeResult {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: 'go-jose/go-jose: compact JWS format must have three parts' };
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (header === undefined || claims === undefined) return { ok: false, message: 'go-jose/go-jose: invalid JWS: malformed header or payload' };
  if (!SUPPORTED_ALGS.has(str(header['alg']))) return { ok: false, message: 'go-jose/go-jose: unexpected signature algorithm; expected one of the supported algorithms' };
  const now = Math.floor(nowMs / 1000);
  if (typeof claims['exp'] === 'number' && now > claims['exp']) return { ok: false, message: 'go-jose/go-jose/jwt: validation failed, token is expired (exp)' };
  if (typeof claims['nbf'] === 'number' && now < claims['nbf'] - 60) return { ok: false, message: 'go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)' };
  const k8s = claims['kubernetes.io'];
  const aud = claims['aud'];
  const audiences = Array.isArray(aud) ? aud.map(str) : typeof aud === 'string' ? [aud] : [];
  const identity: ServiceAccountIdentity = k8s === undefined
    ? {
        name: str(claims['kubernetes.io/serviceaccount/service-account.name']),
        namespace: str(claims['kubernetes.io/serviceaccount/namespace']),
        uid: str(claims['kubernetes.io/serviceaccount/service-account.uid']),
        secretName: str(claims['kubernetes.io/serviceaccount/secret.name']),
        audiences,
      }
    : {
        name: str(field(field(k8s, 'serviceaccount'), 'name')),
        namespace: str(field(k8s, 'namespace')),
        uid: str(field(field(k8s, 'serviceaccount'), 'uid')),
        secretName: '',
        audiences,
      };
  return { ok: true, identity };
}
