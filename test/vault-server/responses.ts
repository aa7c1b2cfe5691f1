// Vault's response envelope and error bodies. Field order is Vault's response struct; `data` is a
// Go map, so its keys are sorted.
import { encodeGoJson, sortKeys } from './go-json.ts';
import { newRequestId } from './ids.ts';
import type { VaultResponse } from './http-types.ts';

export interface AuthBlock {
  readonly client_token: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly token_policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly lease_duration: number;
  readonly renewable: boolean;
  readonly entity_id: string;
  readonly token_type: string;
  readonly orphan: boolean;
  readonly num_uses: number;
}

export interface EnvelopeParts {
  readonly data?: unknown;
  readonly leaseId?: string;
  readonly renewable?: boolean;
  readonly leaseDuration?: number;
  readonly warnings?: readonly string[];
  readonly auth?: AuthBlock;
  readonly mountType: string;
  readonly status?: number;
}

export function envelope(parts: EnvelopeParts): VaultResponse {
  const auth = parts.auth === undefined ? null : {
    client_token: parts.auth.client_token,
    accessor: parts.auth.accessor,
    policies: parts.auth.policies,
    token_policies: parts.auth.token_policies,
    metadata: sortKeys(parts.auth.metadata),
    lease_duration: parts.auth.lease_duration,
    renewable: parts.auth.renewable,
    entity_id: parts.auth.entity_id,
    token_type: parts.auth.token_type,
    orphan: parts.auth.orphan,
    mfa_requirement: null,
    num_uses: parts.auth.num_uses,
  };
  const body = {
    request_id: newRequestId(),
    lease_id: parts.leaseId ?? '',
    renewable: parts.renewable ?? false,
    lease_duration: parts.leaseDuration ?? 0,
    data: parts.data === undefined ? null : sortKeys(parts.data),
    wrap_info: null,
    warnings: parts.warnings === undefined || parts.warnings.length === 0 ? null : parts.warnings,
    auth,
    mount_type: parts.mountType,
  };
  return json(parts.status ?? 200, body);
}

export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): VaultResponse {
  return { status, body: encodeGoJson(body), ...(headers === undefined ? {} : { headers }) };
}

export function errors(status: number, messages: readonly string[], headers?: Readonly<Record<string, string>>): VaultResponse {
  return json(status, { errors: messages }, headers);
}

/** Vault's multierror text, used for ACL and routing failures. */
export function multiError(messages: readonly string[]): string {
  const n = messages.length;
  return `${n} error${n === 1 ? '' : 's'} occurred:\n${messages.map((m) => `\t* ${m}\n`).join('')}\n`;
}

export const noContent: VaultResponse = Object.freeze({ status: 204, body: '' });
export const notFound: VaultResponse = errors(404, []);
export const permissionDenied: VaultResponse = errors(403, ['permission denied']);
export const invalidToken: VaultResponse = errors(403, [multiError(['permission denied', 'invalid token'])]);
export const policyDenied: VaultResponse = errors(403, [multiError(['permission denied'])]);
export const sealed: VaultResponse = errors(503, ['Vault is sealed']);
export const unsupportedOperation: VaultResponse = errors(405, [multiError(['unsupported operation'])]);
export const unsupportedPath: VaultResponse = errors(404, [multiError(['unsupported path'])]);

export function noHandler(path: string): VaultResponse {
  return errors(404, [`no handler for route ${JSON.stringify(path)}. route entry not found.`]);
}

export function badRequest(message: string): VaultResponse {
  return errors(400, [message]);
}
