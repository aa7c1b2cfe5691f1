// (adapter) KubePort over @kubernetes/client-node: the only runtime import of client-node in the
// project. Turns ApiException into KubeApiError, base64 Secret data into text, MicroTime strings
// into epoch ms, and checks the shape of what comes back so nothing untyped leaves this file.
import {
  AdmissionregistrationV1Api, ApiException, CoordinationV1Api, CoreV1Api, KubeConfig, PatchStrategy,
  V1MicroTime, setHeaderOptions,
} from '@kubernetes/client-node';
import type { V1Lease, V1LeaseSpec, V1Secret } from '@kubernetes/client-node';
import { KubeApiError, type KubePort, type LeaseRecord, type ObjectRef, type SecretData, type Versioned } from './port.ts';

export interface KubeConnection {
  /** A kubeconfig file; when absent, the in-cluster service account (or $KUBECONFIG / ~/.kube/config). */
  readonly kubeconfigPath?: string;
  /** A server URL and bearer token given directly (tests point this at test/kube-api-server). */
  readonly apiServer?: { readonly url: string; readonly token: string; readonly caPem: string };
}

export function loadKubeConfig(connection: KubeConnection): KubeConfig {
  const kc = new KubeConfig();
  if (connection.apiServer !== undefined) {
    const { url, token, caPem } = connection.apiServer;
    kc.loadFromOptions({
      clusters: [{ name: 'target', server: url, skipTLSVerify: false, caData: Buffer.from(caPem).toString('base64') }],
      users: [{ name: 'vaultlet', token }],
      contexts: [{ name: 'target', cluster: 'target', user: 'vaultlet' }],
      currentContext: 'target',
    });
  } else if (connection.kubeconfigPath !== undefined) {
    kc.loadFromFile(connection.kubeconfigPath);
  } else {
    kc.loadFromDefault();
  }
  return kc;
}

function reasonOf(body: unknown): string | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof value === 'object' && value !== null && 'reason' in value && typeof value.reason === 'string') return value.reason;
  return undefined;
}

async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiException) throw new KubeApiError(operation, err.code, reasonOf(err.body), { cause: err });
    throw new KubeApiError(operation, 0, 'NetworkError', { cause: err });
  }
}

async function orUndefinedOn404<T>(operation: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(operation, fn);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
}

// client-node declares MicroTime fields as Date but hands back the raw JSON string.
function timeMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function microTime(ms: number | undefined): V1MicroTime | undefined {
  return ms === undefined ? undefined : new V1MicroTime(ms);
}

function versionOf(metadata: { resourceVersion?: string } | undefined, operation: string): string {
  const rv = metadata?.resourceVersion;
  if (rv === undefined || rv === '') throw new KubeApiError(operation, 500, 'MissingResourceVersion');
  return rv;
}

function leaseFrom(lease: V1Lease, operation: string): Versioned<LeaseRecord> {
  const spec = lease.spec;
  return {
    resourceVersion: versionOf(lease.metadata, operation),
    value: {
      holderIdentity: spec?.holderIdentity ?? undefined,
      leaseDurationSeconds: spec?.leaseDurationSeconds ?? undefined,
      acquireTimeMs: timeMs(spec?.acquireTime),
      renewTimeMs: timeMs(spec?.renewTime),
      leaseTransitions: spec?.leaseTransitions ?? undefined,
    },
  };
}

function leaseSpec(lease: LeaseRecord): V1LeaseSpec {
  const spec: V1LeaseSpec = {};
  if (lease.holderIdentity !== undefined) spec.holderIdentity = lease.holderIdentity;
  if (lease.leaseDurationSeconds !== undefined) spec.leaseDurationSeconds = lease.leaseDurationSeconds;
  const acquire = microTime(lease.acquireTimeMs);
  if (acquire !== undefined) spec.acquireTime = acquire;
  const renew = microTime(lease.renewTimeMs);
  if (renew !== undefined) spec.renewTime = renew;
  if (lease.leaseTransitions !== undefined) spec.leaseTransitions = lease.leaseTransitions;
  return spec;
}

function secretFrom(secret: V1Secret, operation: string): Versioned<SecretData> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) data[key] = Buffer.from(value, 'base64').toString('utf8');
  return { resourceVersion: versionOf(secret.metadata, operation), value: Object.freeze(data) };
}

function encodeData(data: SecretData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) out[key] = Buffer.from(value, 'utf8').toString('base64');
  return out;
}

export function createKubePort(connection: KubeConnection): KubePort {
  const kc = loadKubeConfig(connection);
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const leaseBody = (ref: ObjectRef, lease: LeaseRecord, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name: ref.name, namespace: ref.namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: leaseSpec(lease),
  });

  return {
    async getLease(ref) {
      const lease = await orUndefinedOn404('get lease', () => coordination.readNamespacedLease(ref));
      return lease === undefined ? undefined : leaseFrom(lease, 'get lease');
    },
    async createLease(ref, lease) {
      const created = await call('create lease', () => coordination.createNamespacedLease({ namespace: ref.namespace, body: leaseBody(ref, lease) }));
      return leaseFrom(created, 'create lease');
    },
    async updateLease(ref, lease, resourceVersion) {
      const updated = await call('update lease', () =>
        coordination.replaceNamespacedLease({ ...ref, body: leaseBody(ref, lease, resourceVersion) }));
      return leaseFrom(updated, 'update lease');
    },
    async getSecret(ref) {
      const secret = await orUndefinedOn404('get secret', () => core.readNamespacedSecret(ref));
      return secret === undefined ? undefined : secretFrom(secret, 'get secret');
    },
    async createSecret(ref, data) {
      const body: V1Secret = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { ...ref }, data: encodeData(data) };
      return secretFrom(await call('create secret', () => core.createNamespacedSecret({ namespace: ref.namespace, body })), 'create secret');
    },
    async updateSecret(ref, data, resourceVersion) {
      // Read-modify-write keeps labels, annotations and owner references someone else set.
      const current = await call('get secret', () => core.readNamespacedSecret(ref));
      const body: V1Secret = { ...current, metadata: { ...current.metadata, resourceVersion }, data: encodeData(data) };
      return secretFrom(await call('update secret', () => core.replaceNamespacedSecret({ ...ref, body })), 'update secret');
    },
    async getWebhookCaBundles(name) {
      const mwc = await orUndefinedOn404('get mutatingwebhookconfiguration', () => admission.readMutatingWebhookConfiguration({ name }));
      if (mwc === undefined) return undefined;
      return (mwc.webhooks ?? []).map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString('utf8'));
    },
    async patchWebhookCaBundles(name, caBundlePem, webhookCount) {
      const value = Buffer.from(caBundlePem, 'utf8').toString('base64');
      const body = Array.from({ length: webhookCount }, (_, i) => ({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value }));
      await call('patch mutatingwebhookconfiguration', () =>
        admission.patchMutatingWebhookConfiguration({ name, body }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)));
    },
  };
}
