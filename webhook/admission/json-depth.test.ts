import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan } from './json-depth.ts';

const bytes = (text: string): Buffer => Buffer.from(text);

describe('JSON nesting depth', () => {
  it('counts objects and arrays, up to and past the limit', () => {
    expect(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(nestsDeeperThan(bytes('[[],[],[],[]]'), 2)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(bytes(JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\" \\\\' })), 1)).toBe(false);
    expect(nestsDeeperThan(bytes(JSON.stringify({ a: 'x\\', b: [[1]] })), 2)).toBe(true);
  });

  it('answers the same for large bodies, whether they have few brackets or many', () => {
    const wide = bytes(JSON.stringify({ a: 'x'.repeat(100_000), b: [[[1]]] }));
    expect([nestsDeeperThan(wide, 3), nestsDeeperThan(wide, 4)]).toEqual([true, false]);
    const many = bytes(JSON.stringify({ list: Array.from({ length: 20_000 }, () => ({ a: [1] })) }));
    expect([nestsDeeperThan(many, 3), nestsDeeperThan(many, 4)]).toEqual([true, false]);
    const bracketsInStrings = bytes(JSON.stringify({ s: '{['.repeat(50_000), n: [[1]] }));
    expect([nestsDeeperThan(bracketsInStrings, 2), nestsDeeperThan(bracketsInStrings, 3)]).toEqual([true, false]);
  });

  it('finds a 100k-deep body at once', () => {
    const depth = 100_000;
    expect(nestsDeeperThan(bytes(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`), 128)).toBe(true);
    expect(nestsDeeperThan(bytes(`${'['.repeat(depth)}${']'.repeat(depth)}`), 128)).toBe(true);
  });
});
