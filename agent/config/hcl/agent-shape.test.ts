import { describe, expect, it } from '@jest/globals';
import { HclError } from './hcl-error.ts';
import { parseAgentHcl } from './agent-shape.ts';

function errorOf(text: string): string {
  try {
    parseAgentHcl(text);
  } catch (err) {
    if (err instanceof HclError) return err.message;
    throw err;
  }
  throw new Error('expected an HclError');
}

/** Vault's documentation example for the Kubernetes auth method with a template (indented EOT included). */
const VAULT_DOCS_KUBERNETES = `exit_after_auth = true
pid_file = "/home/vault/pidfile"

auto_auth {
    method "kubernetes" {
        mount_path = "auth/kubernetes"
        config = {
            role = "example"
        }
    }

    sink "file" {
        config = {
            path = "/home/vault/.vault-token"
        }
    }
}

template {
  destination = "/etc/secrets/index.html"
  contents = <<EOT
  <html>
  <body>
  <p>Some secrets:</p>
  {{- with secret "secret/data/myapp/config" }}
  <ul>
  <li><pre>username: {{ .Data.data.username }}</pre></li>
  <li><pre>password: {{ .Data.data.password }}</pre></li>
  </ul>
  {{ end }}
  </body>
  </html>
  EOT
}
`;

/** vault-k8s's ConfigMap-mode example (config.hcl): quoted keys, `=` objects, single sink and template. */
const VAULT_K8S_CONFIGMAP = `"auto_auth" = {
  "method" = {
    "config" = {
      "role" = "test"
    }
    "type" = "kubernetes"
  }

  "sink" = {
    "config" = {
      "path" = "/home/vault/.token"
    }

    "type" = "file"
  }
}

"exit_after_auth" = false
"pid_file" = "/home/vault/.pid"

"template" = {
  "contents" = "{{- with secret \\"secret/data/test/example\\" -}}{{ .Data.data.username }}:{{ .Data.data.password }}{{- end -}}"
  "destination" = "/vault/secrets/creds.txt"
}

"vault" = {
  "address" = "http://vault.vault.svc:8200"
}
`;

