// Identifier formats a Vault client may check: UUIDs for request ids, `hvs.` service tokens,
// 24-character accessors and lease id suffixes.
import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      // 248 = 4 × 62: bytes above it are skipped so every character is equally likely.
      if (b < 248 && out.length < length) out += ALNUM[b % 62] ?? '';
    }
  }
  return out;
}

export function newRequestId(): string {
  return randomUUID();
}

export function newServiceToken(): string {
  return `hvs.${randomAlnum(91)}`;
}

export function newAccessor(): string {
  return randomAlnum(24);
}

export function newLeaseSuffix(): string {
  return randomAlnum(24);
}

export const FORMATS = Object.freeze({
  requestId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  serviceToken: /^hvs\.[A-Za-z0-9]{91}$/,
  accessor: /^[A-Za-z0-9]{24}$/,
  leaseSuffix: /^[A-Za-z0-9]{24}$/,
});
