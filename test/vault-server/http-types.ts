// The server's core works on plain request/response values; server.ts adapts node:http to them
// (and the LIST method, which Node's HTTP parser refuses, through list-method.ts).
import type { X509Certificate } from 'node:crypto';

export interface VaultRequest {
  /** Upper-case HTTP method; `GET ?list=true` arrives here as LIST. */
  readonly method: string;
  /** The path after `/v1/`, without query and without leading or trailing slashes. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The token from X-Vault-Token or `Authorization: Bearer`, if any. */
  readonly token: string | undefined;
  /** Parsed JSON body (an object), or an empty object when there was none. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The TLS client certificate, when the server runs HTTPS and the client sent one (cert auth). */
  readonly clientCertificate?: X509Certificate;
  /** X-Vault-Wrap-TTL: answer with a wrapping token instead of the response. */
  readonly wrapTtl?: string;
}

export interface VaultResponse {
  readonly status: number;
  /** Already encoded body (Go JSON with trailing newline) or '' for no body. */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}
