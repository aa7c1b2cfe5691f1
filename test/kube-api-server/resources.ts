// The resources the fake API server knows, how their URLs are built, and the field checks the real
// API server's decoder applies to them (MicroTime precision, base64 []byte fields).
import type { ResourceInfo } from './status.ts';

export interface ResourceType extends ResourceInfo {
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** A decoding error, as kube-apiserver reports it with 400, or undefined when the body decodes. */
  readonly decodeError: (obj: Record<string, unknown>) => string | undefined;
}

// metav1.MicroTime is written and parsed as RFC 3339 with exactly six fractional digits.
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function leaseDecodeError(obj: Record<string, unknown>): string | undefined {
  const spec = record(obj['spec']) ?? {};
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
      return `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse`;
    }
  }
  const duration = spec['leaseDurationSeconds'];
  if (duration !== undefined && duration !== null && !Number.isInteger(duration)) {
    return 'Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal into Go struct field LeaseSpec.spec.leaseDurationSeconds of type int32';
  }
  return undefined;
}

function secretDecodeError(obj: Record<string, unknown>): string | undefined {
  for (const value of Object.values(record(obj['data']) ?? {})) {
    if (typeof value !== 'string' || !BASE64.test(value)) {
      return 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0';
    }
  }
  return undefined;
}

function mwcDecodeError(obj: Record<string, unknown>): string | undefined {
  const webhooks = obj['webhooks'];
  if (webhooks === undefined || webhooks === null) return undefined;
  if (!Array.isArray(webhooks)) return 'MutatingWebhookConfiguration in version "v1" cannot be handled as a MutatingWebhookConfiguration: webhooks must be a list';
  for (const webhook of webhooks) {
    const caBundle = record(record(webhook)?.['clientConfig'])?.['caBundle'];
    if (caBundle !== undefined && caBundle !== null && (typeof caBundle !== 'string' || !BASE64.test(caBundle))) {
      return 'MutatingWebhookConfiguration in version "v1" cannot be handled as a MutatingWebhookConfiguration: illegal base64 data at input byte 0';
    }
  }
  return undefined;
}

export const RESOURCES: readonly ResourceType[] = Object.freeze([
  { resource: 'leases', group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', namespaced: true, decodeError: leaseDecodeError },
  { resource: 'secrets', group: '', version: 'v1', kind: 'Secret', namespaced: true, decodeError: secretDecodeError },
  {
    resource: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io', version: 'v1',
    kind: 'MutatingWebhookConfiguration', namespaced: false, decodeError: mwcDecodeError,
  },
]);

export interface ParsedPath {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** Parses /api/v1/namespaces/ns/secrets/name and /apis/group/version/[namespaces/ns/]resource/name. */
export function parsePath(pathname: string): ParsedPath | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, ...extra] = rest;
  if (extra.length > 0) return undefined;
  const type = RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
  if (type === undefined || type.namespaced !== (namespace !== undefined)) return undefined;
  return { type, namespace, name };
}
