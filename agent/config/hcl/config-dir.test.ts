import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDirFiles, listConfigDir } from './config-dir.ts';

describe('configDirFiles', () => {
  it('keeps .hcl and .json files, sorted, and skips editor back-ups and other files', () => {
    expect(configDirFiles(['b.json', '..data', 'a.hcl', 'notes.txt', 'c.hcl~', '.#d.hcl', '#e.hcl#', 'A.hcl', 'config.hcl.bak', '10.hcl', '9.hcl'])).toEqual(['10.hcl', '9.hcl', 'A.hcl', 'a.hcl', 'b.json']);
  });
});

describe('listConfigDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-hcl-dir-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists files and symlinks of a directory laid out like a mounted ConfigMap, without subdirectories', () => {
    mkdirSync(join(dir, '..2026_11_25'));
    writeFileSync(join(dir, '..2026_11_25', 'config.hcl'), 'x = 1');
    symlinkSync('..2026_11_25', join(dir, '..data'));
    symlinkSync('..data/config.hcl', join(dir, 'config.hcl'));
    mkdirSync(join(dir, 'sub.hcl'));
    writeFileSync(join(dir, 'extra.json'), '{}');
    expect(listConfigDir(dir)?.sort()).toEqual(['..data', 'config.hcl', 'extra.json']);
    expect(configDirFiles(listConfigDir(dir) ?? [])).toEqual(['config.hcl', 'extra.json']);
  });

  it('says a file or a missing path is not a directory', () => {
    writeFileSync(join(dir, 'a.hcl'), '');
    expect(listConfigDir(join(dir, 'a.hcl'))).toBeUndefined();
    expect(listConfigDir(join(dir, 'missing'))).toBeUndefined();
  });
});
