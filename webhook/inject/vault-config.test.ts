import { describe, expect, it } from '@jest/globals';
import type { AgentConfig, TemplateStanza } from '../../shared/agent-config.ts';
import { admit, podWith, testConfig } from '../../test/helpers/pods.ts';

const VAULT_IMAGE = { AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' };
const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const P = 'vault.hashicorp.com/';

function base(extra: Partial<AgentConfig> = {}): AgentConfig {
  return {
    auto_auth: {
      method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: TOKEN_PATH } },
      sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
    },
    exit_after_auth: true,
    pid_file: '/home/vault/.pid',
    vault: { address: 'http://vault.vault.svc:8200' },
    template_config: { exit_on_retry_failure: true },
    ...extra,
  };
}

const mapTemplate = (path: string): string =>
  `{{ with secret "${path}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`;
const tpl = (destination: string, rest: Partial<TemplateStanza>): TemplateStanza => ({
  destination,
  ...rest,
  left_delimiter: '{{',
  right_delimiter: '}}',
});
const annotate = (a: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k.includes('/') ? k : P + k, v]));

/** [name, annotations, webhook env, expected init config, expected sidecar config (defaults to init with exit_after_auth false)] */
const CASES: [string, Record<string, string>, Record<string, string>, AgentConfig, AgentConfig?][] = [
  [
    'one secret with the default map template',
    { 'agent-inject-secret-db': 'database/creds/db' },
    {},
    base({
      template: [
        {
          destination: '/vault/secrets/db',
          contents: mapTemplate('database/creds/db'),
          left_delimiter: '{{',
          right_delimiter: '}}',
        },
      ],
    }),
  ],
  [
    'the json default template, chosen case-insensitively',
    { 'agent-inject-secret-db': 'kv/db', 'agent-inject-default-template': 'JSON' },
    {},
    base({
      template: [tpl('/vault/secrets/db', { contents: '{{ with secret "kv/db" }}{{ .Data | toJSON }}\n{{ end }}' })],
    }),
  ],
  [
    'templates sorted by name with every per-secret option',
    {
      'agent-inject-secret-zeta': 'kv/z',
      'agent-inject-template-Alpha': '[[ .Data ]]',
      'agent-template-left-delim-Alpha': '[[',
      'agent-template-right-delim-Alpha': ']]',
      'agent-inject-file-Alpha': 'conf/alpha.ini',
      'agent-inject-perms-Alpha': '0600',
      'agent-inject-command-Alpha': 'pkill -HUP app',
      'error-on-missing-key-Alpha': 'true',
      'agent-inject-template-file-mid': '/vault/custom/mid.tpl',
      'preserve-secret-case-zeta': 'true',
    },
    {},
    base({
      template: [
        {
          destination: '/vault/secrets/conf/alpha.ini',
          contents: '[[ .Data ]]',
          left_delimiter: '[[',
          right_delimiter: ']]',
          command: 'pkill -HUP app',
          perms: '0600',
          error_on_missing_key: true,
        },
        tpl('/vault/secrets/mid', { source: '/vault/custom/mid.tpl' }),
        tpl('/vault/secrets/zeta', { contents: mapTemplate('kv/z') }),
      ],
    }),
  ],
  [
    'custom secret volume paths and the token sink',
    {
      'secret-volume-path': '/etc/secrets/',
      'agent-inject-secret-a': 'kv/a',
      'agent-inject-secret-b': 'kv/b',
      'secret-volume-path-b': '/opt/b',
      'agent-inject-token': 'true',
    },
    {},
    base({
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: TOKEN_PATH } },
        sink: [
          { type: 'file', config: { path: '/home/vault/.vault-token' } },
          { type: 'file', config: { path: '/etc/secrets/token' } },
        ],
      },
      template: [
        tpl('/etc/secrets/a', { contents: mapTemplate('kv/a') }),
        tpl('/opt/b/b', { contents: mapTemplate('kv/b') }),
      ],
    }),
  ],
  [
    'a persistent cache in both agents, with enable-quit',
    {
      'agent-cache-enable': 'true',
      'agent-cache-exit-on-err': 'true',
      'agent-enable-quit': 'true',
      'agent-cache-listener-port': '8300',
    },
    {},
    base({
      listener: [{ type: 'tcp', address: '127.0.0.1:8300', tls_disable: true, agent_api: { enable_quit: true } }],
      cache: {
        use_auto_auth_token: 'true',
        persist: { type: 'kubernetes', path: '/vault/agent-cache', exit_on_err: true },
      },
    }),
  ],
  [
    'an in-memory cache in the sidecar only without pre-populate',
    { 'agent-cache-enable': 'true', 'agent-pre-populate': 'false', 'agent-cache-use-auto-auth-token': 'force' },
    {},
    base({
      exit_after_auth: false,
      listener: [{ type: 'tcp', address: '127.0.0.1:8200', tls_disable: true }],
      cache: { use_auto_auth_token: 'force' },
    }),
  ],
  [
    'TLS to Vault',
    {
      service: 'https://vault.example:8200',
      'tls-skip-verify': 'true',
      'ca-cert': '/vault/tls/ca.crt',
      'ca-key': '/vault/tls/capath',
      'client-cert': '/vault/tls/tls.crt',
      'client-key': '/vault/tls/tls.key',
      'tls-server-name': 'vault.example',
    },
    {},
    base({
      vault: {
        address: 'https://vault.example:8200',
        ca_cert: '/vault/tls/ca.crt',
        ca_path: '/vault/tls/capath',
        tls_skip_verify: true,
        client_cert: '/vault/tls/tls.crt',
        client_key: '/vault/tls/tls.key',
        tls_server_name: 'vault.example',
      },
    }),
  ],
  [
    'auth type, path, config, namespace, backoff and exit-on-err',
    {
      'auth-type': 'jwt',
      'auth-path': 'auth/jwt-k8s',
      'auth-config-remove-jwt-after-reading': 'false',
      'auth-config-token-path': '/var/run/token',
      namespace: 'team-a',
      'auth-min-backoff': '2s',
      'auth-max-backoff': '1m',
      'agent-auto-auth-exit-on-err': 'true',
    },
    {},
    base({
      auto_auth: {
        method: {
          type: 'jwt',
          mount_path: 'auth/jwt-k8s',
          min_backoff: '2s',
          max_backoff: '1m',
          namespace: 'team-a',
          config: { remove_jwt_after_reading: 'false', role: 'app', token_path: '/var/run/token' },
          exit_on_err: true,
        },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
      },
    }),
  ],
  [
    'template_config and disable lists from annotations',
    {
      'template-config-exit-on-retry-failure': 'false',
      'template-static-secret-render-interval': '2m',
      'template-max-connections-per-host': '20',
      'template-lease-renewal-threshold': '0.75',
      'agent-disable-idle-connections': 'auto-auth, caching',
      'agent-disable-keep-alives': 'templating',
    },
    {},
    base({
      template_config: {
        exit_on_retry_failure: false,
        static_secret_render_interval: '2m',
        max_connections_per_host: 20,
        lease_renewal_threshold: 0.75,
      },
      disable_idle_connections: ['auto-auth', 'caching'],
      disable_keep_alives: ['templating'],
    }),
  ],
  [
    'template_config defaults from the webhook, lease threshold included',
    {},
    {
      AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: '0.5',
      AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST: '5',
      AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL: '10m',
      AGENT_INJECT_VAULT_NAMESPACE: 'ns1',
      AGENT_INJECT_AUTH_MIN_BACKOFF: '1s',
    },
    base({
      auto_auth: {
        method: {
          type: 'kubernetes',
          mount_path: 'auth/kubernetes',
          min_backoff: '1s',
          namespace: 'ns1',
          config: { role: 'app', token_path: TOKEN_PATH },
        },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
      },
      template_config: {
        exit_on_retry_failure: true,
        static_secret_render_interval: '10m',
        max_connections_per_host: 5,
        lease_renewal_threshold: 0.5,
      },
    }),
  ],
  [
    'telemetry fitted to the schema, zero values dropped',
    {
      'agent-telemetry-prometheus-retention-time': '24h',
      'agent-telemetry-disable-hostname': 'true',
      'agent-telemetry-maximum-gauge-cardinality': '500',
      'agent-telemetry-prefix-filter': '["+vault.token", "-vault.expire"]',
      'agent-telemetry-filter-default': 'false',
    },
    {},
    base({
      telemetry: {
        disable_hostname: true,
        maximum_gauge_cardinality: 500,
        prefix_filter: ['+vault.token', '-vault.expire'],
        prometheus_retention_time: '24h',
      },
    }),
  ],
];

