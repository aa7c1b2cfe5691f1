import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { readBody } from './respond.ts';

const stream = (...chunks: string[]): Readable => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('request bodies', () => {
  it('reads a body whole, refuses one over the limit, and stops when the shared budget refuses', async () => {
    expect((await readBody(stream('ab', 'cd'), 4)) as Buffer).toEqual(Buffer.from('abcd'));
    expect(await readBody(stream('ab', 'cde'), 4)).toBe('too-large');
    let budget = 3;
    const reserve = (n: number): boolean => {
      if (n > budget) return false;
      budget -= n;
      return true;
    };
    expect(await readBody(stream('ab', 'cd'), 100, reserve)).toBe('busy');
    expect(budget).toBe(1);
  });
});
