// A tiny HTTP client for tests of the Vault test server (and of a real Vault in the contract test):
// raw status, headers and body, with helpers to compare whole bodies while generated ids vary.
import { FORMATS } from './ids.ts';

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when empty. */
  readonly body: unknown;
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export async function vaultCall(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { 'x-vault-request': 'true', ...opts.headers };
  if (opts.token !== undefined) headers['x-vault-token'] = opts.token;
  const res = await fetch(`${baseUrl}${path}`, {
    method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === '' ? undefined : JSON.parse(text) };
}

/** Checks `request_id` is a UUID and replaces it by a placeholder so whole bodies can be compared. */
export function normalizeIds(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const o = { ...(body as Record<string, unknown>) };
  if (typeof o['request_id'] === 'string') {
    if (!FORMATS.requestId.test(o['request_id'])) throw new Error(`request_id is not a UUID: ${o['request_id']}`);
    o['request_id'] = '<uuid>';
  }
  return o;
}
