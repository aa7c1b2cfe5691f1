// The README's main job, run as a user runs it: `vaultlet demo` as a real process.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/webhook-process.ts';

describe('vaultlet demo', () => {
  it('injects, renders, hands off to the sidecar, re-renders a changed secret and cleans up', () => {
    const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'vaultlet.js'), 'demo'], { cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { PATH: process.env['PATH'] ?? '' } });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const out = res.stdout;
    expect(out).toContain('DB_PASSWORD=s3cr3t-sentinel-7f3a');
    expect(out).toContain('DB_PASSWORD=rotated-by-demo-42');
    expect(out).toMatch(/Vault logins for this pod: 1; live leases after init: 1, with the sidecar running: 1/);
    expect(out).toContain('Done:');
    expect(out).not.toContain('FAILED');
  }, 100_000);
});
