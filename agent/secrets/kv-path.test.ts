import { describe, expect, it } from '@jest/globals';
import { shimKvV2Path, splitQuery } from './kv-path.ts';

describe('shimKvV2Path', () => {
  it.each([
    ['secret/app', 'secret/', 'read', 'secret/data/app'],
    ['secret/data/app', 'secret/', 'read', 'secret/data/app'],
    ['secret/metadata/app', 'secret/', 'read', 'secret/metadata/app'],
    ['secret/subkeys/app', 'secret/', 'read', 'secret/subkeys/app'],
    ['secret', 'secret/', 'read', 'secret/data'],
    ['secret/', 'secret/', 'list', 'secret/metadata'],
    ['secret/team/', 'secret/', 'list', 'secret/metadata/team/'],
    ['team/kv/app', 'team/kv/', 'read', 'team/kv/data/app'],
    ['/secret/app', 'secret', 'read', 'secret/data/app'],
  ] as const)('%s on mount %s (%s) → %s', (raw, mount, kind, expected) => {
    expect(shimKvV2Path(raw, mount, kind)).toBe(expected);
  });
});

describe('splitQuery', () => {
  it('separates a version selector', () => {
    expect(splitQuery('secret/app?version=2')).toEqual({ path: 'secret/app', query: '?version=2' });
    expect(splitQuery('secret/app')).toEqual({ path: 'secret/app', query: '' });
  });
});
