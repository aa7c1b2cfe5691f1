// The README's main job, run as a user runs it: `vaultlet demo` as a real process; and the same
// demo as the release workflow runs it against built images, here with a stand-in for `docker`.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/webhook-process.ts';

function expectDemoRan(res: { stdout: string; stderr: string; status: number | null }): void {
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const out = res.stdout;
  expect(out).toContain('DB_PASSWORD=s3cr3t-sentinel-7f3a');
  expect(out).toContain('DB_PASSWORD=rotated-by-demo-42');
  expect(out).toMatch(/Vault logins for this pod: 1; live leases after init: 1, with the sidecar running: 1/);
  expect(out).toContain('Done:');
  expect(out).not.toContain('FAILED');
}

// Checks the `docker run` arguments the demo passes, records the image, then runs the image's
// program from the sources with the given environment (exec: signals reach it directly).
const FAKE_DOCKER = `#!/usr/bin/env bash
set -euo pipefail
[ "$1" = run ] || { echo "fake docker: only run" >&2; exit 64; }
shift
envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rm) shift ;;
    --network) [ "$2" = host ] || exit 65; shift 2 ;;
    --user|--volume) shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
echo "$1 $2" >> "$FAKE_DOCKER_LOG"
shift
exec env -i PATH="$PATH" "\${envs[@]}" "$NODE24" "$VAULTLET" "$@"
`;

describe('vaultlet demo', () => {
  it('injects, renders, hands off to the sidecar, re-renders a changed secret and cleans up', () => {
    const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'vaultlet.js'), 'demo'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expectDemoRan(res);
  }, 100_000);

  it('runs the webhook and the agents through docker when given images (the release check)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaultlet-fake-docker-'));
    try {
      writeFileSync(join(dir, 'docker'), FAKE_DOCKER);
      chmodSync(join(dir, 'docker'), 0o755);
      const log = join(dir, 'runs.log');
      const res = spawnSync(
        process.execPath,
        [
          join(ROOT, 'bin', 'vaultlet.js'),
          'demo',
          '--webhook-image',
          'vaultlet-webhook:ci',
          '--agent-image=vaultlet-agent:ci',
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 90_000,
          env: {
            PATH: `${dir}:${process.env['PATH'] ?? ''}`,
            FAKE_DOCKER_LOG: log,
            NODE24: process.execPath,
            VAULTLET: join(ROOT, 'bin', 'vaultlet.js'),
          },
        },
      );
      expectDemoRan(res);
      expect(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l !== ''),
      ).toEqual(['vaultlet-webhook:ci webhook', 'vaultlet-agent:ci agent', 'vaultlet-agent:ci agent']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 100_000);
});
