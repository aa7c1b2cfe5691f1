// The agent process with Vault Agent's template sandboxing and the functions vaultlet added:
// function_denylist fails a call naming the function, sandbox_path confines `file` (a symlink out
// is refused), writeToFile writes through the agent's output path with its mode, Sprig functions
// render, and a function consul-template 0.41 no longer defines stops the agent at parse time.
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateStanza } from '../../shared/agent-config.ts';
import type { VaultSeed } from '../vault-server/seed.ts';
import { spawnAgent, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SENTINEL = 'kv-SENTINEL-9c1d';
const OUTSIDE = 'outside-SENTINEL-42aa';

const SEED: VaultSeed = {
  secrets: { secret: { type: 'kv', version: 2, data: { app: { cert: SENTINEL, version: '1.4.2' } } } },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 600, token_max_ttl: 6000 }) },
};

const env = setUpAgentTestEnv(SEED);

/** The template keys Vault Agent reads for sandboxing, beside the common ones. */
type SandboxedStanza = TemplateStanza & {
  sandbox_path?: string;
  function_denylist?: string[];
  function_blacklist?: string[];
};

async function runInit(name: string, templates: SandboxedStanza[]) {
  const config = env.work.config(env.vault.url, templates, { exit_after_auth: true });
  const agent = spawnAgent([`-config=${env.work.writeConfig(`${name}.json`, config)}`]);
  const { code } = await agent.exited;
  return { code, stderr: agent.stderr.join(''), log: agent.logText() };
}

describe('vaultlet agent: template sandboxing and functions', () => {
  it('fails a denied function naming it (function_denylist and function_blacklist)', async () => {
    for (const key of ['function_denylist', 'function_blacklist']) {
      const dest = join(env.work.secretsDir, `denied-${key}`);
      const run = await runInit(`deny-${key}`, [
        { destination: dest, contents: 'home={{ env "HOME" }}', [key]: ['env'] },
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `${dest}: template: ${dest}:1:8: executing "${dest}" at <env "HOME">: error calling env: function is disabled`,
      );
      expect(existsSync(dest)).toBe(false);
    }
  }, 20_000);

  it('reads a file inside sandbox_path and refuses one outside it (through a symlink), without its content', async () => {
    const box = join(env.work.dir, 'box');
    mkdirSync(box, { recursive: true });
    writeFileSync(join(box, 'in.txt'), 'inside');
    writeFileSync(join(env.work.dir, 'outside.txt'), OUTSIDE);
    symlinkSync(join(env.work.dir, 'outside.txt'), join(box, 'escape.txt'));
    const ok = join(env.work.secretsDir, 'file-ok');
    const good = await runInit('sandbox-ok', [
      { destination: ok, contents: `[{{ file "${join(box, 'in.txt')}" }}]`, sandbox_path: box },
    ]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(ok, 'utf8')).toBe('[inside]');

    for (const path of [join(box, 'escape.txt'), join(env.work.dir, 'outside.txt')]) {
      const dest = join(env.work.secretsDir, 'file-out');
      const bad = await runInit('sandbox-out', [
        { destination: dest, contents: `{{ file "${path}" }}`, sandbox_path: box },
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`error calling file: file: "${path}" is outside of sandbox_path`);
      expect(bad.log).not.toContain(OUTSIDE);
      expect(existsSync(dest)).toBe(false);
    }
  }, 30_000);

  it('writes writeToFile output with its mode, and renders the Sprig functions Vault Agent defines', async () => {
    const dest = join(env.work.secretsDir, 'functions');
    const cert = join(env.work.secretsDir, 'written', 'cert.pem');
    const contents = [
      '{{ with secret "secret/data/app" }}{{ .Data.data.cert | writeToFile "' + cert + '" "" "" "0600" "newline" }}',
      '{{ sprig_semverCompare "^1.2.0" .Data.data.version }} {{ "MyAppName" | sprig_snakecase }} ',
      '{{ sprig_urlJoin (sprig_dict "scheme" "https" "host" "db:5432" "path" "/app") }} ',
      '{{ sprig_toDate "2006-01-02" "2024-02-29" | sprig_unixEpoch }} {{ sprig_mustToJson (sprig_list 1 "<") }} ',
      '{{ sockaddr "GetAllInterfaces | include \\"flag\\" \\"loopback\\" | include \\"type\\" \\"IPv4\\" | attr \\"address\\"" }}{{ end }}',
    ].join('');
    const run = await runInit('functions', [{ destination: dest, contents }]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // The loopback address comes from the host's interfaces, as go-sockaddr reads them.
    expect(readFileSync(dest, 'utf8')).toBe('true my_app_name https://db:5432/app 1709164800 [1,"\\u003c"] 127.0.0.1');
    expect(readFileSync(cert, 'utf8')).toBe(`${SENTINEL}\n`);
    expect(statSync(cert).mode & 0o777).toBe(0o600);
    expect(run.log).not.toContain(SENTINEL);
  }, 20_000);

  it('refuses a writeToFile outside the template destination directory', async () => {
    const dest = join(env.work.secretsDir, 'escape');
    const target = join(env.work.dir, 'not-secrets', 'f');
    const run = await runInit('write-out', [
      { destination: dest, contents: `{{ "x" | writeToFile "${target}" "" "" "0644" }}` },
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(target);
    expect(existsSync(target)).toBe(false);
  }, 20_000);

  it('stops at parse time on a Sprig function consul-template 0.41 no longer defines', async () => {
    const run = await runInit('undefined', [
      { destination: join(env.work.secretsDir, 'uuid'), contents: 'id={{ sprig_uuidv4 }}' },
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('function "sprig_uuidv4" not defined');
  }, 20_000);
});
