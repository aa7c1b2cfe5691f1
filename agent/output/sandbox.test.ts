import { describe, expect, it } from '@jest/globals';
import { WriteError } from './errors.ts';
import { destinationProblem, resolveDestination, walkFor, type Walk } from './sandbox.ts';

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
  it('returns the cleaned path for a destination inside its root, judged on the text alone', () => {
    expect(resolveDestination('/vault/secrets//app/db', ['/vault/secrets'])).toBe('/vault/secrets/app/db');
    expect(resolveDestination('/anywhere/file', [])).toBe('/anywhere/file');
  });

  it('throws a WriteError with code AGT_DESTINATION naming the destination', () => {
    let caught: unknown;
    try {
      resolveDestination('/vault/secrets/../../etc/shadow', ['/vault/secrets']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WriteError);
    expect(caught).toMatchObject({
      code: 'AGT_DESTINATION',
      destination: '/vault/secrets/../../etc/shadow',
      message: '/vault/secrets/../../etc/shadow: must not contain "." or ".." segments',
    });
  });
});

describe('walkFor', () => {
  it.each<[string, readonly string[], Walk]>([
    ['/vault/secrets/db', ['/vault/secrets'], { root: '/vault/secrets', dirs: [], name: 'db' }],
    ['/vault/secrets/a/b/db', ['/vault/secrets/'], { root: '/vault/secrets', dirs: ['a', 'b'], name: 'db' }],
    ['/vault/secrets/a/db', ['/vault', '/vault/secrets'], { root: '/vault/secrets', dirs: ['a'], name: 'db' }],
    ['/vault/agent-state/handoff', ['/vault/secrets'], { root: '/', dirs: ['vault', 'agent-state'], name: 'handoff' }],
    ['/home/vault/.vault-token', [], { root: '/', dirs: ['home', 'vault'], name: '.vault-token' }],
    ['/f', [], { root: '/', dirs: [], name: 'f' }],
  ])('%j with roots %j', (path, roots, expected) => {
    expect(walkFor(path, roots)).toEqual(expected);
  });

  it('refuses a path that names no file or has dot segments', () => {
    expect(() => walkFor('/vault/secrets/', [])).toThrow(WriteError);
    expect(() => walkFor('/vault/secrets/../x', [])).toThrow(WriteError);
  });
});
