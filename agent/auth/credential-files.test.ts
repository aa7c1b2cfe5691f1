import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CREDENTIAL_BYTES, nodeCredentialFiles } from './credential-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'vaultlet-credfiles-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('credential files', () => {
  it('reads a file (through a symlink, as projected volumes are), and tells a missing one apart', () => {
    writeFileSync(join(dir, 'token'), 'abc\n');
    symlinkSync(join(dir, 'token'), join(dir, 'link'));
    expect(nodeCredentialFiles.read(join(dir, 'link'))).toBe('abc\n');
    expect(nodeCredentialFiles.read(join(dir, 'missing'))).toBeUndefined();
  });

  it('refuses a file over the size limit, a directory and a FIFO, without blocking on the FIFO', () => {
    writeFileSync(join(dir, 'big'), Buffer.alloc(MAX_CREDENTIAL_BYTES + 1, 0x61));
    expect(() => nodeCredentialFiles.read(join(dir, 'big'))).toThrow(
      `${join(dir, 'big')} is larger than ${MAX_CREDENTIAL_BYTES} bytes`,
    );
    mkdirSync(join(dir, 'a-dir'));
    expect(() => nodeCredentialFiles.read(join(dir, 'a-dir'))).toThrow('is not a regular file');
    const fifo = join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0)
      expect(() => nodeCredentialFiles.read(fifo)).toThrow(`${fifo} is not a regular file`);
  });

  it('removes a symlink, not its target, and ignores a file already gone', () => {
    writeFileSync(join(dir, 'target'), 'keep');
    symlinkSync(join(dir, 'target'), join(dir, 'secret-id'));
    nodeCredentialFiles.remove(join(dir, 'secret-id'));
    expect([existsSync(join(dir, 'secret-id')), existsSync(join(dir, 'target'))]).toEqual([false, true]);
    expect(() => {
      nodeCredentialFiles.remove(join(dir, 'secret-id'));
    }).not.toThrow();
  });
});
