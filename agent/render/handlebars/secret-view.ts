// What Handlebars templates see for a Vault response: the same field names as consul-template's
// Go `secret` object, so `Data.data.password` (KV v2) or `Data.username`
// (database) work in both engines. A secret not fetched yet is a placeholder that answers every
// path, so one render pass discovers every dependency even under `strict`.
import type { VaultResponse } from '../engine.ts';

export interface SecretView {
  readonly RequestID: string;
  readonly LeaseID: string;
  readonly LeaseDuration: number;
  readonly Renewable: boolean;
  readonly Data: unknown;
  readonly Warnings: readonly string[];
  readonly Auth?: AuthView;
  readonly WrapInfo?: WrapInfoView;
}

interface AuthView {
  readonly ClientToken: unknown;
  readonly Accessor: unknown;
  readonly Policies: unknown;
  readonly TokenPolicies: unknown;
  readonly Metadata: unknown;
  readonly LeaseDuration: unknown;
  readonly Renewable: unknown;
}

interface WrapInfoView {
  readonly Token: unknown;
  readonly Accessor: unknown;
  readonly TTL: unknown;
  readonly CreationTime: unknown;
  readonly CreationPath: unknown;
  readonly WrappedAccessor: unknown;
}

export function secretView(response: VaultResponse): SecretView {
  const auth = record(response.auth);
  const wrap = record(response.wrap_info);
  return {
    RequestID: response.request_id ?? '',
    LeaseID: response.lease_id,
    LeaseDuration: response.lease_duration,
    Renewable: response.renewable,
    Data: response.data ?? {},
    Warnings: response.warnings ?? [],
    ...(auth === undefined ? {} : {
      Auth: {
        ClientToken: auth['client_token'], Accessor: auth['accessor'], Policies: auth['policies'], TokenPolicies: auth['token_policies'],
        Metadata: auth['metadata'], LeaseDuration: auth['lease_duration'], Renewable: auth['renewable'],
      },
    }),
    ...(wrap === undefined ? {} : {
      WrapInfo: {
        Token: wrap['token'], Accessor: wrap['accessor'], TTL: wrap['ttl'], CreationTime: wrap['creation_time'],
        CreationPath: wrap['creation_path'], WrappedAccessor: wrap['wrapped_accessor'],
      },
    }),
  };
}

/** consul-template's pkiCert: `Cert`, `Key`, `CA`, `CAChain` (also under `Data`), PEM ending in "\n". */
export function pkiCertView(response: VaultResponse): Readonly<Record<string, unknown>> {
  const data = record(response.data) ?? {};
  const chain = Array.isArray(data['ca_chain']) ? (data['ca_chain'] as unknown[]).map(pem) : [];
  const view = { Cert: pem(data['certificate']), Key: pem(data['private_key']), CA: pem(data['issuing_ca']), CAChain: chain };
  return { ...view, Data: view };
}

/** `secrets` (LIST): the sorted key names; Vault's `{ keys: [...] }` or a bare list. */
export function listingView(response: VaultResponse): readonly string[] {
  const data = response.data;
  const keys = Array.isArray(data) ? data : record(data)?.['keys'];
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string').sort() : [];
}

function pem(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  return value.endsWith('\n') ? value : `${value}\n`;
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const placeholders = new WeakSet<object>();

/**
 * Stands in for data not fetched yet: every property exists and is again a placeholder, it
 * prints as "" and iterates as empty. The render it appears in is incomplete and never written.
 */
export function placeholder(): object {
  const target = Object.create(null) as object;
  const handler: ProxyHandler<object> = {
    get(_t, key) {
      if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf') return () => '';
      if (typeof key === 'symbol' || key === 'toJSON' || key === 'then') return undefined;
      return proxy;
    },
    has: () => true,
    getOwnPropertyDescriptor: (_t, key) => (typeof key === 'symbol' ? undefined : { value: proxy, writable: true, enumerable: false, configurable: true }),
    ownKeys: () => [],
  };
  const proxy = new Proxy(target, handler);
  placeholders.add(proxy);
  return proxy;
}

export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'object' && value !== null && placeholders.has(value);
}