describe("VAULT_CONFIG (HashiCorp image, exactly vault-k8s's keys)", () => {
  // A rest parameter keeps the callback's arity at 4, so Jest does not mistake it for a `done` test.
  it.each(CASES)('%s', (_name, annotations, env, init, ...[sidecar]) => {
    const out = admit(podWith('minimal-pod', annotate(annotations)), testConfig({ ...VAULT_IMAGE, ...env }));
    expect(out.result).toMatchObject({ allowed: true });
    if (annotations['agent-pre-populate'] !== 'false') expect(out.initConfig).toEqual(init);
    expect(out.sidecarConfig).toEqual(sidecar ?? { ...init, exit_after_auth: false });
  });

  it('gives the init agent no cache when only the sidecar has one', () => {
    const out = admit(
      podWith('minimal-pod', annotate({ 'agent-cache-enable': 'true', 'agent-pre-populate-only': 'true' })),
      testConfig(VAULT_IMAGE),
    );
    expect(out.initConfig).toEqual(base());
  });
});

describe('VAULT_CONFIG (vaultlet image extensions)', () => {
  it('adds the engine to each template, a reload URL, and the vaultlet stanza; only the sidecar revokes', () => {
    const out = admit(
      podWith(
        'minimal-pod',
        annotate({
          'agent-inject-secret-db': 'kv/db',
          'agent-inject-template-app': '{{#each items}}{{this}}{{/each}}',
          'vaultlet.io/template-engine': 'handlebars',
          'vaultlet.io/agent-inject-reload-url-app': 'http://127.0.0.1:9000/-/reload',
          'agent-revoke-on-shutdown': 'true',
        }),
      ),
    );
    const templates = [
      tpl('/vault/secrets/app', {
        contents: '{{#each items}}{{this}}{{/each}}',
        engine: 'handlebars',
        reload_url: 'http://127.0.0.1:9000/-/reload',
      }),
      tpl('/vault/secrets/db', { contents: mapTemplate('kv/db'), engine: 'go' }),
    ];
    const vaultlet = {
      state_dir: '/vault/agent-state',
      ready_file: '/vault/agent-state/ready',
      destination_roots: ['/vault/secrets'],
    };
    expect(out.initConfig).toEqual(base({ template: templates, vaultlet: { ...vaultlet, revoke_on_shutdown: false } }));
    expect(out.sidecarConfig).toEqual(
      base({ exit_after_auth: false, template: templates, vaultlet: { ...vaultlet, revoke_on_shutdown: true } }),
    );
    expect(out.sidecar?.args).toEqual(['agent', '-revoke-on-shutdown']);
    expect(out.sidecar?.lifecycle).toBeUndefined();
    expect(out.init?.args).toEqual(['agent']);
  });
});
