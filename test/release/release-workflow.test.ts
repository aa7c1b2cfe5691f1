// The release workflow cannot run here (no Docker), so its shape is checked instead: it builds both
// Dockerfiles for amd64 and arm64, checks the built images (version, demo) before anything is
// published, publishes only on a version tag, and every shell step at least parses.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_AGENT_IMAGE } from '../../webhook/config/settings.ts';
import { ROOT } from '../helpers/webhook-process.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  'runs-on': string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  on: { push: { tags: string[] }; pull_request?: unknown };
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const doc = parseDocument(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8'), {
  uniqueKeys: true,
});
const wf = doc.toJS() as Workflow;
const builds = (job: Job): Step[] => job.steps.filter((s) => s.uses?.startsWith('docker/build-push-action@') === true);

describe('release workflow', () => {
  it('is valid YAML with no duplicate keys', () => {
    expect(doc.errors).toEqual([]);
  });

  it('checks on pull requests and publishes on version tags, with read-only defaults', () => {
    expect(wf.on.push.tags).toEqual(['v*.*.*']);
    expect(wf.on.pull_request).toBeDefined();
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('builds both Dockerfiles for amd64 and arm64, each on a runner of that architecture, loaded for the checks', () => {
    const check = wf.jobs['check']!;
    expect(check.strategy?.matrix.include.map((m) => [m['arch'], m['runner']])).toEqual([
      ['amd64', 'ubuntu-24.04'],
      ['arm64', 'ubuntu-24.04-arm'],
    ]);
    expect(check['runs-on']).toBe('${{ matrix.runner }}');
    expect(
      builds(check).map((s) => [s.with?.['file'], s.with?.['platforms'], s.with?.['load'], s.with?.['push']]),
    ).toEqual([
      ['Dockerfile.agent', 'linux/${{ matrix.arch }}', true, undefined],
      ['Dockerfile.webhook', 'linux/${{ matrix.arch }}', true, undefined],
    ]);
    for (const file of ['Dockerfile.agent', 'Dockerfile.webhook']) expect(existsSync(join(ROOT, file))).toBe(true);
  });

  it('runs each built image for its version, then the demo against both built images', () => {
    const check = wf.jobs['check']!;
    const tags = builds(check).map((s) => s.with?.['tags']);
    expect(tags).toEqual(['vaultlet-agent:ci', 'vaultlet-webhook:ci']);
    const runs = check.steps.map((s) => s.run ?? '');
    const version = runs.findIndex((r) => r.includes('--version'));
    const demo = runs.findIndex((r) =>
      /vaultlet demo --webhook-image vaultlet-webhook:ci --agent-image vaultlet-agent:ci/.test(r),
    );
    expect(runs[version]).toMatch(/for image in vaultlet-agent:ci vaultlet-webhook:ci/);
    expect(runs[version]).toContain('docker run --rm "$image" --version');
    expect(demo).toBeGreaterThan(version);
    expect(runs.slice(0, demo).some((r) => r.startsWith('npm ci'))).toBe(true);
  });

  it('publishes multi-platform images only from a tag, only after the checks, with the only write permission', () => {
    const publish = wf.jobs['publish']!;
    expect(publish.needs).toBe('check');
    expect(publish.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(publish.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(
      builds(publish).map((s) => [s.with?.['file'], s.with?.['platforms'], s.with?.['push'], s.with?.['tags']]),
    ).toEqual([
      [
        'Dockerfile.agent',
        'linux/amd64,linux/arm64',
        true,
        '${{ env.AGENT_IMAGE }}:${{ steps.version.outputs.version }}',
      ],
      [
        'Dockerfile.webhook',
        'linux/amd64,linux/arm64',
        true,
        '${{ env.WEBHOOK_IMAGE }}:${{ steps.version.outputs.version }}',
      ],
    ]);
    expect(publish.steps.some((s) => s.uses?.startsWith('docker/setup-qemu-action@') === true)).toBe(true);
    expect(wf.jobs['check']!.permissions).toBeUndefined();
  });

  it('publishes under the name the webhook injects by default', () => {
    expect(DEFAULT_AGENT_IMAGE.startsWith(`${wf.env['AGENT_IMAGE']}:`)).toBe(true);
    expect(wf.env['WEBHOOK_IMAGE']).toBe('ghcr.io/vaultlet/webhook');
  });

  it('pins every action to a major version', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses])));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  it('has shell steps that bash can parse', () => {
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run])));
    for (const script of runs) {
      // Expressions are substituted by Actions before the shell sees the script.
      const text = script.replace(/\$\{\{[^}]*\}\}/g, 'X');
      const r = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      expect({ script, stderr: r.stderr, status: r.status }).toEqual({ script, stderr: '', status: 0 });
    }
  });
});
