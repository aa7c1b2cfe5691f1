import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import {
  createAdmissionMetrics,
  createNamespaceLabels,
  MAX_NAMESPACE_LABELS,
  OTHER_NAMESPACE,
} from './injector-metrics.ts';

describe('the namespace label', () => {
  it('keeps each valid namespace while there is room, then counts the rest as one other label', () => {
    const label = createNamespaceLabels(2);
    expect(['team', 'ops', 'team', 'third', 'ops'].map(label)).toEqual(['team', 'ops', 'team', OTHER_NAMESPACE, 'ops']);
  });

  it('never takes a name that is not a namespace name as its own label', () => {
    const label = createNamespaceLabels(10);
    const forged = ['', 'Team', 'a_b', '-x', 'x-', 'a'.repeat(64), 'ns\n', '"} 1\nfake_metric{a="'];
    expect(forged.map(label)).toEqual(forged.map(() => OTHER_NAMESPACE));
    expect(label('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('holds the series bounded under 100k forged namespaces', async () => {
    const registry = new Registry();
    const metrics = createAdmissionMetrics(registry);
    for (let i = 0; i < 100_000; i += 1) {
      metrics.injected(`forged-${i.toString(36)}`, 'init_and_sidecar');
      metrics.failed(`forged-${i.toString(36)}`);
    }
    const text = await registry.metrics();
    const count = (prefix: string): number => text.split('\n').filter((l) => l.startsWith(prefix)).length;
    expect(count('vault_agent_injector_injections_by_namespace_total{')).toBe(MAX_NAMESPACE_LABELS + 1);
    expect(count('vault_agent_injector_failed_injections_by_namespace_total{')).toBe(MAX_NAMESPACE_LABELS + 1);
    expect(text).toContain(
      `vault_agent_injector_failed_injections_by_namespace_total{namespace="${OTHER_NAMESPACE}"} 99000`,
    );
  });
});
