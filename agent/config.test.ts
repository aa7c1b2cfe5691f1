import { describe, expect, it } from '@jest/globals';
import { encodeAgentConfig, type AgentConfig } from '../shared/agent-config.ts';
import { ConfigError, type FieldError } from '../shared/errors.ts';
import { loadAgentSettings, type AgentSettings } from './config.ts';

const SENTINEL = 'SENTINEL-s3cr3t-7f1e';

/** The config vault-k8s generates for a sidecar. */
const INJECTED: AgentConfig = {
  auto_auth: {
    method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'db-app', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
    sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
  },
  exit_after_auth: false,
  pid_file: '/home/vault/.pid',
  vault: { address: 'https://vault.vault.svc:8200' },
  template: [
    {
      destination: '/vault/secrets/db-creds',
      contents: '{{ with secret "database/creds/db-app" }}{{ .Data.username }}{{ end }}',
      left_delimiter: '{{',
      right_delimiter: '}}',
    },
  ],
  template_config: { exit_on_retry_failure: true },
};

const noFiles = (p: string): string => {
  throw new Error(`unexpected read of ${p}`);
};

function filesFrom(files: Record<string, unknown>): (p: string) => string {
  return (p) => {
    const v = files[p];
    if (v === undefined) throw new Error('ENOENT');
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
}

function problemsOf(fn: () => unknown): FieldError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.fieldErrors];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function withConfig(patch: (c: Record<string, unknown>) => void): Record<string, unknown> {
  const c = structuredClone(INJECTED) as unknown as Record<string, unknown>;
  patch(c);
  return c;
}

const EXPECTED_INJECTED: AgentSettings = {
  config: INJECTED,
  vault: { address: 'https://vault.vault.svc:8200', skipVerify: false, numRetries: 12, timeoutMs: 60_000 },
  auth: {
    type: 'kubernetes',
    mountPath: 'auth/kubernetes',
    role: 'db-app',
    tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    minBackoffMs: 1000,
    maxBackoffMs: 300_000,
    exitOnErr: false,
  },
  sinks: [{ path: '/home/vault/.vault-token', mode: 0o640 }],
  templates: [
    {
      index: 0,
      destination: '/vault/secrets/db-creds',
      destinationRoots: ['/vault/secrets'],
      contents: '{{ with secret "database/creds/db-app" }}{{ .Data.username }}{{ end }}',
      leftDelimiter: '{{',
      rightDelimiter: '}}',
      commandTimeoutMs: 30_000,
      errorOnMissingKey: false,
      engine: 'go',
      createDestDirs: true,
    },
  ],
  templateConfig: {
    exitOnRetryFailure: true,
    staticSecretRenderIntervalMs: 300_000,
    leaseRenewalThreshold: 0.9,
    maxConnectionsPerHost: 10,
    retryInitialMs: 250,
    retryMaxMs: 60_000,
  },
  exitAfterAuth: false,
  pidFile: '/home/vault/.pid',
  revokeOnShutdown: false,
  destinationRoots: [],
  logLevel: 'info',
  logFormat: 'standard',
  disableIdleConnections: [],
  disableKeepAlives: [],
};

