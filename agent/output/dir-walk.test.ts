import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { at, openDirBeneath } from './dir-walk.ts';

describe('/proc/self/fd/<fd>/<name> (the openat equivalent the writer relies on)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-walk-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the entry in the directory the descriptor holds, even after that directory moved', () => {
    mkdirSync(join(dir, 'a'));
    const fd = openSync(join(dir, 'a'), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      renameSync(join(dir, 'a'), join(dir, 'moved'));
      symlinkSync(join(dir, 'elsewhere'), join(dir, 'a')); // what an attacker puts at the old path
      mkdirSync(join(dir, 'elsewhere'));
      writeFileSync(at(fd, 'f'), 'x');
      renameSync(at(fd, 'f'), at(fd, 'g'));
      expect([readdirSync(join(dir, 'moved')), readdirSync(join(dir, 'elsewhere'))]).toEqual([['g'], []]);
    } finally {
      closeSync(fd);
    }
  });

  it('does not follow a symlink as the last component with O_NOFOLLOW', () => {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'outside'));
    symlinkSync(join(dir, 'outside'), join(dir, 'a', 'link'));
    const fd = openSync(join(dir, 'a'), constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      expect(() => openSync(at(fd, 'link'), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)).toThrow(
        expect.objectContaining({ code: 'ENOTDIR' }),
      );
    } finally {
      closeSync(fd);
    }
  });
});

describe('openDirBeneath', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-walk-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the directory below the root, creating missing ones when asked', () => {
    const fd = openDirBeneath(dir, ['x', 'y'], `${dir}/x/y/f`, { create: true });
    try {
      expect(statSync(`/proc/self/fd/${fd}`).ino).toBe(statSync(join(dir, 'x/y')).ino);
    } finally {
      closeSync(fd);
    }
    expect(() => openDirBeneath(dir, ['nope'], `${dir}/nope/f`, { create: false })).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('refuses a file where a directory is expected', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => openDirBeneath(dir, ['file'], `${dir}/file/f`, { create: true })).toThrow(
      expect.objectContaining({ code: 'AGT_DESTINATION' }),
    );
  });

  // Without /proc there is no way to reach a directory through a descriptor: writes must refuse,
  // not fall back to path strings. Checked in a mount namespace whose /proc is an empty tmpfs.
  const isolated = spawnSync('unshare', ['--mount', 'true'], { stdio: 'ignore' }).status === 0;
  (isolated ? it : it.skip)('refuses (AGT_WRITE) when /proc/self/fd is not there', () => {
    const script = `
      import { openDirBeneath } from ${JSON.stringify(resolve('agent/output/dir-walk.ts'))};
      try { openDirBeneath(${JSON.stringify(dir)}, [], 'dest', { create: false }); console.log('opened'); }
      catch (err) { console.log(err.code + ': ' + err.message); }`;
    const r = spawnSync(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs none /proc && exec "$0" --input-type=module -e "$1"',
        resolve('node_modules/.bin/node'),
        script,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe(
      'AGT_WRITE: dest: refusing to write: /proc/self/fd is not available to reach directories without following symlinks',
    );
    expect(readFileSync('/proc/self/stat', 'utf8')).not.toBe(''); // our own /proc is untouched
  });
});
