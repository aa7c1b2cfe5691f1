// The vault-k8s injector's Prometheus metrics (spec/injector.md §3.5), same names and semantics,
// registered on a registry the caller owns (so tests never share the global one), plus
// prom-client's default process metrics.
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

export const noMetrics: AdmissionMetrics = Object.freeze({
  requestStarted: () => undefined,
  requestFinished: () => undefined,
  injected: () => undefined,
  failed: () => undefined,
});

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  collectDefaultMetrics({ register: registry });
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
    requestStarted: () => { queue.inc(); },
    requestFinished: (ms) => {
      queue.dec();
      duration.observe(ms);
    },
    injected: (namespace, injection) => { injections.inc({ namespace, injection_type: injection }); },
    failed: (namespace) => { failures.inc({ namespace }); },
  };
}