describe('loadAgentSettings', () => {
  it('resolves the injector-generated config from VAULT_CONFIG (base64) with Vault Agent defaults', () => {
    const settings = loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(INJECTED) }, noFiles);
    expect(settings).toEqual(EXPECTED_INJECTED);
  });

  it('returns deep-frozen settings', () => {
    const settings = loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(INJECTED) }, noFiles);
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.templates[0])).toBe(true);
    expect(Object.isFrozen(settings.config.auto_auth?.method.config)).toBe(true);
  });

  it('resolves every optional key of a full config', () => {
    const config = {
      ...INJECTED,
      exit_after_auth: true,
      vault: { address: 'http://127.0.0.1:8200/', ca_cert: '/vault/tls/ca.crt', ca_path: '/vault/tls', client_cert: '/c.crt', client_key: '/c.key', tls_skip_verify: 'true', tls_server_name: 'vault', namespace: 'ns1', retry: { num_retries: -1 } },
      auto_auth: {
        method: { type: 'kubernetes', mount_path: '/auth/k8s-east/', namespace: 'team-a', min_backoff: '2s', max_backoff: '1m', exit_on_err: true, config: { role: 'r' } },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token', mode: 0o600 } }, { type: 'file', config: { path: '/vault/secrets/token', mode: '0440' } }],
      },
      template: [{
        destination: '/vault/secrets/app/config.json', source: '/vault/configs/app.tmpl', left_delimiter: '[[', right_delimiter: ']]',
        command: ['kill', '-HUP', '1'], command_timeout: '5s', perms: '0600', error_on_missing_key: true, create_dest_dirs: false,
        engine: 'handlebars', reload_url: 'http://127.0.0.1:8080/-/reload',
      }, { destination: '/vault/secrets/b', contents: 'x', exec: { command: 'echo changed', timeout: '10s' } }],
      template_config: { exit_on_retry_failure: false, static_secret_render_interval: '30s', max_connections_per_host: 3, lease_renewal_threshold: 0.75 },
      disable_idle_connections: ['templating'],
      vaultlet: { state_dir: '/vault/agent-state', ready_file: '/vault/agent-state/ready', revoke_on_shutdown: true, destination_roots: ['/vault/secrets/'] },
      log_level: 'debug',
      log_format: 'json',
    };
    const s = loadAgentSettings(['-config=/etc/agent.json'], {}, filesFrom({ '/etc/agent.json': config }));
    expect({ ...s, config: undefined }).toEqual({
      config: undefined,
      vault: {
        address: 'http://127.0.0.1:8200', caCertPath: '/vault/tls/ca.crt', caPath: '/vault/tls', clientCertPath: '/c.crt', clientKeyPath: '/c.key',
        skipVerify: true, tlsServerName: 'vault', namespace: 'ns1', numRetries: 0, timeoutMs: 60_000,
      },
      auth: { type: 'kubernetes', mountPath: 'auth/k8s-east', role: 'r', tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token', namespace: 'team-a', minBackoffMs: 2000, maxBackoffMs: 60_000, exitOnErr: true },
      sinks: [{ path: '/home/vault/.vault-token', mode: 0o600 }, { path: '/vault/secrets/token', mode: 0o440 }],
      templates: [
        {
          index: 0, destination: '/vault/secrets/app/config.json', destinationRoots: ['/vault/secrets'], source: '/vault/configs/app.tmpl',
          leftDelimiter: '[[', rightDelimiter: ']]', perms: 0o600, command: ['kill', '-HUP', '1'], commandTimeoutMs: 5000,
          errorOnMissingKey: true, engine: 'handlebars', reloadUrl: 'http://127.0.0.1:8080/-/reload', createDestDirs: false,
        },
        {
          index: 1, destination: '/vault/secrets/b', destinationRoots: ['/vault/secrets'], contents: 'x', leftDelimiter: '{{', rightDelimiter: '}}',
          command: 'echo changed', commandTimeoutMs: 10_000, errorOnMissingKey: false, engine: 'go', createDestDirs: true,
        },
      ],
      templateConfig: { exitOnRetryFailure: false, staticSecretRenderIntervalMs: 30_000, leaseRenewalThreshold: 0.75, maxConnectionsPerHost: 3, retryInitialMs: 2000, retryMaxMs: 60_000 },
      exitAfterAuth: true,
      pidFile: '/home/vault/.pid',
      stateDir: '/vault/agent-state',
      readyFile: '/vault/agent-state/ready',
      revokeOnShutdown: true,
      destinationRoots: ['/vault/secrets'],
      logLevel: 'debug',
      logFormat: 'json',
      disableIdleConnections: ['templating'],
      disableKeepAlives: [],
    });
  });

  it('merges several -config files as Vault Agent does: scalars from the later file, lists appended', () => {
    const a = { ...INJECTED, vault: { address: 'https://a:8200', namespace: 'ns-a' }, template_config: { exit_on_retry_failure: true, max_connections_per_host: 4 } };
    const b = {
      vault: { address: 'https://b:8200' },
      auto_auth: { method: { type: 'kubernetes', config: { role: 'other' } }, sink: [{ type: 'file', config: { path: '/vault/secrets/token' } }] },
      template: [{ destination: '/vault/secrets/two', contents: '2' }],
      template_config: { exit_on_retry_failure: false },
      disable_keep_alives: ['auto-auth'],
    };
    const s = loadAgentSettings(['-config', '/a.json', '--config=/b.json'], {}, filesFrom({ '/a.json': a, '/b.json': b }));
    expect(s.vault.address).toBe('https://b:8200');
    expect(s.vault.namespace).toBe('ns-a');
    expect(s.auth.type === 'kubernetes' ? s.auth.role : undefined).toBe('other');
    expect(s.auth.mountPath).toBe('auth/kubernetes');
    expect(s.sinks).toEqual([{ path: '/home/vault/.vault-token', mode: 0o640 }, { path: '/vault/secrets/token', mode: 0o640 }]);
    expect(s.templates.map((t) => [t.index, t.destination])).toEqual([[0, '/vault/secrets/db-creds'], [1, '/vault/secrets/two']]);
    expect(s.templateConfig.exitOnRetryFailure).toBe(false);
    expect(s.templateConfig.maxConnectionsPerHost).toBe(4);
    expect(s.disableKeepAlives).toEqual(['auto-auth']);
  });

  it('prefers -config over VAULT_CONFIG', () => {
    const s = loadAgentSettings(['-config=/a.json'], { VAULT_CONFIG: 'not even base64!' }, filesFrom({ '/a.json': { ...INJECTED, pid_file: '/from/file' } }));
    expect(s.pidFile).toBe('/from/file');
  });

  it('accepts a literal JSON object in VAULT_CONFIG', () => {
    const s = loadAgentSettings([], { VAULT_CONFIG: JSON.stringify(INJECTED) }, noFiles);
    expect(s).toEqual(EXPECTED_INJECTED);
  });

  it('applies the environment over the config file, as Vault Agent does', () => {
    const config = withConfig((c) => {
      c['vault'] = { address: 'https://from-config:8200', ca_cert: '/cfg/ca.pem', namespace: 'cfg-ns', tls_skip_verify: false, retry: { num_retries: 3 } };
      (c['auto_auth'] as { method: Record<string, unknown> }).method['namespace'] = 'auth-ns';
      c['log_level'] = 'error';
    });
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const env = {
      VAULT_CONFIG: encodeAgentConfig(config),
      VAULT_ADDR: 'https://from-env:8200',
      VAULT_CACERT: '/env/ca.pem',
      VAULT_CAPATH: '/env/cas',
      VAULT_CACERT_BYTES: Buffer.from(pem).toString('base64'),
      VAULT_CLIENT_CERT: '/env/c.pem',
      VAULT_CLIENT_KEY: '/env/k.pem',
      VAULT_SKIP_VERIFY: '1',
      VAULT_TLS_SERVER_NAME: 'vault.internal',
      VAULT_NAMESPACE: 'env-ns',
      VAULT_MAX_RETRIES: '5',
      VAULT_CLIENT_TIMEOUT: '90',
      VAULT_LOG_LEVEL: 'WARN',
      VAULT_LOG_FORMAT: 'json',
      https_proxy: 'proxy.corp:3128',
      VAULT_AGENT_DISABLE_IDLE_CONNECTIONS: 'auto-auth, templating',
      VAULT_AGENT_DISABLE_KEEP_ALIVES: 'caching',
      VAULT_TOKEN: 'ignored',
    };
    const s = loadAgentSettings([], env, noFiles);
    expect(s.vault).toEqual({
      address: 'https://from-env:8200', caCertPath: '/env/ca.pem', caCertPem: pem, caPath: '/env/cas', clientCertPath: '/env/c.pem', clientKeyPath: '/env/k.pem',
      skipVerify: true, tlsServerName: 'vault.internal', namespace: 'env-ns', proxyUrl: 'http://proxy.corp:3128', numRetries: 5, timeoutMs: 90_000,
    });
    expect(s.auth.namespace).toBe('env-ns');
    expect(s.logLevel).toBe('warn');
    expect(s.logFormat).toBe('json');
    expect(s.disableIdleConnections).toEqual(['auto-auth', 'templating']);
    expect(s.disableKeepAlives).toEqual(['caching']);
  });

  it('lets flags win over the environment and accepts PEM text in VAULT_CACERT_BYTES', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const env = { VAULT_CONFIG: encodeAgentConfig(INJECTED), VAULT_LOG_LEVEL: 'error', VAULT_LOG_FORMAT: 'json', VAULT_CACERT_BYTES: pem, HTTPS_PROXY: 'https://p:1', VAULT_MAX_RETRIES: '0' };
    const s = loadAgentSettings(['-log-level', 'trace', '-log-format=standard', '-revoke-on-shutdown', '-exit-after-auth=true'], env, noFiles);
    expect([s.logLevel, s.logFormat, s.revokeOnShutdown, s.exitAfterAuth, s.vault.caCertPem, s.vault.proxyUrl, s.vault.numRetries])
      .toEqual(['trace', 'standard', true, true, pem, 'https://p:1', 12]);
  });

  it('treats empty environment variables as unset', () => {
    const s = loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(INJECTED), VAULT_ADDR: '', VAULT_SKIP_VERIFY: '', VAULT_NAMESPACE: '' }, noFiles);
    expect(s).toEqual(EXPECTED_INJECTED);
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['no auto_auth', withConfig((c) => { delete c['auto_auth']; }), [{ field: 'auto_auth', message: 'is required (vaultlet logs in with auto_auth only)' }]],
    ['an unsupported auth method', withConfig((c) => { c['auto_auth'] = { method: { type: 'alicloud', config: { role: 'r' } }, sink: [] }; }), [
      { field: 'auto_auth.method.type', message: 'auth method "alicloud" is not supported yet (supported: kubernetes, approle, jwt, token_file, cert, aws, gcp, azure)' },
    ]],
    ['kubernetes without role', withConfig((c) => { c['auto_auth'] = { method: { type: 'kubernetes', config: {} } }; }), [
      { field: 'auto_auth.method.config.role', message: 'is required for the kubernetes method' },
    ]],
    ['auto_auth with neither sink nor template', withConfig((c) => { c['auto_auth'] = { method: { type: 'kubernetes', config: { role: 'r' } } }; delete c['template']; }), [
      { field: 'auto_auth', message: 'auto_auth requires at least one sink or at least one template' },
    ]],
    ['min_backoff above max_backoff', withConfig((c) => { c['auto_auth'] = { method: { type: 'kubernetes', min_backoff: '10m', max_backoff: '1m', config: { role: 'r' } } }; }), [
      { field: 'auto_auth.method.min_backoff', message: 'must not be greater than max_backoff' },
    ]],
    ['both source and contents', withConfig((c) => { c['template'] = [{ destination: '/vault/secrets/a', source: '/t/a', contents: 'x' }]; }), [
      { field: 'template[0].source', message: 'cannot be set together with contents (use one)' },
    ]],
    ['neither source nor contents', withConfig((c) => { c['template'] = [{ destination: '/vault/secrets/a' }]; }), [
      { field: 'template[0].contents', message: 'one of contents or source is required' },
    ]],
    ['a destination outside the roots', withConfig((c) => { c['vaultlet'] = { destination_roots: ['/vault/secrets'] }; c['template'] = [{ destination: '/etc/passwd', contents: 'x' }]; }), [
      { field: 'template[0].destination', message: 'must be under "/vault/secrets"' },
    ]],
    ['an unknown engine', withConfig((c) => { c['template'] = [{ destination: '/vault/secrets/a', contents: 'x', engine: 'jinja' }]; }), [
      { field: 'template[0].engine', message: 'engine "jinja" is unknown (use "go" or "handlebars")' },
    ]],
    ['a non-loopback reload_url', withConfig((c) => { c['template'] = [{ destination: '/vault/secrets/a', contents: 'x', reload_url: 'http://10.0.0.1/reload' }]; }), [
      { field: 'template[0].reload_url', message: 'must point at the pod loopback (127.0.0.1, [::1] or localhost)' },
    ]],
    ['an https reload_url', withConfig((c) => { c['template'] = [{ destination: '/vault/secrets/a', contents: 'x', reload_url: 'https://localhost/reload' }]; }), [
      { field: 'template[0].reload_url', message: 'must use http://' },
    ]],
    ['Vault-only process supervisor keys', withConfig((c) => { c['exec'] = { command: ['app'] }; c['env_template'] = []; }), [
      { field: 'exec', message: 'process-supervisor mode (exec/env_template) is not supported; use file templates' },
      { field: 'env_template', message: 'process-supervisor mode (exec/env_template) is not supported; use file templates' },
    ]],
  ])('rejects %s', (_name, config, expected) => {
    expect(problemsOf(() => loadAgentSettings([], { VAULT_CONFIG: encodeAgentConfig(config as AgentConfig) }, noFiles))).toEqual(expected);
  });

  it('lists every problem of a bad config, each with the JSON path of its key', () => {
    const config = {
      vault: { address: 'ftp://vault', tls_skip_verify: 'maybe', retry: { num_retries: -2 }, adress: 'x' },
      auto_auth: {
        method: { type: 'kubernetes', min_backoff: 'soon', max_backoff: 5, exit_on_err: 'yes', config: { role: '', token_path: 7 } },
        sink: [{ type: 'file', config: { path: 'relative/token', mode: '999' } }, { type: 'consul', config: { path: '/x' } }, 'nope'],
      },
      template: [
        { destination: '/vault/secrets/ok', contents: 'x' },
        { destination: '/vault/secrets/../../etc/shadow', contents: 'x', perms: 'rw-------' },
        { destination: '/vault/secrets/c', source: 'relative.tmpl', command: [], command_timeout: 'forever', error_on_missing_key: 'no' },
        { contents: 'x', left_delimiter: 3 },
      ],
      template_config: { static_secret_render_interval: '5 minutes', lease_renewal_threshold: 1.5, max_connections_per_host: -1 },
      exit_after_auth: 'sometimes',
      pid_file: 'home/.pid',
      disable_keep_alives: ['everything'],
      vaultlet: { state_dir: '/ok', ready_file: 'ready', destination_roots: 'no', colour: 'blue' },
    };
    const problems = problemsOf(() => loadAgentSettings(['-config=/c.json'], { VAULT_CLIENT_TIMEOUT: 'never', VAULT_CACERT_BYTES: 'garbage', VAULT_LOG_LEVEL: 'loud' }, filesFrom({ '/c.json': config })));
    expect(problems).toEqual([
      { field: 'vaultlet.colour', message: 'unknown key' },
      { field: 'vaultlet.destination_roots', message: 'must be a list' },
      { field: 'vaultlet.ready_file', message: 'must be an absolute path' },
      { field: 'auto_auth.method.min_backoff', message: 'is not a duration (examples: 30s, 5m, 1h30m)' },
      { field: 'auto_auth.method.exit_on_err', message: 'must be true or false' },
      { field: 'auto_auth.method.config.role', message: 'must not be empty' },
      { field: 'auto_auth.method.config.token_path', message: 'must be a string' },
      { field: 'auto_auth.sink[0].config.path', message: 'must be an absolute path' },
      { field: 'auto_auth.sink[0].config.mode', message: 'must be an octal file mode such as "0600"' },
      { field: 'auto_auth.sink[1].type', message: 'sink type "consul" is not supported (only "file")' },
      { field: 'auto_auth.sink[2]', message: 'must be an object' },
      { field: 'template[1].destination', message: 'must not contain "." or ".." segments' },
      { field: 'template[1].perms', message: 'must be an octal file mode such as "0600"' },
      { field: 'template[2].source', message: 'must be an absolute path' },
      { field: 'template[2].command_timeout', message: 'is not a duration (examples: 30s, 5m, 1h30m)' },
      { field: 'template[2].command', message: 'must be a string or a non-empty list of strings' },
      { field: 'template[2].error_on_missing_key', message: 'must be true or false' },
      { field: 'template[3].destination', message: 'is required' },
      { field: 'template[3].left_delimiter', message: 'must be a string' },
      { field: 'exit_after_auth', message: 'must be true or false' },
      { field: 'pid_file', message: 'must be an absolute path' },
      { field: 'vault.adress', message: 'unknown key' },
      { field: 'vault.address', message: 'must be an http:// or https:// URL such as https://vault.vault.svc:8200' },
      { field: 'VAULT_CACERT_BYTES', message: 'must hold PEM certificates or base64 of them' },
      { field: 'vault.tls_skip_verify', message: 'must be true or false' },
      { field: 'vault.retry.num_retries', message: 'must be between -1 and 1000' },
      { field: 'VAULT_CLIENT_TIMEOUT', message: 'is not a duration (examples: 30s, 5m, 1h30m)' },
      { field: 'template_config.static_secret_render_interval', message: 'is not a duration (examples: 30s, 5m, 1h30m)' },
      { field: 'template_config.max_connections_per_host', message: 'must be between 0 and 10000' },
      { field: 'template_config.lease_renewal_threshold', message: 'must be between 0 and 1' },
      { field: 'VAULT_LOG_LEVEL', message: 'must be one of trace, debug, info, warn, error' },
      { field: 'disable_keep_alives[0]', message: 'must list only auto-auth, caching, proxying, templating' },
    ]);
  });

  it.each<[string, readonly string[], Record<string, string>, FieldError[]]>([
    ['no config at all', [], {}, [{ field: '-config', message: 'no configuration: pass -config=FILE or set VAULT_CONFIG' }]],
    ['VAULT_CONFIG that is not base64 JSON', [], { VAULT_CONFIG: `${SENTINEL}!!` }, [{ field: 'VAULT_CONFIG', message: 'must be base64 of a JSON object' }]],
    ['VAULT_CONFIG holding a JSON list', [], { VAULT_CONFIG: Buffer.from('[1]').toString('base64') }, [{ field: 'VAULT_CONFIG', message: 'must be base64 of a JSON object' }]],
    ['an unreadable file', ['-config=/missing.json'], {}, [{ field: '-config=/missing.json', message: 'cannot be read' }]],
    ['a file that is not JSON', ['-config=/bad.json'], {}, [{ field: '-config=/bad.json', message: 'must hold a JSON object (a .json file is not read as HCL)' }]],
    ['unknown flags and arguments', ['-verbose', 'extra', '-log-level'], { VAULT_CONFIG: encodeAgentConfig(INJECTED) }, [
      { field: '-verbose', message: 'unknown flag' },
      { field: 'arguments', message: 'unexpected argument (flags look like -config=FILE)' },
      { field: '-log-level', message: 'needs a value' },
    ]],
    ['a bad boolean flag', ['-revoke-on-shutdown=perhaps'], { VAULT_CONFIG: encodeAgentConfig(INJECTED) }, [{ field: '-revoke-on-shutdown', message: 'must be true or false' }]],
  ])('rejects %s', (_name, argv, env, expected) => {
    const files = filesFrom({ '/bad.json': `{ "token": "${SENTINEL}", ` });
    expect(problemsOf(() => loadAgentSettings(argv, env, files))).toEqual(expected);
  });

  it('never echoes secret-like values in its errors', () => {
    const config = {
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 7, config: { role: ['x'], jwt: SENTINEL, token_path: { p: SENTINEL } } },
        sink: [{ type: 'file', config: { path: `${SENTINEL}/token`, mode: SENTINEL } }],
      },
      vault: { address: `${SENTINEL}://x`, ca_cert: 1, namespace: [SENTINEL] },
      template: [
        { destination: `/vault/${SENTINEL}/../x`, contents: { text: SENTINEL }, perms: SENTINEL, command: { c: SENTINEL }, reload_url: `http://${SENTINEL}/` },
        { destination: '/vault/secrets/a', contents: SENTINEL, source: `/${SENTINEL}`, left_delimiter: [SENTINEL], command_timeout: SENTINEL },
      ],
      template_config: { static_secret_render_interval: SENTINEL, lease_renewal_threshold: SENTINEL },
      token: SENTINEL,
    };
    const env = { VAULT_CONFIG: encodeAgentConfig(config as unknown as AgentConfig), VAULT_CLIENT_TIMEOUT: SENTINEL, HTTPS_PROXY: `${SENTINEL} x`, VAULT_CACERT_BYTES: SENTINEL, VAULT_MAX_RETRIES: SENTINEL, VAULT_SKIP_VERIFY: SENTINEL };
    let message = '';
    try {
      loadAgentSettings([`-log-level=${SENTINEL}`], env, noFiles);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = `${(err as Error).message} ${JSON.stringify((err as ConfigError).fieldErrors)}`;
    }
    expect(message).toContain('template[0].destination');
    expect(message).not.toContain(SENTINEL);
  });
});
