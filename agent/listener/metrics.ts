// Vault Agent's metrics (names as Vault Agent emits them: `vault.agent.proxy.success`, ...), kept
// as running totals and served by `/agent/v1/metrics` in go-metrics' JSON shape or the Prometheus
// text format. Honours `telemetry` disable_hostname, metrics_prefix, prefix_filter (blocked
// prefixes) and prometheus_retention_time (0 turns the Prometheus format off).
import type { TelemetrySettings } from '../config/listener.ts';

export const AGENT_COUNTERS = [
  'agent.auth.failure',
  'agent.auth.success',
  'agent.proxy.success',
  'agent.proxy.client_error',
  'agent.proxy.error',
  'agent.cache.hit',
  'agent.cache.miss',
] as const;
export type AgentCounter = (typeof AGENT_COUNTERS)[number];
export const AGENT_GAUGES = ['agent.authenticated'] as const;
export type AgentGauge = (typeof AGENT_GAUGES)[number];

interface CounterValue {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class AgentMetrics {
  readonly #telemetry: TelemetrySettings;
  readonly #hostname: string;
  readonly #counters = new Map<AgentCounter, CounterValue>();
  readonly #gauges = new Map<AgentGauge, () => number>();

  constructor(telemetry: TelemetrySettings, hostname: string) {
    this.#telemetry = telemetry;
    this.#hostname = hostname;
  }

  incr(name: AgentCounter, by = 1): void {
    const c = this.#counters.get(name);
    if (c === undefined) this.#counters.set(name, { count: 1, sum: by, min: by, max: by });
    else {
      c.count++;
      c.sum += by;
      c.min = Math.min(c.min, by);
      c.max = Math.max(c.max, by);
    }
  }

  /** A gauge read when metrics are served. */
  gauge(name: AgentGauge, read: () => number): void {
    this.#gauges.set(name, read);
  }

  count(name: AgentCounter): number {
    return this.#counters.get(name)?.sum ?? 0;
  }

  get prometheusEnabled(): boolean {
    return this.#telemetry.prometheusRetentionMs > 0;
  }

  /** go-metrics' InmemSink display shape (what Vault Agent answers without `format`). */
  json(now: Date): string {
    const gauges = [...this.#gauges]
      .filter(([n]) => this.#shown(n))
      .map(([n, read]) => ({ Name: this.#gaugeName(n), Value: read(), Labels: {} }));
    const counters = [...this.#counters]
      .filter(([n]) => this.#shown(n))
      .map(([n, c]) => ({
        Name: `${this.#telemetry.metricsPrefix}.${n}`,
        Count: c.count,
        Rate: c.sum / 10,
        Sum: c.sum,
        Min: c.min,
        Max: c.max,
        Mean: c.sum / c.count,
        Stddev: 0,
        Labels: {},
      }));
    return `${JSON.stringify({ Timestamp: goTime(now), Gauges: gauges, Points: [], Counters: counters, Samples: [] })}\n`;
  }

  /** Prometheus text exposition format, names with `_` for `.`. */
  prometheus(): string {
    const lines: string[] = [];
    for (const [n, read] of this.#gauges) {
      if (!this.#shown(n)) continue;
      const name = promName(this.#gaugeName(n));
      lines.push(`# HELP ${name} ${name}`, `# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    for (const [n, c] of this.#counters) {
      if (!this.#shown(n)) continue;
      const name = promName(`${this.#telemetry.metricsPrefix}.${n}`);
      lines.push(`# HELP ${name} ${name}`, `# TYPE ${name} counter`, `${name} ${c.sum}`);
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  #gaugeName(n: AgentGauge): string {
    // go-metrics puts the host name into gauge names unless disable_hostname is set.
    return this.#telemetry.disableHostname
      ? `${this.#telemetry.metricsPrefix}.${n}`
      : `${this.#telemetry.metricsPrefix}.${this.#hostname}.${n}`;
  }

  #shown(n: string): boolean {
    const full = `${this.#telemetry.metricsPrefix}.${n}`;
    return !this.#telemetry.blockedPrefixes.some((p) => full.startsWith(p));
  }
}

function promName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** Go's time.Time String() in UTC, as go-metrics prints the interval's timestamp. */
function goTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}
