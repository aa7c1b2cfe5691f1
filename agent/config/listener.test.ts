import { describe, expect, it } from '@jest/globals';
import { encodeAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { loadAgentSettings } from '../config.ts';
import { resolveProxy } from './listener.ts';
import { Problems } from './problems.ts';

function parse(config: Record<string, unknown>): { proxy: ReturnType<typeof resolveProxy>; problems: string[] } {
  const problems = new Problems();
  const proxy = resolveProxy(config, problems);
  return { proxy, problems: problems.list.map((p) => `${p.field}: ${p.message}`) };
}

/** What vault-k8s generates with agent-cache-enable on an init + sidecar pod. */
const VAULT_K8S: AgentConfig = {
  auto_auth: {
    method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app' } },
    sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
  },
  vault: { address: 'https://vault.vault.svc:8200' },
  listener: [{ type: 'tcp', address: '127.0.0.1:8200', tls_disable: true, agent_api: { enable_quit: true } }],
  cache: {
    use_auto_auth_token: 'true',
    persist: { type: 'kubernetes', path: '/vault/agent-cache', exit_on_err: true },
  },
  template: [{ destination: '/vault/secrets/a', contents: 'a' }],
};

describe('listener, cache, api_proxy and telemetry config', () => {
  it('reads what vault-k8s generates: a tcp listener without TLS, auto-auth token, quit, persist kubernetes', () => {
    const { proxy, problems } = parse(VAULT_K8S as Record<string, unknown>);
    expect(problems).toEqual([]);
    expect(proxy).toEqual({
      listeners: [
        {
          index: 0,
          type: 'tcp',
          address: '127.0.0.1:8200',
          requireRequestHeader: false,
          role: 'default',
          enableQuit: true,
        },
      ],
      useAutoAuthToken: true,
      cache: { persist: { type: 'kubernetes', path: '/vault/agent-cache', keepAfterImport: false, exitOnErr: true } },
      telemetry: {
        disableHostname: false,
        prometheusRetentionMs: 24 * 3600_000,
        metricsPrefix: 'vault',
        blockedPrefixes: [],
        unusedSinks: [],
      },
    });
  });

  it('maps the persistent cache path onto the hand-off state directory (one lease per init + sidecar pod)', () => {
    const settings = loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(VAULT_K8S) }, () => '');
    expect(settings.stateDir).toBe('/vault/agent-cache');
    const own = loadAgentSettings(
      [],
      { VAULT_CONFIG: encodeAgentConfig({ ...VAULT_K8S, vaultlet: { state_dir: '/vault/agent-state' } }) },
      () => '',
    );
    expect(own.stateDir).toBe('/vault/agent-state');
  });

  it('is absent without listener and cache, so the listener code is never loaded', () => {
    const { listener: _l, cache: _c, ...withoutListener } = VAULT_K8S;
    expect(parse({}).proxy).toBeUndefined();
    const settings = loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(withoutListener) }, () => '');
    expect(settings.proxy).toBeUndefined();
  });

  it('reads use_auto_auth_token as Vault does: bool, "force", or a bool string; api_proxy wins over the legacy spelling', () => {
    const mode = (v: unknown, where: 'cache' | 'api_proxy' = 'api_proxy'): unknown =>
      parse({ listener: [{ type: 'tcp', tls_disable: true }], [where]: { use_auto_auth_token: v } }).proxy
        ?.useAutoAuthToken;
    expect([
      mode(true),
      mode(false),
      mode('force'),
      mode('FORCE'),
      mode('true'),
      mode('f'),
      mode('force', 'cache'),
      mode(undefined),
    ]).toEqual([true, false, 'force', 'force', true, false, 'force', false]);
    expect(
      parse({ listener: [{ type: 'tcp', tls_disable: true }], api_proxy: { use_auto_auth_token: 'sometimes' } })
        .problems,
    ).toEqual(['api_proxy.use_auto_auth_token: must be true, false or "force"']);
    expect(
      parse({
        listener: [{ type: 'tcp', tls_disable: true }],
        api_proxy: { use_auto_auth_token: true },
        cache: { use_auto_auth_token: true },
      }).problems,
    ).toEqual(['cache.use_auto_auth_token: is also set in api_proxy; remove it from the cache block']);
  });

  it('names every listener problem: type, address, TLS files, role, unknown keys', () => {
    const { problems } = parse({
      listener: [
        { type: 'udp', address: 'x' },
        { type: 'tcp', address: 'no-port', tls_disable: true, role: 'admin', require_request_header: 'yes', bogus: 1 },
        { type: 'tcp', address: '127.0.0.1:8200' },
        { type: 'unix' },
        { type: 'unix', address: 'relative.sock', tls_disable: true },
      ],
    });
    expect(problems).toEqual([
      'listener[0].type: must be "tcp" or "unix" (got "udp")',
      'listener[1].bogus: unknown key',
      'listener[1].address: must be host:port',
      'listener[1].role: must be "default" or "metrics_only"',
      'listener[1].require_request_header: must be true or false',
      'listener[2]: needs tls_cert_file and tls_key_file unless tls_disable is true',
      'listener[3].address: is required for a unix listener',
      'listener[4].address: must be an absolute path',
    ]);
  });

  it('takes TLS files, the metrics_only role and require_request_header', () => {
    const { proxy, problems } = parse({
      listener: [
        {
          type: 'tcp',
          address: '[::1]:8300',
          tls_cert_file: '/tls/crt.pem',
          tls_key_file: '/tls/key.pem',
          require_request_header: true,
        },
        { type: 'unix', address: '/run/agent.sock', tls_disable: 'true', role: 'metrics_only' },
      ],
    });
    expect(problems).toEqual([]);
    expect(proxy?.listeners).toEqual([
      {
        index: 0,
        type: 'tcp',
        address: '[::1]:8300',
        tls: { certFile: '/tls/crt.pem', keyFile: '/tls/key.pem', requireClientCert: false },
        requireRequestHeader: true,
        role: 'default',
        enableQuit: false,
      },
      {
        index: 1,
        type: 'unix',
        address: '/run/agent.sock',
        requireRequestHeader: false,
        role: 'metrics_only',
        enableQuit: false,
      },
    ]);
  });

  it('rejects persist types other than kubernetes, Enterprise consistency options, a cache with nothing to serve', () => {
    expect(parse({ cache: { persist: { type: 'disk', path: '/x' } }, template: [] }).problems).toEqual([
      'cache.persist.type: must be "kubernetes" (got "disk")',
    ]);
    expect(
      parse({ cache: { persist: { type: 'kubernetes' } }, listener: [{ type: 'tcp', tls_disable: true }] }).problems,
    ).toEqual(['cache.persist.path: is required']);
    expect(
      parse({ listener: [{ type: 'tcp', tls_disable: true }], api_proxy: { enforce_consistency: 'always' } }).problems,
    ).toEqual(['api_proxy.enforce_consistency: is a Vault Enterprise option and is not supported']);
    expect(parse({ cache: {} }).problems).toEqual([
      'cache: enabling the cache requires at least one template or one listener',
    ]);
    expect(parse({ api_proxy: {} }).problems).toEqual(['api_proxy: needs at least one listener']);
  });

  it('reads telemetry as vault-k8s emits it, and rejects wrong types and unknown keys', () => {
    const ok = parse({
      listener: [{ type: 'tcp', tls_disable: true }],
      telemetry: {
        disable_hostname: true,
        prometheus_retention_time: '30s',
        prefix_filter: ['-vault.agent.cache', '+vault.agent'],
        maximum_gauge_cardinality: 500,
      },
    });
    expect(ok.problems).toEqual([]);
    expect(ok.proxy?.telemetry).toEqual({
      disableHostname: true,
      prometheusRetentionMs: 30_000,
      metricsPrefix: 'vault',
      blockedPrefixes: ['vault.agent.cache'],
      unusedSinks: [],
    });
    expect(
      parse({ listener: [{ type: 'tcp', tls_disable: true }], telemetry: { disable_hostname: 'maybe', nope: 1 } })
        .problems,
    ).toEqual(['telemetry.nope: unknown key', 'telemetry.disable_hostname: must be true or false']);
  });

  it('accepts every key and type of the telemetry schema vault-k8s fits annotations into', () => {
    const telemetry = {
      usage_gauge_period: '10m',
      lease_metrics_epsilon: '1h',
      prometheus_retention_time: '24h',
      dogstatsd_addr: 'localhost:8125',
      stackdriver_project_id: 'p',
      maximum_gauge_cardinality: 5_000_000,
      num_lease_metrics_buckets: 168,
      disable_hostname: true,
      enable_hostname_label: true,
      add_lease_metrics_namespace_labels: false,
      filter_default: true,
      prefix_filter: ['+vault.agent'],
      dogstatsd_tags: ['env:prod'],
    };
    expect(parse({ listener: [{ type: 'tcp', tls_disable: true }], telemetry }).problems).toEqual([]);
  });

  it('notes push sinks it does not implement, so the agent can warn', () => {
    const t = parse({
      listener: [{ type: 'tcp', tls_disable: true }],
      telemetry: { statsd_address: 'statsd:8125', disable_hostname: true },
    });
    expect(t.proxy?.telemetry.unusedSinks).toEqual(['statsd_address']);
  });

  it('fails the whole config with every problem named (ConfigError)', () => {
    expect(() =>
      loadAgentSettings(
        [],
        { VAULT_CONFIG: encodeAgentConfig({ ...VAULT_K8S, listener: [{ type: 'tcp', address: 'x' }] }) },
        () => '',
      ),
    ).toThrow(ConfigError);
  });

  it('reads max_connections (a whole number from 1 to 65535), absent unless set', () => {
    const withCap = (value: unknown): ReturnType<typeof parse> =>
      parse({
        ...VAULT_K8S,
        listener: [{ type: 'tcp', address: '127.0.0.1:8200', tls_disable: true, max_connections: value }],
      });
    expect(withCap(16).proxy?.listeners[0]?.maxConnections).toBe(16);
    expect(parse(VAULT_K8S as Record<string, unknown>).proxy?.listeners[0]?.maxConnections).toBeUndefined();
    expect(withCap(0).problems).toEqual([expect.stringContaining('listener[0].max_connections')]);
    expect(withCap('many').problems).toEqual([expect.stringContaining('listener[0].max_connections')]);
  });
});
