import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { propertyRuns } from '../test/helpers/property-runs.ts';
import { trimTrailing, trimTrailingAny, withoutQuery } from './string-ends.ts';

// Short strings over the characters that matter, so runs, line breaks and queries are frequent.
const text = fc.string({
  unit: fc.constantFrom('/', '?', '0', '=', ' ', '\t', '\n', '\r', '\u2028', 'a', 'x'),
  maxLength: 12,
});

describe('string ends', () => {
  it('cut exactly what the regexes they replace cut', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(trimTrailing(s, '/')).toBe(s.replace(/\/+$/, ''));
        expect(trimTrailing(s, '0')).toBe(s.replace(/0+$/, ''));
        expect(trimTrailing(s, '=')).toBe(s.replace(/=+$/, ''));
        expect(trimTrailingAny(s, ' \t')).toBe(s.replace(/[ \t]+$/, ''));
        expect(withoutQuery(s)).toBe(s.replace(/\?.*$/, ''));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('take one pass over inputs that make those regexes quadratic', () => {
    // 200k characters: the regexes need seconds for these, the loops well under a millisecond each.
    const run = (c: string): string => `${c.repeat(200_000)}x`;
    expect(trimTrailing(run('/'), '/')).toHaveLength(200_001);
    expect(trimTrailing(`${'0'.repeat(200_000)}`, '0')).toBe('');
    expect(trimTrailingAny(run(' '), ' \t')).toHaveLength(200_001);
    expect(withoutQuery(`${'?'.repeat(200_000)}\n`)).toHaveLength(200_001);
  });
});
