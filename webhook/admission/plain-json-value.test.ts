import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { jsonText, mutated } from '../../test/helpers/json-texts.ts';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import { isPlainJsonValue } from './plain-json-value.ts';

const plain = (text: string, maxDepth = 128): boolean => {
  const bytes = Buffer.from(`x${text}y`);
  return isPlainJsonValue(bytes, 1, bytes.length - 1, maxDepth);
};
const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('isPlainJsonValue', () => {
  it('accepts an array or object of objects, arrays, strings and the three literals', () => {
    expect(plain('[]')).toBe(true);
    expect(plain('{}')).toBe(true);
    expect(
      plain('[{"manager":"m","fieldsV1":{"f:metadata":{".":{},"k:{\\"name\\":\\"a\\"}":{}}}},[true,false,null]]'),
    ).toBe(true);
    expect(plain('[ { "a" : "b" } ,\n\t"c" ]')).toBe(true);
    expect(plain('["é😀 \\" \\\\ \\/ \\b \\f \\n \\r \\t"]')).toBe(true);
  });

  it('refuses what JSON.parse refuses', () => {
    for (const bad of [
      '[',
      '[}',
      '[1,]',
      '[,]',
      '["a",]',
      '{"a"}',
      '{"a":}',
      '{"a":1,}',
      '{a:1}',
      '["\u0001"]',
      '["\\x"]',
      '["a]',
      '[tru]',
      '[nul]',
      '["a" "b"]',
      '{"a":"b" "c":"d"}',
      '[][]',
      '[] ',
    ]) {
      expect([bad, plain(bad)]).toEqual([bad, false]);
      expect(parses(`x${bad}`.slice(1)) && plain(bad)).toBe(false);
    }
  });

  it('refuses numbers and \\u escapes, which JSON accepts but it leaves to JSON.parse', () => {
    expect(plain('[1]')).toBe(false);
    expect(plain('{"a":-0.5e3}')).toBe(false);
    expect(plain('["\\u0041"]')).toBe(false);
  });

  it('refuses a value that is not an array or object, or space around it', () => {
    expect(plain('"a"')).toBe(false);
    expect(plain('true')).toBe(false);
    expect(plain(' []')).toBe(false);
  });

  it('stays within the bounds it is given, and within its depth', () => {
    const bytes = Buffer.from('[["a"]]');
    expect(isPlainJsonValue(bytes, 0, 5, 128)).toBe(false); // '[["a"' ends before its brackets close
    expect(isPlainJsonValue(bytes, 1, 6, 128)).toBe(true);
    expect(isPlainJsonValue(bytes, 0, 99, 128)).toBe(false);
    expect(plain('[[[]]]', 2)).toBe(false);
    expect(plain('[[[]]]', 3)).toBe(true);
  });

  it('never accepts text JSON.parse refuses, on random and broken JSON', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, mutated), (text) => {
        if (plain(text)) expect(parses(text)).toBe(true);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('accepts every array of objects, strings and literals that JSON.stringify writes', () => {
    // Without control characters or lone surrogates, which JSON.stringify writes as \u escapes.
    const text = fc.string({ unit: 'binary' }).filter((s) => !/[\u0000-\u001f]|\p{Surrogate}/u.test(s));
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.constantFrom(true, false, null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(text, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (items) => {
        expect(plain(JSON.stringify(items))).toBe(true);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});
