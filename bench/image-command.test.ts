import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../test/helpers/webhook-process.ts';
import { imageEnv, imageNodeFlags } from './image-command.ts';

function dockerfile(text: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vaultlet-dockerfile-'));
  writeFileSync(join(dir, 'Dockerfile'), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('image command', () => {
  it('reads the node flags between node and the program, after an init process', () => {
    const d = dockerfile('FROM x\nENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/node", "--a=1", "--b", "/usr/local/bin/vaultlet"]\n');
    try {
      expect(imageNodeFlags(d.dir, 'Dockerfile')).toEqual(['--a=1', '--b']);
    } finally {
      d.remove();
    }
  });

  it("reads the last stage's ENV lines only", () => {
    const d = dockerfile('FROM a AS build\nENV BUILD_ONLY=1\nFROM b\nENV A=1 B=two\nUSER 1\nENV C=3\n');
    try {
      expect(imageEnv(d.dir, 'Dockerfile')).toEqual({ A: '1', B: 'two', C: '3' });
    } finally {
      d.remove();
    }
  });

  it('refuses a value it cannot read literally', () => {
    const d = dockerfile('FROM b\nENV A="quoted value"\n');
    try {
      expect(() => imageEnv(d.dir, 'Dockerfile')).toThrow(/cannot read ENV/);
    } finally {
      d.remove();
    }
  });

  it("the webhook image's environment is what the benchmarks run it with", () => {
    expect(imageEnv(ROOT, 'Dockerfile.webhook')).toEqual({ NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' });
    expect(imageNodeFlags(ROOT, 'Dockerfile.webhook')).toContain('--initial-old-space-size=48');
  });
});
