import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import { unquote } from './literals.ts';

describe('unquote', () => {
  it('returns the body of a "..." string without escapes as it is, and refuses a bare quote inside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const body = s.replaceAll('\\', '');
        if (body.includes('"')) expect(() => unquote(`"${body}"`)).toThrow('invalid syntax');
        else expect(unquote(`"${body}"`)).toBe(body);
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('still decodes escapes', () => {
    expect(unquote('"a\\tb\\"c\\u00e9\\x41\\101"')).toBe('a\tb"cé' + 'AA');
    expect(() => unquote('"\\q"')).toThrow('invalid syntax');
  });
});
