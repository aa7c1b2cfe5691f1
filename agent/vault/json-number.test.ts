// Numbers exactly as Vault sent them (Vault Agent decodes with Go's UseNumber), while the core's
// own numeric fields stay plain numbers.
import { describe, expect, it } from '@jest/globals';
import { JsonNumber, parseVaultJson, plainNumber } from './json-number.ts';

const VAULT_KV2 = '{"request_id":"9e3f-1e5","lease_id":"","renewable":false,"lease_duration":2764800,"data":{"data":' +
  '{"price":1.50,"big":10000000000000000001,"exp":1e3,"neg":-12.50,"zero":-0,"port":5432,"half":0.5,"pow":1152921504606846976,"s":"1.50"},' +
  '"metadata":{"version":3}},"wrap_info":null,"warnings":null,"auth":null}';

describe('parseVaultJson', () => {
  it('keeps the text of numbers JavaScript would print differently (2^60 prints 1152921504606847000); round-tripping numbers stay numbers', () => {
    expect(parseVaultJson(VAULT_KV2)).toEqual({
      request_id: '9e3f-1e5', lease_id: '', renewable: false, lease_duration: 2764800,
      data: {
        data: {
          price: new JsonNumber('1.50'), big: new JsonNumber('10000000000000000001'), exp: new JsonNumber('1e3'),
          neg: new JsonNumber('-12.50'), zero: new JsonNumber('-0'), port: 5432, half: 0.5, pow: new JsonNumber('1152921504606846976'), s: '1.50',
        },
        metadata: { version: 3 },
      },
      wrap_info: null, warnings: null, auth: null,
    });
  });

  it('prints and re-serializes a kept number as its text', () => {
    const data = (parseVaultJson(VAULT_KV2) as { data: { data: Record<string, unknown> } }).data.data;
    expect(`${String(data['price'])} ${String(data['big'])} ${String(data['exp'])} ${String(data['neg'])}`).toBe('1.50 10000000000000000001 1e3 -12.50');
    expect(JSON.stringify(data)).toBe('{"price":1.50,"big":10000000000000000001,"exp":1e3,"neg":-12.50,"zero":-0,"port":5432,"half":0.5,"pow":1152921504606846976,"s":"1.50"}');
  });

  it('reads as yaml.v2 does for toYAML: int64 exactly, anything else as a float64', () => {
    expect(['1152921504606846976', '-9223372036854775808', '9223372036854775808', '1.50', '1e3'].map((t) => new JsonNumber(t).toInt64OrFloat()))
      .toEqual([1152921504606846976n, -9223372036854775808n, 9223372036854775808, 1.5, 1000]);
  });

  it('fails on bad JSON as JSON.parse does', () => {
    expect(() => parseVaultJson('{"a":')).toThrow(SyntaxError);
  });

  it('plainNumber gives the core a number whichever way the field arrived', () => {
    expect([plainNumber(3600), plainNumber(new JsonNumber('3.6e3')), plainNumber('3600'), plainNumber(undefined)]).toEqual([3600, 3600, undefined, undefined]);
  });
});
