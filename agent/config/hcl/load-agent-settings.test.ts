// HCL configs through the whole loader: the same AgentSettings as the equivalent JSON.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type FieldError } from '../../../shared/errors.ts';
import { loadAgentSettings } from '../../config.ts';
import { listConfigDir } from './config-dir.ts';

const SENTINEL = 'SENTINEL-hcl-5d0b';

/** What vault-k8s would generate for a sidecar, written the way users write HCL. */
const SIDECAR_HCL = `# sidecar
auto_auth {
  method "kubernetes" {
    mount_path = "auth/kubernetes"
    config = {
      role       = "db-app"
      token_path = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    }
  }
  sink "file" {
    config = {
      path = "/home/vault/.vault-token"
      mode = 0600
    }
  }
}

exit_after_auth = false
pid_file        = "/home/vault/.pid"

vault {
  address = "https://vault.vault.svc:8200"
  retry { num_retries = 5 }
}

template {
  destination = "/vault/secrets/db-creds"
  perms       = 0400
  contents    = <<-EOT
    {{- with secret "database/creds/db-app" -}}
    postgres://{{ .Data.username }}:{{ .Data.password }}@postgres:5432/mydb
    {{- end }}
    EOT
}

template_config {
  exit_on_retry_failure         = true
  static_secret_render_interval = "1m"
}
`;

const SIDECAR_JSON = {
  auto_auth: {
    method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'db-app', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
    sink: [{ type: 'file', config: { path: '/home/vault/.vault-token', mode: 0o600 } }],
  },
  exit_after_auth: false,
  pid_file: '/home/vault/.pid',
  vault: { address: 'https://vault.vault.svc:8200', retry: { num_retries: 5 } },
  template: [
    {
      destination: '/vault/secrets/db-creds',
      perms: '0400',
      contents: '{{- with secret "database/creds/db-app" -}}\npostgres://{{ .Data.username }}:{{ .Data.password }}@postgres:5432/mydb\n{{- end }}\n',
    },
  ],
  template_config: { exit_on_retry_failure: true, static_secret_render_interval: '1m' },
};

function filesFrom(files: Record<string, string>): (p: string) => string {
  return (p) => {
    const v = files[p];
    if (v === undefined) throw new Error('ENOENT');
    return v;
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

describe('loadAgentSettings with HCL', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-hcl-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a real .hcl file into the same settings as the equivalent JSON file', () => {
    writeFileSync(join(dir, 'config.hcl'), SIDECAR_HCL);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(SIDECAR_JSON));
    const read = (p: string): string => readFileSync(p, 'utf8');
    const fromHcl = loadAgentSettings([`-config=${join(dir, 'config.hcl')}`], {}, read, listConfigDir);
    const fromJson = loadAgentSettings([`-config=${join(dir, 'config.json')}`], {}, read, listConfigDir);
    expect(fromHcl).toEqual(fromJson);
    expect(fromHcl.config).toEqual(SIDECAR_JSON);
    expect({ sinks: fromHcl.sinks, perms: fromHcl.templates[0]?.perms, retries: fromHcl.vault.numRetries }).toEqual({
      sinks: [{ path: '/home/vault/.vault-token', mode: 0o600 }],
      perms: 0o400,
      retries: 5,
    });
  });

  it('reads a file with any other name as HCL, and one whose text starts with "{" as JSON', () => {
    const files = filesFrom({ '/vault/configs/config': SIDECAR_HCL, '/vault/configs/json-config': `  ${JSON.stringify(SIDECAR_JSON)}` });
    expect(loadAgentSettings(['-config=/vault/configs/config'], {}, files)).toEqual(loadAgentSettings(['-config=/vault/configs/json-config'], {}, files));
  });

  it('loads every .hcl and .json file of a -config directory in name order, merged as separate files are', () => {
    const base = SIDECAR_HCL.replace('pid_file        = "/home/vault/.pid"', 'pid_file = "/from/a"');
    const files = filesFrom({
      '/vault/configs/a.hcl': base,
      '/vault/configs/b.json': JSON.stringify({ pid_file: '/from/b', template: [{ destination: '/vault/secrets/extra', contents: 'x' }] }),
    });
    const listDir = (p: string): string[] | undefined => (p === '/vault/configs/' ? ['b.json', 'notes.txt', 'a.hcl', 'a.hcl~', '..data'] : undefined);
    const s = loadAgentSettings(['-config=/vault/configs/'], {}, files, listDir);
    expect({ pidFile: s.pidFile, destinations: s.templates.map((t) => t.destination) }).toEqual({
      pidFile: '/from/b',
      destinations: ['/vault/secrets/db-creds', '/vault/secrets/extra'],
    });
  });

  it.each([
    ['an HCL syntax error, with its position', { '/c.hcl': 'vault {\n  address = "x\n}' }, '/c.hcl', [{ field: '-config=/c.hcl', message: 'line 2, column 13: string is not terminated (a line break inside "..." needs \\n or a heredoc)' }]],
    ['a stanza repeated', { '/c.hcl': 'auto_auth {}\nauto_auth {}' }, '/c.hcl', [{ field: '-config=/c.hcl', message: 'line 2, column 1: auto_auth is set more than once (only one block is allowed)' }]],
    ['a .json file holding HCL', { '/c.json': 'vault {}' }, '/c.json', [{ field: '-config=/c.json', message: 'must hold a JSON object (a .json file is not read as HCL)' }]],
    ['broken JSON in a file without .json', { '/c.conf': '{ "vault": ' }, '/c.conf', [{ field: '-config=/c.conf', message: 'must hold a JSON object (text starting with "{" is read as JSON)' }]],
  ])('reports %s', (_name, files, path, expected) => {
    expect(problemsOf(() => loadAgentSettings([`-config=${path}`], {}, filesFrom(files)))).toEqual(expected);
  });

  it('reports a directory without config files', () => {
    expect(problemsOf(() => loadAgentSettings(['-config=/empty'], {}, filesFrom({}), () => ['README.md']))).toEqual([
      { field: '-config=/empty', message: 'is a directory without .hcl or .json files' },
    ]);
  });

  it('validates HCL like JSON: exec/env_template rejected with the reason, unknown keys named', () => {
    const text = `${SIDECAR_HCL}\nexec { command = ["/app"] }\nenv_template "DB" { contents = "x" }\ntemplate { destination = "/vault/secrets/t"\n  contents = "t"\n  colour = "blue" }`;
    expect(problemsOf(() => loadAgentSettings(['-config=/c.hcl'], {}, filesFrom({ '/c.hcl': text })))).toEqual([
      { field: 'exec', message: 'process-supervisor mode (exec/env_template) is not supported; use file templates' },
      { field: 'env_template', message: 'process-supervisor mode (exec/env_template) is not supported; use file templates' },
      { field: 'template[1].colour', message: 'unknown key' },
    ]);
  });

  it('never puts config text into a problem', () => {
    for (const text of [`vault { token = ${SENTINEL} }`, `vault { address = "${SENTINEL}\n" }`, `pid_file = "${SENTINEL}"\npid_file = "${SENTINEL}"`]) {
      const problems = problemsOf(() => loadAgentSettings(['-config=/c.hcl'], {}, filesFrom({ '/c.hcl': text })));
      expect(JSON.stringify(problems)).not.toContain(SENTINEL);
    }
  });
});
