// `vaultlet dev-vault` as a real process: prints its address and root token, writes a JWT file its
// Kubernetes auth accepts, serves, stops on
// SIGTERM with exit 0; bad flags and bad seeds exit 2 with a message.
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['bin/vaultlet.js', 'dev-vault'];

describe('parseFlags', () => {
  it.each([
    [[], { port: 8200, host: '127.0.0.1', serviceAccount: 'app', namespace: 'default' }],
    [
      ['--seed', 'f.yaml', '--port=0', '-host', '::1'],
      { seed: 'f.yaml', port: 0, host: '::1', serviceAccount: 'app', namespace: 'default' },
    ],
    [
      ['--jwt-file', '/t/jwt', '--service-account=web', '--namespace', 'shop'],
      { jwtFile: '/t/jwt', port: 8200, host: '127.0.0.1', serviceAccount: 'web', namespace: 'shop' },
    ],
    [['--port', '70000'], '--port must be 0-65535'],
    [['--seed'], '--seed needs a value'],
    [['--colour'], 'unknown argument "--colour"'],
  ])('%p → %p', (argv, want) => {
    expect(parseFlags(argv)).toEqual(want);
  });
});

describe('vaultlet dev-vault', () => {
  it('serves the seed until SIGTERM', async () => {
    const child = spawn(process.execPath, [...CLI, '--seed', 'test/fixtures/vault-seed.yaml', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    const addr = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /VAULT_ADDR=(\S+)\nVAULT_TOKEN=root\nJWT_FILE=\S+\n/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.on('exit', () => {
        reject(new Error(`exited early: ${out}`));
      });
    });
    expect(addr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${addr}/v1/secret/data/app/config`, { headers: { 'x-vault-token': 'root' } });
    expect(((await res.json()) as { data: { data: unknown } }).data.data).toMatchObject({ username: 'app-user' });
    const jwtFile = /JWT_FILE=(\S+)/.exec(out)?.[1] ?? '';
    const jwt = readFileSync(jwtFile, 'utf8').trim();
    expect(statSync(jwtFile).mode & 0o777).toBe(0o600);
    expect(out).not.toContain(jwt);
    // The JWT is one the server's Kubernetes auth accepts for the sample seed's role.
    const login = await fetch(`${addr}/v1/auth/kubernetes/login`, {
      method: 'PUT',
      body: JSON.stringify({ role: 'app', jwt }),
    });
    expect(login.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM, stopping');
    // A JWT file dev-vault chose itself goes with it.
    expect(existsSync(jwtFile)).toBe(false);
  });

  it('writes the JWT to --jwt-file and will not follow a symlink planted there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-vault-test-'));
    try {
      const target = join(dir, 'victim');
      writeFileSync(target, 'keep');
      symlinkSync(target, join(dir, 'link'));
      const r = spawnSync(process.execPath, [...CLI, '--port', '0', '--jwt-file', join(dir, 'link')], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('cannot write the JWT');
      expect(readFileSync(target, 'utf8')).toBe('keep');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--port', 'x'], /--port must be 0-65535/],
    [['--seed', '/nonexistent/seed.yaml'], /cannot read seed: ENOENT/],
  ])('exits 2 for %p', (argv, message) => {
    const r = spawnSync(process.execPath, [...CLI, ...argv], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
