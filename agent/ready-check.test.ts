import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { markReady } from './output/ready-marker.ts';
import { run } from './ready-check.ts';

const NODE = resolve('node_modules/.bin/node');
const BIN = resolve('bin/vaultlet.js');

describe('vaultlet ready', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-ready-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 before the marker exists and 0 after markReady wrote it', async () => {
    const marker = join(dir, 'state/ready');
    expect(await run([`-file=${marker}`])).toBe(1);
    await markReady(marker, new Date('2026-11-25T10:00:00Z'));
    expect(await run([`-file=${marker}`])).toBe(0);
    expect(await run(['--file', marker])).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('2026-11-25T10:00:00.000Z\n');
    expect(statSync(marker).mode & 0o777).toBe(0o644);
  });

  it('works as a real process through the CLI, as the startup probe runs it', async () => {
    const marker = join(dir, 'ready');
    const probe = (): number | null => spawnSync(NODE, [BIN, 'ready', `-file=${marker}`], { encoding: 'utf8' }).status;
    expect(probe()).toBe(1);
    await markReady(marker);
    expect(probe()).toBe(0);
  });

  it('exits 2 with usage on bad arguments', () => {
    const missing = spawnSync(NODE, [BIN, 'ready'], { encoding: 'utf8' });
    const extra = spawnSync(NODE, [BIN, 'ready', '-file=/x', 'what'], { encoding: 'utf8' });
    expect([missing.status, missing.stderr]).toEqual([2, 'vaultlet ready: missing -file=PATH\nusage: vaultlet ready -file=PATH\n']);
    expect([extra.status, extra.stderr]).toEqual([2, 'vaultlet ready: unexpected argument "what"\nusage: vaultlet ready -file=PATH\n']);
  });
});
