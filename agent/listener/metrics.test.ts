import { describe, expect, it } from '@jest/globals';
import { AgentMetrics } from './metrics.ts';

const telemetry = {
  disableHostname: false,
  prometheusRetentionMs: 86_400_000,
  metricsPrefix: 'vault',
  blockedPrefixes: [] as string[],
  unusedSinks: [] as string[],
};

describe('agent metrics', () => {
  it("serves Vault Agent's names in go-metrics' JSON shape, the host name in gauges unless disabled", () => {
    const m = new AgentMetrics(telemetry, 'pod-1');
    m.incr('agent.cache.hit');
    m.incr('agent.cache.hit');
    m.gauge('agent.authenticated', () => 1);
    expect(JSON.parse(m.json(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))))).toEqual({
      Timestamp: '2026-01-02 03:04:05 +0000 UTC',
      Gauges: [{ Name: 'vault.pod-1.agent.authenticated', Value: 1, Labels: {} }],
      Points: [],
      Counters: [
        { Name: 'vault.agent.cache.hit', Count: 2, Rate: 0.2, Sum: 2, Min: 1, Max: 1, Mean: 1, Stddev: 0, Labels: {} },
      ],
      Samples: [],
    });
    const plain = new AgentMetrics({ ...telemetry, disableHostname: true }, 'pod-1');
    plain.gauge('agent.authenticated', () => 0);
    expect(plain.prometheus()).toBe(
      '# HELP vault_agent_authenticated vault_agent_authenticated\n# TYPE vault_agent_authenticated gauge\nvault_agent_authenticated 0\n',
    );
  });

  it('honours prefix_filter blocks, metrics_prefix and a zero prometheus_retention_time', () => {
    const m = new AgentMetrics(
      { ...telemetry, metricsPrefix: 'agent1', blockedPrefixes: ['agent1.agent.cache'], prometheusRetentionMs: 0 },
      'h',
    );
    m.incr('agent.cache.miss');
    m.incr('agent.proxy.success');
    expect(m.prometheusEnabled).toBe(false);
    expect((JSON.parse(m.json(new Date(0))) as { Counters: { Name: string }[] }).Counters.map((c) => c.Name)).toEqual([
      'agent1.agent.proxy.success',
    ]);
  });
});
