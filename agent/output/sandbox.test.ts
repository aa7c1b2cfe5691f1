import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteError } from './errors.ts';
import { destinationProblem, resolveDestination } from './sandbox.ts';

describe('destinationProblem', () => {
  it.each<[string, readonly string[], string | undefined]>([
    ['/vault/secrets/db', ['/vault/secrets'], undefined],
    ['/vault/secrets/sub/dir/db', ['/vault/secrets'], undefined],
    ['/other/db', ['/vault/secrets', '/other'], undefined],
    ['/vault/secrets//db', ['/vault/secrets/'], undefined],
    ['/anywhere/at/all', [], undefined],
    ['/vault/secrets', ['/vault/secrets'], 'must be under "/vault/secrets"'],
    ['/vault/secretsX/db', ['/vault/secrets'], 'must be under "/vault/secrets"'],
    ['/etc/passwd', ['/vault/secrets', '/x'], 'must be under "/vault/secrets" or "/x"'],
    ['/vault/secrets/../etc/passwd', ['/vault/secrets'], 'must not contain "." or ".." segments'],
    ['/vault/secrets/./db', [], 'must not contain "." or ".." segments'],
    ['vault/secrets/db', [], 'must be an absolute path'],
    ['/vault/secrets/', ['/vault'], 'must name a file, not a directory'],
    ['/vault/se\0crets', [], 'must not contain NUL'],
  ])('%j under %j → %s', (destination, roots, expected) => {
    expect(destinationProblem(destination, roots)).toBe(expected);
  });
});

describe('resolveDestination', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'vaultlet-sandbox-')));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the cleaned path for a destination inside its root, existing or not', () => {
    const root = join(dir, 'secrets');
    mkdirSync(join(root, 'app'), { recursive: true });
    expect(resolveDestination(`${root}//app/db`, [root])).toBe(join(root, 'app/db'));
    expect(resolveDestination(`${root}/new/deep/file`, [root])).toBe(join(root, 'new/deep/file'));
    expect(resolveDestination(`${dir}/not-yet/file`, [`${dir}/not-yet`])).toBe(`${dir}/not-yet/file`);
  });

  it('accepts a root that is itself reached through a symlink', () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(resolveDestination(join(dir, 'link/file'), [join(dir, 'link')])).toBe(join(dir, 'link/file'));
  });

  it('refuses a parent directory that is a symlink out of the root', () => {
    const root = join(dir, 'secrets');
    mkdirSync(root);
    mkdirSync(join(dir, 'outside'));
    symlinkSync(join(dir, 'outside'), join(root, 'escape'));
    const attempt = (): string => resolveDestination(join(root, 'escape/file'), [root]);
    expect(attempt).toThrow(WriteError);
    expect(attempt).toThrow(`${join(root, 'escape/file')}: a parent directory leads out of "${root}" through a symlink`);
  });

  it('with no roots, takes the destination directory as the root (only the text checks apply)', () => {
    mkdirSync(join(dir, 'outside'));
    symlinkSync(join(dir, 'outside'), join(dir, 'linked'));
    expect(resolveDestination(join(dir, 'linked/file'), [])).toBe(join(dir, 'linked/file'));
    expect(() => resolveDestination(`${dir}/linked/../file`, [])).toThrow(WriteError);
  });

  it('throws a WriteError with code AGT_DESTINATION naming the destination', () => {
    let caught: unknown;
    try {
      resolveDestination('/vault/secrets/../../etc/shadow', ['/vault/secrets']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WriteError);
    expect(caught).toMatchObject({ code: 'AGT_DESTINATION', destination: '/vault/secrets/../../etc/shadow', message: '/vault/secrets/../../etc/shadow: must not contain "." or ".." segments' });
  });
});
