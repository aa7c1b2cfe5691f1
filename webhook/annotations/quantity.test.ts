import { describe, expect, it } from '@jest/globals';
import { canonicalQuantity, rememberedQuantities } from './quantity.ts';

describe('canonicalQuantity', () => {
  it.each([
    ['1000m', '1'],
    ['0.5', '500m'],
    ['1024Mi', '1Gi'],
    ['500m', '500m'],
    ['128Mi', '128Mi'],
    ['250m', '250m'],
    ['64Mi', '64Mi'],
    ['128M', '128M'],
    ['128m', '128m'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['0.1', '100m'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['2048Ki', '2Mi'],
    ['1e3', '1e3'],
    ['1000e0', '1e3'],
    ['1E6', '1e6'],
    ['0', '0'],
    ['0Mi', '0'],
    ['+1', '1'],
    ['-500m', '-500m'],
    ['1n', '1n'],
    ['1000n', '1u'],
    ['0.0000000001', '1n'],
    ['12345678901234', '12345678901234'],
    ['.5', '500m'],
    ['1.', '1'],
    ['1Ei', '1Ei'],
    ['3000000000000000000', '3E'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it.each([
    ['500mi', '"500mi": unable to parse quantity\'s suffix'],
    ['128mb', '"128mb": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''],
    ['', '"": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''],
    ['1.2.3', '"1.2.3": unable to parse quantity\'s number'],
    ['.', '".": unable to parse quantity\'s number'],
    ['1e999', '"1e999": quantity exponent out of range'],
    ['1'.repeat(65), `quantity "${'1'.repeat(64)}…(65 chars)" is too long`],
  ])('rejects %j', (input, message) => {
    expect(() => canonicalQuantity(input)).toThrow(new Error(message));
  });
});

describe('canonicalQuantity memo', () => {
  it('answers a remembered value as a fresh parse does, and never remembers an error', () => {
    for (const raw of ['1000m', '1.5Gi', '1e3', '0.0000000001'])
      expect(canonicalQuantity(raw)).toBe(canonicalQuantity(raw));
    expect(canonicalQuantity('2048Ki')).toBe('2Mi');
    expect(canonicalQuantity('2048Ki')).toBe('2Mi');
    expect(() => canonicalQuantity('12x')).toThrow();
    expect(() => canonicalQuantity('12x')).toThrow();
  });

  it('stays bounded whatever values it is given', () => {
    for (let i = 0; i < 5000; i++) canonicalQuantity(`${i}Mi`);
    expect(rememberedQuantities()).toBeGreaterThan(0);
    expect(rememberedQuantities()).toBeLessThanOrEqual(1024);
  });
});
