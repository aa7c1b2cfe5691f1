// The agent as a real process reading Vault Agent HCL configs (a file, and a -config directory)
// against the Vault test server, in init-container mode.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';
import { loadSeedFile } from '../vault-server/seed.ts';
import { makeWorkDir, ROOT, spawnAgent, type AgentWorkDir } from '../fakes/agent-process.ts';

/** The KV v2 password in test/fixtures/vault-seed.yaml: it must reach the file and never the logs. */
const SEEDED_PASSWORD = 's3cr3t-sentinel-7f3a';

let vault: VaultTestServer;
let work: AgentWorkDir;
beforeAll(async () => {
  vault = await startVaultServer({ seed: loadSeedFile(join(ROOT, 'test', 'fixtures', 'vault-seed.yaml')) });
  work = makeWorkDir();
});
afterAll(async () => {
  await vault.close();
  work.remove();
});

function authHcl(): string {
  return `vault {
  address = "${vault.url}"
  retry { num_retries = 2 }
}

auto_auth {
  method "kubernetes" {
    mount_path  = "auth/kubernetes"
    min_backoff = "100ms"
    max_backoff = "1s"
    config = {
      role       = "app"
      token_path = "${work.tokenPath}"
    }
  }
  sink "file" {
    config = { path = "${join(work.dir, '.vault-token')}", mode = 0600 }
  }
}

exit_after_auth = true
template_config { exit_on_retry_failure = true }
`;
}

function templatesHcl(dir: string): string {
  return `# KV v2 through a heredoc; {{ }} and "quotes" stay as written
template {
  destination = "${join(dir, 'app.env')}"
  perms       = 0640
  contents    = <<-EOT
    {{ with secret "secret/app/config" -}}
    DB_USER="{{ .Data.data.username }}"
    DB_PASSWORD="{{ .Data.data.password }}"
    {{ end -}}
    EOT
}

template {
  destination = "${join(dir, 'legacy')}"
  contents    = "{{ with secret \\"kv/app/legacy\\" }}{{ .Data.api_key }}{{ end }}"
}
`;
}

describe('vaultlet agent with HCL configs', () => {
  it('renders the templates of a .hcl config once and exits 0', async () => {
    const dir = join(work.secretsDir, 'file');
    mkdirSync(dir, { recursive: true });
    const path = join(work.dir, 'agent.hcl');
    writeFileSync(path, authHcl() + templatesHcl(dir));
    const agent = spawnAgent([`-config=${path}`]);
    const { code } = await agent.exited;
    expect({ code, stderr: agent.stderr.join('') }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(dir, 'app.env'), 'utf8')).toBe(`DB_USER="app-user"\nDB_PASSWORD="${SEEDED_PASSWORD}"\n`);
    expect(readFileSync(join(dir, 'legacy'), 'utf8')).toBe('legacy-key-1');
    expect(statSync(join(dir, 'app.env')).mode & 0o777).toBe(0o640);
    expect(statSync(join(work.dir, '.vault-token')).mode & 0o777).toBe(0o600);
    expect(agent.logText()).not.toContain(SEEDED_PASSWORD);
    expect(agent.logText()).not.toContain(readFileSync(join(work.dir, '.vault-token'), 'utf8'));
  });

  it('loads a -config directory (auth and templates in separate .hcl files) like Vault Agent', async () => {
    const dir = join(work.secretsDir, 'dir');
    const configDir = join(work.dir, 'configs');
    mkdirSync(dir, { recursive: true });
    mkdirSync(configDir);
    writeFileSync(join(configDir, '00-auth.hcl'), authHcl());
    writeFileSync(join(configDir, '10-templates.hcl'), templatesHcl(dir));
    writeFileSync(join(configDir, 'README.md'), 'not a config');
    const agent = spawnAgent([`-config=${configDir}`]);
    const { code } = await agent.exited;
    expect({ code, stderr: agent.stderr.join('') }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(dir, 'app.env'), 'utf8')).toBe(`DB_USER="app-user"\nDB_PASSWORD="${SEEDED_PASSWORD}"\n`);
    expect(readFileSync(join(dir, 'legacy'), 'utf8')).toBe('legacy-key-1');
  });

  it('exits 2 with the line and column of an HCL error, quoting nothing from the file', async () => {
    const path = join(work.dir, 'broken.hcl');
    writeFileSync(path, `vault {\n  token = ${SEEDED_PASSWORD}\n}\n`);
    const agent = spawnAgent([`-config=${path}`]);
    expect((await agent.exited).code).toBe(2);
    expect(agent.stderr.join('')).toBe(`vaultlet agent: invalid configuration (1 problem):\n  -config=${path}: line 2, column 11: expected a value, found a bare word (strings need double quotes)\n`);
  });
});
