// The few Kubernetes API calls auto-TLS needs, behind a port we own. The one
// implementation over @kubernetes/client-node is client-node-port.ts; tests use the real client
// against test/kube-api-server. Values are plain records: times in epoch ms, Secret data decoded.
import { AppError } from '../../shared/errors.ts';

/** A coordination.k8s.io/v1 Lease, as leader election reads and writes it. */
export interface LeaseRecord {
  readonly holderIdentity: string | undefined;
  readonly leaseDurationSeconds: number | undefined;
  readonly acquireTimeMs: number | undefined;
  readonly renewTimeMs: number | undefined;
  readonly leaseTransitions: number | undefined;
}

/** What the API server stored, with the resourceVersion an update must quote. */
export interface Versioned<T> {
  readonly value: T;
  readonly resourceVersion: string;
}

/** Secret data, base64-decoded to UTF-8 strings (auto-TLS stores PEM text only). */
export type SecretData = Readonly<Record<string, string>>;

export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

export interface KubePort {
  getLease(ref: ObjectRef): Promise<Versioned<LeaseRecord> | undefined>;
  /** Fails with KubeApiError 409 (AlreadyExists) when another replica created it first. */
  createLease(ref: ObjectRef, lease: LeaseRecord): Promise<Versioned<LeaseRecord>>;
  /** Fails with KubeApiError 409 (Conflict) when resourceVersion is stale. */
  updateLease(ref: ObjectRef, lease: LeaseRecord, resourceVersion: string): Promise<Versioned<LeaseRecord>>;
  getSecret(ref: ObjectRef): Promise<Versioned<SecretData> | undefined>;
  createSecret(ref: ObjectRef, data: SecretData): Promise<Versioned<SecretData>>;
  /** Replaces the data, keeping the Secret's other metadata; 409 on a stale resourceVersion. */
  updateSecret(ref: ObjectRef, data: SecretData, resourceVersion: string): Promise<Versioned<SecretData>>;
  /** The decoded caBundle of every webhook in a MutatingWebhookConfiguration, in order. */
  getWebhookCaBundles(name: string): Promise<readonly string[] | undefined>;
  /** Sets clientConfig.caBundle of the first `webhookCount` webhooks with one JSON patch. */
  patchWebhookCaBundles(name: string, caBundlePem: string, webhookCount: number): Promise<void>;
}

/** A failed API call, classified by HTTP status (never by message text). */
export class KubeApiError extends AppError {
  readonly status: number;
  readonly reason: string | undefined;
  readonly operation: string;
  constructor(operation: string, status: number, reason: string | undefined, options?: ErrorOptions) {
    super('WHK_KUBE_API', `Kubernetes API ${operation} failed with HTTP ${status}${reason === undefined ? '' : ` (${reason})`}`, options);
    this.status = status;
    this.reason = reason;
    this.operation = operation;
  }
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}
