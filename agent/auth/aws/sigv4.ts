// AWS Signature Version 4 (docs.aws.amazon.com "Create a signed AWS API request"), as pure
// functions over node:crypto: canonical request → string to sign → signature, with the date and
// credentials passed in. Used to sign the sts:GetCallerIdentity request Vault's aws auth forwards.
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (STS, IRSA) carry a session token, sent as X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  /** Absolute URL; its host is signed as the `host` header. */
  readonly url: string;
  /** Header names in any case; `host` is added from the URL when absent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningScope {
  readonly region: string;
  readonly service: string;
  /** The signing time. */
  readonly date: Date;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `20150830T123600Z`. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** RFC 3986 percent-encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ escaped. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search: URLSearchParams): string {
  const pairs = [...search.entries()].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalPath(pathname: string): string {
  if (pathname === '' || pathname === '/') return '/';
  return pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponentSafe(segment)))
    .join('/');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Lower-cased names, values trimmed with inner runs of spaces collapsed, sorted by name. */
function canonicalHeaderList(request: SignableRequest): [string, string][] {
  const merged = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const key = name.toLowerCase();
    const v = value.trim().replace(/ +/g, ' ');
    merged.set(key, merged.has(key) ? `${merged.get(key) ?? ''},${v}` : v);
  }
  if (!merged.has('host')) merged.set('host', new URL(request.url).host);
  return [...merged.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export function signedHeaderNames(request: SignableRequest): string {
  return canonicalHeaderList(request)
    .map(([k]) => k)
    .join(';');
}

export function canonicalRequest(request: SignableRequest): string {
  const url = new URL(request.url);
  const headers = canonicalHeaderList(request);
  return [
    request.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    headers.map(([k, v]) => `${k}:${v}\n`).join(''),
    headers.map(([k]) => k).join(';'),
    sha256Hex(request.body),
  ].join('\n');
}

export function credentialScope(scope: SigningScope): string {
  return `${amzDate(scope.date).slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
}

export function stringToSign(request: SignableRequest, scope: SigningScope): string {
  return ['AWS4-HMAC-SHA256', amzDate(scope.date), credentialScope(scope), sha256Hex(canonicalRequest(request))].join(
    '\n',
  );
}

export function signingKey(secretAccessKey: string, scope: SigningScope): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, amzDate(scope.date).slice(0, 8));
  return hmac(hmac(hmac(kDate, scope.region), scope.service), 'aws4_request');
}

export function signature(request: SignableRequest, secretAccessKey: string, scope: SigningScope): string {
  return createHmac('sha256', signingKey(secretAccessKey, scope))
    .update(stringToSign(request, scope), 'utf8')
    .digest('hex');
}

/**
 * The request's headers plus X-Amz-Date, X-Amz-Security-Token (temporary credentials) and
 * Authorization. Every header passed in is signed; `host` is signed but not returned (the HTTP
 * layer sends it, as the SDKs do).
 */
export function signRequest(
  request: SignableRequest,
  credentials: AwsCredentials,
  scope: SigningScope,
): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers, 'X-Amz-Date': amzDate(scope.date) };
  if (credentials.sessionToken !== undefined) headers['X-Amz-Security-Token'] = credentials.sessionToken;
  const toSign: SignableRequest = { ...request, headers };
  const sig = signature(toSign, credentials.secretAccessKey, scope);
  headers['Authorization'] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope(scope)}, SignedHeaders=${signedHeaderNames(toSign)}, Signature=${sig}`;
  return headers;
}
