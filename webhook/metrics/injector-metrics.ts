// The vault-k8s injector's Prometheus metrics, same names and semantics,
// registered on a registry the caller owns (so tests never share the global one), plus
// prom-client's default process metrics. The namespace label comes from the request, which anyone
// who reaches the Service can forge: every new value is a series kept forever (100k forged
// namespaces held 156 MiB), so the label takes at most MAX_NAMESPACE_LABELS distinct names.
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import type { InjectionType } from '../admission/review.ts';

export interface AdmissionMetrics {
  requestStarted(): void;
  requestFinished(durationMs: number): void;
  /** An allowed response that added at least one agent container. */
  injected(namespace: string, injection: Exclude<InjectionType, 'none'>): void;
  /** A denied response, or one that could not be written. */
  failed(namespace: string): void;
}

export const DURATION_BUCKETS_MS: readonly number[] = Object.freeze([
  5, 10, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 7500, 10000,
]);

/** Distinct namespace label values; reviews from later namespaces count under OTHER_NAMESPACE. */
export const MAX_NAMESPACE_LABELS = 1000;
/** Not a valid namespace name (it has an underscore), so never a real namespace's label. */
export const OTHER_NAMESPACE = '_other';

// A DNS-1123 label, as Kubernetes namespace names are. Bounded repetition: linear on any input.
const NAMESPACE_NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** Maps a request's namespace to its label value: itself while the label set has room. */
export function createNamespaceLabels(max: number): (namespace: string) => string {
  const seen = new Set<string>();
  return (namespace) => {
    if (seen.has(namespace)) return namespace;
    if (seen.size >= max || !NAMESPACE_NAME.test(namespace)) return OTHER_NAMESPACE;
    seen.add(namespace);
    return namespace;
  };
}

export const noMetrics: AdmissionMetrics = Object.freeze({
  requestStarted: () => undefined,
  requestFinished: () => undefined,
  injected: () => undefined,
  failed: () => undefined,
});

export function createAdmissionMetrics(registry: Registry, maxNamespaces = MAX_NAMESPACE_LABELS): AdmissionMetrics {
  collectDefaultMetrics({ register: registry });
  const label = createNamespaceLabels(maxNamespaces);
  const queue = new Gauge({
    name: 'vault_agent_injector_request_queue_length',
    help: 'Count of webhook requests in the injector request queue',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'vault_agent_injector_request_processing_duration_ms',
    help: 'Time taken to process a request in milliseconds',
    buckets: [...DURATION_BUCKETS_MS],
    registers: [registry],
  });
  const injections = new Counter({
    name: 'vault_agent_injector_injections_by_namespace_total',
    help: 'Total count of Agent Sidecar injections by namespace',
    labelNames: ['namespace', 'injection_type'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'vault_agent_injector_failed_injections_by_namespace_total',
    help: 'Total count of failed Agent Sidecar injections by namespace',
    labelNames: ['namespace'],
    registers: [registry],
  });
  return {
    requestStarted: () => {
      queue.inc();
    },
    requestFinished: (ms) => {
      queue.dec();
      duration.observe(ms);
    },
    injected: (namespace, injection) => {
      injections.inc({ namespace: label(namespace), injection_type: injection });
    },
    failed: (namespace) => {
      failures.inc({ namespace: label(namespace) });
    },
  };
}
