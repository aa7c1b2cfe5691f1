import { describe, expect, it } from '@jest/globals';
import { ChartError } from './errors.ts';
import { semverCompare } from './semver.ts';

describe('semverCompare', () => {
  it.each([
    ['>=1.30.0-0', 'v1.31.0', true],
    ['>=1.30.0-0', 'v1.29.9', false],
    ['>=1.30.0-0', 'v1.30.2-eks-49a6c0', true],
    ['>=1.30.0', 'v1.30.2-eks-49a6c0', false],
    ['>=1.28.0-0', 'v1.28.0', true],
    ['<1.28', 'v1.27.16', true],
    ['>=1.22.0-0, <1.30.0-0', 'v1.29.1-gke.1589', true],
    ['>=1.22.0-0, <1.30.0-0', 'v1.30.0', false],
    ['<1.20 || >=1.30', '1.31.1', true],
    ['1.31', 'v1.31.0', true],
    ['!=1.31.0', 'v1.31.0', false],
  ])('%s against %s is %s', (constraint, version, expected) => {
    expect(semverCompare(constraint, version)).toBe(expected);
  });

  it('orders pre-releases before their release', () => {
    expect(semverCompare('<1.30.0', '1.30.0-rc.1')).toBe(false);
    expect(semverCompare('<1.30.0-0', '1.30.0-rc.1')).toBe(false);
    expect(semverCompare('>1.30.0-alpha, <1.30.0-0', '1.30.0-beta')).toBe(false);
    expect(semverCompare('>1.30.0-alpha', '1.30.0-beta')).toBe(true);
  });

  it('names an unreadable version', () => {
    expect(() => semverCompare('>=1.0', 'one')).toThrow(ChartError);
    expect(() => semverCompare('>=1.0', 'one')).toThrow('invalid semantic version: "one"');
  });
});
