import { describe, expect, it } from '@jest/globals';
import { numberEnd } from './number-end.ts';

describe('numberEnd', () => {
  it.each([
    ['123 }}', 0, 3],
    ['-1.5e+10x', 0, 8],
    ['.5', 0, 2],
    ['1_000_000', 0, 9],
    ['0x1fP-2)', 0, 7],
    ['0x1e5', 0, 5], // hexadecimal: e is a digit, not an exponent
    ['0o17 ', 0, 4],
    ['0b1012', 0, 5], // 2 is not binary: the lexer then calls it bad syntax
    ['1e5e5', 0, 3],
    ['x 42', 2, 4],
  ])('%j from %d ends at %d', (input, start, end) => {
    expect(numberEnd(input, start)).toBe(end);
  });
});
