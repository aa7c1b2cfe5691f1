// The `vaultlet` command as a user meets it: help on every command (never running it), the version,
// usage errors, and a start-up failure that says what to fix without a stack trace.
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/webhook-process.ts';
import { VERSION } from '../../cli/version.ts';

/** A Node older than 24 on this machine (the system's), to start bin/vaultlet.js the way a user might. */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
  if (!existsSync(p)) return false;
  const v = spawnSync(p, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout;
  return Number(v.split('.')[0]) < 24;
});

const COMMANDS = ['webhook', 'preview', 'agent', 'ready', 'dev-vault', 'demo'];

describe('vaultlet CLI', () => {
  it.each(
    COMMANDS.flatMap((c) => [
      [c, '--help'],
      [c, '-h'],
    ]),
  )('%s %s prints help and exits 0 without running', async (command, flag) => {
    const r = await runCli([command, flag], {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: vaultlet ${command}`));
    expect(r.stdout).not.toContain('flag provided but not defined');
  });

  it('webhook help lists each flag with its variable and default', async () => {
    const r = await runCli(['webhook', '-help'], {});
    expect(r.stdout).toContain('  -listen string\n');
    expect(r.stdout).toMatch(/env AGENT_INJECT_LISTEN, default ":8080"/);
    expect(r.stdout).toMatch(/-tls-cert-file path\n.*env AGENT_INJECT_TLS_CERT_FILE/);
  });

  it('agent help lists -config and VAULT_CONFIG', async () => {
    const r = await runCli(['agent', '-config=/x', '-h'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ {2}-config path\n.*read from VAULT_CONFIG/);
    expect(r.stdout).toMatch(/^ {2}VAULT_CONFIG\n {8}The whole config/m);
  });

  it.each([['--version'], ['version'], ['-version']])('%s prints the version', async (arg) => {
    const r = await runCli([arg], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^vaultlet ${VERSION.replaceAll('.', '\\.')} \\(node 24\\.`));
  });

  it('help COMMAND is COMMAND -h', async () => {
    const r = await runCli(['help', 'ready'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: vaultlet ready -file=PATH');
  });

  it('an unknown command exits 2 and lists the commands', async () => {
    const r = await runCli(['agnet'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "agnet"');
    expect(r.stderr).toContain('  agent ');
  });

  it('a missing certificate file is one fatal line naming the file and its code, no stack trace', async () => {
    const r = await runCli(['webhook'], {
      AGENT_INJECT_VAULT_ADDR: 'https://vault:8200',
      AGENT_INJECT_LISTEN: '127.0.0.1:0',
      AGENT_INJECT_TLS_CERT_FILE: '/nonexistent/tls.crt',
      AGENT_INJECT_TLS_KEY_FILE: '/nonexistent/tls.key',
    });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const fatal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e['level'] === 'fatal');
    expect(fatal).toMatchObject({ code: 'WHK_TLS_LOAD' });
    expect(String(fatal?.['error'])).toContain('/nonexistent/tls.crt');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at |"stack"/);
  });

  (OLD_NODE === undefined ? it.skip : it)(
    'started by an older node, re-runs on the installed Node 24 and passes SIGTERM on',
    async () => {
      const version = spawnSync(OLD_NODE ?? '', [join(ROOT, 'bin', 'vaultlet.js'), '--version'], { encoding: 'utf8' });
      expect(version.status).toBe(0);
      expect(version.stdout).toMatch(/\(node 24\./);
      const child = spawn(OLD_NODE ?? '', [join(ROOT, 'bin', 'vaultlet.js'), 'dev-vault', '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => {
          resolve(code);
        }),
      );
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('JWT_FILE=')) resolve();
        });
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The Node 24 child got the signal and stopped cleanly (it prints this on SIGTERM).
      expect(out).toContain('SIGTERM, stopping');
    },
  );
});
