// AWS auth, iam flavour (Vault's builtin/credential/aws): the client sends a signed
// sts:GetCallerIdentity request; Vault checks it is one, checks the X-Vault-AWS-IAM-Server-ID
// header when the mount wants it, replays it to its STS endpoint (with the Host the client signed)
// and binds the answered ARN to the role. Roles are matched on bound_iam_principal_arn, with an
// assumed-role ARN canonicalised to its role ARN as Vault does.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { badRequest } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface AwsRole extends TokenRole {
  /** ARNs; a trailing `*` is a prefix match. */
  readonly boundIamPrincipalArns: readonly string[];
}

const SERVER_ID_HEADER = 'X-Vault-AWS-IAM-Server-ID';
const MAX_STS_BODY = 64 * 1024;

function b64(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}

function xmlText(xml: string, tag: string): string | undefined {
  const open = xml.indexOf(`<${tag}>`);
  const end = open < 0 ? -1 : xml.indexOf(`</${tag}>`, open);
  return open < 0 || end < 0 ? undefined : xml.slice(open + tag.length + 2, end);
}

/** `arn:aws:sts::123:assumed-role/R/session` → `arn:aws:iam::123:role/R`; IAM user and role ARNs as they are. */
export function canonicalArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return m === null ? arn : `arn:${m[1] ?? 'aws'}:iam::${m[2] ?? ''}:role/${m[3] ?? ''}`;
}

function arnMatches(pattern: string, arn: string): boolean {
  return pattern.endsWith('*') ? arn.startsWith(pattern.slice(0, -1)) : pattern === arn;
}

/** Header names → values, from Go's http.Header JSON (lists) or a plain object of strings. */
function parseHeaders(json: string): Map<string, string> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const value = Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string').join(',')
      : typeof v === 'string'
        ? v
        : undefined;
    if (value === undefined) return undefined;
    out.set(k, value);
  }
  return out;
}

function post(
  endpoint: string,
  path: string,
  host: string,
  headers: Map<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, endpoint);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = Object.fromEntries(headers);
    h['host'] = host;
    h['content-length'] = String(Buffer.byteLength(body));
    const r = send(url, { method: 'POST', headers: h, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_STS_BODY) chunks.push(c);
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => {
      r.destroy(new Error('timeout'));
    });
    r.on('error', reject);
    r.end(body);
  });
}

export class AwsAuth {
  readonly #roles: ReadonlyMap<string, AwsRole>;
  readonly #stsEndpoint: string;
  readonly #serverIdHeaderValue: string;
  readonly #issuer: LoginIssuer;

  constructor(opts: {
    mount: string;
    roles: ReadonlyMap<string, AwsRole>;
    stsEndpoint: string;
    serverIdHeaderValue: string;
    tokens: TokenStore;
  }) {
    this.#roles = opts.roles;
    this.#stsEndpoint = opts.stsEndpoint;
    this.#serverIdHeaderValue = opts.serverIdHeaderValue;
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'aws');
  }

  async login(body: Readonly<Record<string, unknown>>): Promise<VaultResponse> {
    const method = body['iam_http_request_method'];
    if (typeof method !== 'string' || method === '') return badRequest('missing iam_http_request_method');
    if (method !== 'POST') return badRequest("invalid iam_http_request_method; currently only 'POST' is supported");
    const rawUrl = b64(body['iam_request_url']);
    if (rawUrl === undefined) return badRequest('missing iam_request_url');
    const reqBody = b64(body['iam_request_body']);
    if (reqBody === undefined) return badRequest('missing iam_request_body');
    const headerJson = b64(body['iam_request_headers']);
    if (headerJson === undefined) return badRequest('missing iam_request_headers');
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return badRequest('error parsing iam_request_url');
    }
    if (url.pathname !== '/' || url.search !== '')
      return badRequest('error validating iam_request_url: invalid request URL path or query');
    if (new URLSearchParams(reqBody).get('Action') !== 'GetCallerIdentity')
      return badRequest("error parsing iam_request_body: iam_request_body must have 'Action=GetCallerIdentity'");
    const headers = parseHeaders(headerJson);
    if (headers === undefined) return badRequest('error parsing iam_request_headers');
    if (this.#serverIdHeaderValue !== '') {
      const problem = this.#checkServerId(headers);
      if (problem !== undefined) return badRequest(`error validating ${SERVER_ID_HEADER} header: ${problem}`);
    }
    let sts: { status: number; body: string };
    try {
      sts = await post(this.#stsEndpoint, url.pathname, url.host, headers, reqBody);
    } catch {
      return badRequest('error making upstream request: connection to STS failed');
    }
    if (sts.status !== 200)
      return badRequest(
        `error making upstream request: received error code ${sts.status} from STS: ${sts.body.replace(/\s+/g, ' ').slice(0, 400)}`,
      );
    const arn = xmlText(sts.body, 'Arn');
    const account = xmlText(sts.body, 'Account') ?? '';
    const userId = xmlText(sts.body, 'UserId') ?? '';
    if (arn === undefined) return badRequest('error making upstream request: no Arn in the GetCallerIdentity answer');
    const canonical = canonicalArn(arn);
    const roleName =
      typeof body['role'] === 'string' && body['role'] !== ''
        ? body['role']
        : canonical.slice(canonical.lastIndexOf('/') + 1);
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`entry for role ${roleName} not found`);
    if (!role.boundIamPrincipalArns.some((p) => arnMatches(p, canonical))) {
      return badRequest(`IAM Principal ${JSON.stringify(arn)} does not belong to the role ${JSON.stringify(roleName)}`);
    }
    const metadata = {
      account_id: account,
      auth_type: 'iam',
      canonical_arn: canonical,
      client_arn: arn,
      client_user_id: userId,
      inferred_aws_region: '',
      inferred_entity_id: '',
      inferred_entity_type: '',
    };
    return this.#issuer.issue(role, userId === '' ? canonical : userId, metadata, canonical);
  }

  #checkServerId(headers: Map<string, string>): string | undefined {
    const value = [...headers].find(([k]) => k.toLowerCase() === SERVER_ID_HEADER.toLowerCase())?.[1];
    if (value === undefined) return 'missing header';
    if (value !== this.#serverIdHeaderValue)
      return `expected ${JSON.stringify(this.#serverIdHeaderValue)} but got ${JSON.stringify(value)}`;
    const authz = [...headers].find(([k]) => k.toLowerCase() === 'authorization')?.[1] ?? '';
    const signed = /SignedHeaders=([^,\s]+)/.exec(authz)?.[1]?.split(';') ?? [];
    if (!signed.includes(SERVER_ID_HEADER.toLowerCase())) return "vault header wasn't signed";
    return undefined;
  }
}
