import { describe, expect, it } from '@jest/globals';
import { isAlphaNumeric } from './lexer.ts';

describe('isAlphaNumeric', () => {
  it('agrees with Unicode letters, decimal digits and "_" on every UTF-16 code unit', () => {
    const reference = /^[\p{L}\p{Nd}_]$/u;
    const disagree: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      if (isAlphaNumeric(c) !== reference.test(c)) disagree.push(code);
    }
    expect(disagree).toEqual([]);
    expect(isAlphaNumeric(undefined)).toBe(false);
  });
});
