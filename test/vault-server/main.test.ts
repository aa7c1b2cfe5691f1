// `vaultlet dev-vault` as a real process: prints its address and root token, serves, stops on
// SIGTERM with exit 0; bad flags and bad seeds exit 2 with a message.
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['bin/vaultlet.js', 'dev-vault'];

describe('parseFlags', () => {
  it.each([
    [[], { port: 8200, host: '127.0.0.1' }],
    [['--seed', 'f.yaml', '--port=0', '-host', '::1'], { seed: 'f.yaml', port: 0, host: '::1' }],
    [['--port', '70000'], '--port must be 0-65535'],
    [['--seed'], '--seed needs a value'],
    [['--colour'], 'unknown argument "--colour"'],
  ])('%p → %p', (argv, want) => {
    expect(parseFlags(argv)).toEqual(want);
  });
});

describe('vaultlet dev-vault', () => {
  it('serves the seed until SIGTERM', async () => {
    const child = spawn(process.execPath, [...CLI, '--seed', 'test/fixtures/vault-seed.yaml', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
    const addr = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /VAULT_ADDR=(\S+)\nVAULT_TOKEN=root\n/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.on('exit', () => { reject(new Error(`exited early: ${out}`)); });
    });
    expect(addr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${addr}/v1/secret/data/app/config`, { headers: { 'x-vault-token': 'root' } });
    expect(((await res.json()) as { data: { data: unknown } }).data.data).toMatchObject({ username: 'app-user' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM, stopping');
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