describe('parseAgentHcl', () => {
  it("maps Vault's Kubernetes example, keeping HCL 1's indented-heredoc result", () => {
    expect(parseAgentHcl(VAULT_DOCS_KUBERNETES)).toEqual({
      exit_after_auth: true,
      pid_file: '/home/vault/pidfile',
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'example' } },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
      },
      template: [
        {
          destination: '/etc/secrets/index.html',
          contents: [
            '  <html>', '  <body>', '  <p>Some secrets:</p>', '  {{- with secret "secret/data/myapp/config" }}', '  <ul>',
            '  <li><pre>username: {{ .Data.data.username }}</pre></li>', '  <li><pre>password: {{ .Data.data.password }}</pre></li>',
            '  </ul>', '  {{ end }}', '  </body>', '  </html>', '  ',
          ].join('\n'),
        },
      ],
    });
  });

  it("maps vault-k8s's ConfigMap example", () => {
    expect(parseAgentHcl(VAULT_K8S_CONFIGMAP)).toEqual({
      auto_auth: {
        method: { config: { role: 'test' }, type: 'kubernetes' },
        sink: [{ config: { path: '/home/vault/.token' }, type: 'file' }],
      },
      exit_after_auth: false,
      pid_file: '/home/vault/.pid',
      template: [{ contents: '{{- with secret "secret/data/test/example" -}}{{ .Data.data.username }}:{{ .Data.data.password }}{{- end -}}', destination: '/vault/secrets/creds.txt' }],
      vault: { address: 'http://vault.vault.svc:8200' },
    });
  });

  it('maps every stanza form: typed blocks, repeated blocks, nested config blocks, lists', () => {
    const text = `
vault {
  address = "https://vault:8200"
  retry { num_retries = -1 }
}
auto_auth {
  method {
    type = "kubernetes"
    min_backoff = "1s"
    config { role = "app", token_path = "/var/run/token" }
  }
  sink "FILE" { config { path = "/a", mode = 0600 } }
  sink { type = "file", config = { path = "/b" } }
}
template {
  destination = "/vault/secrets/a"
  contents = <<-EOF
    {{ with secret "kv/a" }}{{ .Data.x }}{{ end }}
    EOF
  perms = 0640
  exec { command = ["kill", "-HUP", "1"], timeout = "10s" }
}
template {
  destination = "/vault/secrets/b"
  source = "/vault/tmpl/b.ctmpl"
  perms = "0600"
  error_on_missing_key = true
}
template = [{ destination = "/vault/secrets/c", contents = "c" }]
template_config { exit_on_retry_failure = true, lease_renewal_threshold = 0.8 }
listener "tcp" {
  address = "127.0.0.1:8200"
  tls_disable = true
  agent_api { enable_quit = true }
}
listener "unix" { address = "/tmp/agent.sock" }
cache {
  use_auto_auth_token = "force"
  persist "kubernetes" { path = "/vault/agent-cache", keep_after_import = true }
}
telemetry { disable_hostname = true }
disable_idle_connections = ["auto-auth", "templating"]
vaultlet { destination_roots = ["/vault/secrets"], revoke_on_shutdown = true }
`;
    expect(parseAgentHcl(text)).toEqual({
      vault: { address: 'https://vault:8200', retry: { num_retries: -1 } },
      auto_auth: {
        method: { type: 'kubernetes', min_backoff: '1s', config: { role: 'app', token_path: '/var/run/token' } },
        sink: [{ type: 'file', config: { path: '/a', mode: 0o600 } }, { type: 'file', config: { path: '/b' } }],
      },
      template: [
        { destination: '/vault/secrets/a', contents: '{{ with secret "kv/a" }}{{ .Data.x }}{{ end }}\n', perms: '0640', exec: { command: ['kill', '-HUP', '1'], timeout: '10s' } },
        { destination: '/vault/secrets/b', source: '/vault/tmpl/b.ctmpl', perms: '0600', error_on_missing_key: true },
        { destination: '/vault/secrets/c', contents: 'c' },
      ],
      template_config: { exit_on_retry_failure: true, lease_renewal_threshold: 0.8 },
      listener: [
        { type: 'tcp', address: '127.0.0.1:8200', tls_disable: true, agent_api: { enable_quit: true } },
        { type: 'unix', address: '/tmp/agent.sock' },
      ],
      cache: { use_auto_auth_token: 'force', persist: { type: 'kubernetes', path: '/vault/agent-cache', keep_after_import: true } },
      telemetry: { disable_hostname: true },
      disable_idle_connections: ['auto-auth', 'templating'],
      vaultlet: { destination_roots: ['/vault/secrets'], revoke_on_shutdown: true },
    });
  });

  it('lets an explicit type win over the label, and lower-cases a label type as Vault does', () => {
    expect(parseAgentHcl('auto_auth { method "Kubernetes" { config { role = "r" } } }')).toEqual({ auto_auth: { method: { type: 'kubernetes', config: { role: 'r' } } } });
    expect(parseAgentHcl('auto_auth { method "x" { type = "kubernetes" } }')).toEqual({ auto_auth: { method: { type: 'kubernetes' } } });
  });

  it('keeps exec and env_template (process-supervisor mode) for the loader to reject with its reason', () => {
    const text = 'exec { command = ["/app"], restart_on_secret_changes = "always" }\nenv_template "DB_USER" { contents = "u" }\nenv_template "DB_PASS" { contents = "p" }';
    expect(parseAgentHcl(text)).toEqual({
      exec: { command: ['/app'], restart_on_secret_changes: 'always' },
      env_template: { DB_USER: { contents: 'u' }, DB_PASS: { contents: 'p' } },
    });
  });

  it('nests labels and merges repeated blocks of keys it has no rule for, as HCL\'s JSON form does', () => {
    expect(parseAgentHcl('other "a" "b" { x = 1 }\nother "a" "c" { y = 2 }\nauto_auth { method "kubernetes" { config { nested { k = "v" } } } }')).toEqual({
      other: { a: { b: { x: 1 }, c: { y: 2 } } },
      auto_auth: { method: { type: 'kubernetes', config: { nested: { k: 'v' } } } },
    });
  });

  it('passes values of the wrong kind through for the loader to name by key', () => {
    expect(parseAgentHcl('vault = "x"\ntemplate = "y"\nauto_auth { sink = 3 }')).toEqual({ vault: 'x', template: 'y', auto_auth: { sink: 3 } });
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const doc = parseAgentHcl('"__proto__" = { polluted = true }');
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['two vault blocks', 'vault {}\nvault {}', 'line 2, column 1: vault is set more than once (only one block is allowed)'],
    ['two methods', 'auto_auth {\n  method "kubernetes" {}\n  method "approle" {}\n}', 'line 3, column 3: auto_auth.method is set more than once (only one block is allowed)'],
    ['a method with two labels', 'auto_auth { method "a" "b" {} }', 'line 1, column 24: auto_auth.method takes one label (its type)'],
    ['a label on the vault block', 'vault "x" {}', 'line 1, column 7: vault takes no label'],
    ['a label on a template', 'template "x" { destination = "/a" }', 'line 1, column 10: template takes no label'],
    ['a sink with two labels', 'auto_auth { sink "file" "x" {} }', 'line 1, column 25: auto_auth.sink takes one label (its type)'],
    ['two config blocks in a method', 'auto_auth { method "kubernetes" {\n  config { role = "a" }\n  config = { role = "b" }\n} }', 'line 3, column 3: auto_auth.method.config is set more than once (only one block is allowed)'],
    ['a repeated attribute', 'auto_auth { method "kubernetes" { config {\n  role = "a"\n  role = "b"\n} } }', 'line 3, column 3: auto_auth.method.config.role is set more than once'],
    ['a repeated top-level value', 'pid_file = "/a"\npid_file = "/b"', 'line 2, column 1: pid_file is set more than once'],
    ['conflicting merged blocks', 'other { x = 1 }\nother { x = 2 }', 'line 2, column 1: other.x is set more than once'],
    ['an env_template without a name', 'env_template { contents = "x" }', 'line 1, column 1: env_template blocks take exactly one label (the name)'],
    ['two env_templates with one name', 'env_template "A" {}\nenv_template "A" {}', 'line 2, column 14: env_template has two blocks with the same label'],
    ['a syntax error', 'vault {\n  address = https://x\n}', 'line 2, column 18: unexpected character (strings need double quotes)'],
  ])('rejects %s with its position', (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('never quotes a value in a mapping error', () => {
    const SENTINEL = 'SENTINEL-tok-31c9';
    expect(errorOf(`auto_auth { method "kubernetes" { config {\n role = "${SENTINEL}"\n role = "${SENTINEL}" } } }`)).not.toContain(SENTINEL);
    expect(errorOf(`env_template "A" { contents = "${SENTINEL}" }\nenv_template "A" {}`)).not.toContain(SENTINEL);
  });
});
