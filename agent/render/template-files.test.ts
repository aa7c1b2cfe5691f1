// sandbox_path for `file` and `writeToFile`, on a real directory tree (symlinks included), and the
// bounds on what `file` reads.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import {
  checkOwner,
  checkWriteInSandbox,
  MAX_TEMPLATE_FILE_BYTES,
  readTemplateFile,
  TemplateFileError,
} from './template-files.ts';
import { nodeTemplateFiles } from './node-template-files.ts';

let root = '';
let sandbox = '';
let outside = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vaultlet-sandbox-'));
  sandbox = join(root, 'sandbox');
  outside = join(root, 'outside');
  mkdirSync(join(sandbox, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(sandbox, 'sub', 'ok.txt'), 'inside');
  writeFileSync(join(outside, 'secret.txt'), 'outside-SENTINEL');
  symlinkSync(join(outside, 'secret.txt'), join(sandbox, 'link-out'));
  symlinkSync(outside, join(sandbox, 'dir-out'));
  symlinkSync(join(sandbox, 'sub', 'ok.txt'), join(sandbox, 'link-in'));
  writeFileSync(join(sandbox, 'big'), Buffer.alloc(MAX_TEMPLATE_FILE_BYTES + 1, 0x61));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateFileError);
    return (err as Error).message;
  }
  return 'no error';
}

describe('file with sandbox_path', () => {
  it('reads inside the sandbox, also through a symlink that stays inside', () => {
    expect(readTemplateFile(join(sandbox, 'sub', 'ok.txt'), sandbox, nodeTemplateFiles)).toBe('inside');
    expect(readTemplateFile(join(sandbox, 'link-in'), sandbox, nodeTemplateFiles)).toBe('inside');
    expect(readTemplateFile('', sandbox, nodeTemplateFiles)).toBe('');
  });

  it('refuses paths outside, by .., by a file symlink or a directory symlink, naming the path not the content', () => {
    for (const path of [
      join(outside, 'secret.txt'),
      join(sandbox, '..', 'outside', 'secret.txt'),
      join(sandbox, 'link-out'),
      join(sandbox, 'dir-out', 'secret.txt'),
    ]) {
      const message = refusal(() => readTemplateFile(path, sandbox, nodeTemplateFiles));
      expect(message).toBe(`file: ${JSON.stringify(path)} is outside of sandbox_path`);
      expect(message).not.toContain('SENTINEL');
    }
  });

  it('checks the file actually opened: a directory swapped for a symlink after the path check cannot redirect the read', () => {
    // The state a racing container leaves between readTemplateFile's realpath check and the open:
    // the path names a directory inside the sandbox that is now a symlink to the outside.
    const swapped = join(sandbox, 'dir-out', 'secret.txt');
    expect(() => nodeTemplateFiles.readRegular(swapped, MAX_TEMPLATE_FILE_BYTES, sandbox)).toThrow(
      'outside of sandbox_path',
    );
    expect(nodeTemplateFiles.readRegular(join(sandbox, 'sub', 'ok.txt'), MAX_TEMPLATE_FILE_BYTES, sandbox)).toBe(
      'inside',
    );
  });

  it('reads anywhere without a sandbox (as Vault Agent), but only regular files of bounded size', () => {
    expect(readTemplateFile(join(outside, 'secret.txt'), undefined, nodeTemplateFiles)).toBe('outside-SENTINEL');
    expect(refusal(() => readTemplateFile(join(sandbox, 'big'), undefined, nodeTemplateFiles))).toContain(
      'cannot read',
    );
    expect(refusal(() => readTemplateFile(sandbox, undefined, nodeTemplateFiles))).toContain('cannot read');
    expect(refusal(() => readTemplateFile('/dev/zero', undefined, nodeTemplateFiles))).toContain('cannot read');
    expect(refusal(() => readTemplateFile(join(root, 'none'), undefined, nodeTemplateFiles))).toContain(
      'does not exist',
    );
  });
});

describe('writeToFile with sandbox_path', () => {
  it('allows new files and directories inside, refuses outside and through a symlinked directory', () => {
    expect(() => checkWriteInSandbox(join(sandbox, 'new', 'deeper', 'f'), sandbox, nodeTemplateFiles)).not.toThrow();
    expect(() => checkWriteInSandbox(join(sandbox, 'sub', 'ok.txt'), sandbox, nodeTemplateFiles)).not.toThrow();
    for (const path of [
      join(outside, 'f'),
      join(sandbox, 'dir-out', 'f'),
      join(sandbox, '..', 'outside', 'f'),
      'relative/f',
    ]) {
      expect(refusal(() => checkWriteInSandbox(path, sandbox, nodeTemplateFiles))).toBe(
        `writeToFile: ${JSON.stringify(path)} is outside of sandbox_path`,
      );
    }
  });

  it("accepts only the agent's own user as owner and group", () => {
    const me = userInfo();
    expect(() => checkOwner('', '', nodeTemplateFiles)).not.toThrow();
    expect(() => checkOwner(String(me.uid), String(me.gid), nodeTemplateFiles)).not.toThrow();
    expect(() => checkOwner(me.username, '', nodeTemplateFiles)).not.toThrow();
    expect(refusal(() => checkOwner('someone-else', '', nodeTemplateFiles))).toContain('its own user');
  });
});
