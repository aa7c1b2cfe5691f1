import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan, screenJson } from './json-depth.ts';

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

describe('screenJson: whether a forbidden key can be present', () => {
  const screen = (text: string): string => screenJson(bytes(text), 128);

  it('is plain when no string is __proto__ or constructor and nothing is escaped', () => {
    expect(screen('{"a":{"b":["c",1,true,null]}}')).toBe('plain');
    expect(screen('{"x__proto__":1,"constructors":"__proto__x","_proto__":2,"constructo":3}')).toBe('plain');
    expect(screen('"__proto"')).toBe('plain');
  });

  it('is suspect for either key, as a key or a value, and for any \\u escape', () => {
    expect(screen('{"__proto__":1}')).toBe('suspect');
    expect(screen('{"a":"constructor"}')).toBe('suspect');
    expect(screen('{"\\u005f_proto__":1}')).toBe('suspect');
    expect(screen('{"a":"\\u0041"}')).toBe('suspect');
  });

  it('is plain for other escapes, which cannot spell either key', () => {
    expect(screen('{"a":"line\\nbreak \\"quoted\\" \\\\ \\/"}')).toBe('plain');
    expect(screen('{"k:{\\"name\\":\\"app\\"}":{}}')).toBe('plain');
  });

  it('says deep before anything else', () => {
    expect(screen(`{"__proto__":${'['.repeat(200)}${']'.repeat(200)}}`)).toBe('deep');
    expect(screen(`${'['.repeat(129)}${']'.repeat(129)}`)).toBe('deep');
  });
});

describe("screenJson: where the pod's managedFields lie", () => {
  const spanOf = (text: string): string | undefined => {
    const span = new Int32Array(2);
    screenJson(bytes(text), 128, span);
    return span[0] === -1 ? undefined : text.slice(span[0], span[1]);
  };
  const review = (metadata: string): string =>
    `{"kind":"AdmissionReview","request":{"uid":"u","object":{"kind":"Pod","metadata":${metadata},"spec":{}}}}`;

  it('gives the array at request.object.metadata.managedFields, from its [ to after its ]', () => {
    const fields = '[{"manager":"m","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:a":{}}}}},{"x":["]"]}]';
    expect(spanOf(review(`{"name":"p","managedFields":${fields},"labels":{}}`))).toBe(fields);
    expect(spanOf(review(`{ "managedFields" :\n ${fields} }`))).toBe(fields);
    expect(spanOf(review('{"managedFields":[]}'))).toBe('[]');
  });

  it('gives nothing for the same key anywhere else, or for a value that is not an array', () => {
    const fields = '[{"manager":"m"}]';
    expect(spanOf(`{"request":{"oldObject":{"metadata":{"managedFields":${fields}}}}}`)).toBeUndefined();
    expect(spanOf(`{"request":{"object":{"spec":{"managedFields":${fields}}}}}`)).toBeUndefined();
    expect(spanOf(`{"request":{"object":{"metadata":{"labels":{"managedFields":${fields}}}}}}`)).toBeUndefined();
    expect(spanOf(`{"request":{"object":{"managedFields":${fields}}}}`)).toBeUndefined();
    expect(spanOf(`{"object":{"metadata":{"managedFields":${fields}}}}`)).toBeUndefined();
    expect(spanOf(`[{"request":{"object":{"metadata":{"managedFields":${fields}}}}}]`)).toBeUndefined();
    expect(spanOf(`{"request":[{"object":{"metadata":{"managedFields":${fields}}}}]}`)).toBeUndefined();
    expect(spanOf(review('{"managedFields":{"a":[1]}}'))).toBeUndefined();
    expect(spanOf(review('{"managedFields":null,"x":[1]}'))).toBeUndefined();
    // A value spelled like a key is not one.
    expect(spanOf(review('{"a":"managedFields","b":[1]}'))).toBeUndefined();
    expect(spanOf(`{"request":{"x":"object","y":{"metadata":{"managedFields":${fields}}}}}`)).toBeUndefined();
  });

  it('gives nothing when the key is there twice, escaped, or the array never closes', () => {
    expect(spanOf(review('{"managedFields":[1],"managedFields":[2]}'))).toBeUndefined();
    expect(spanOf(review('{"managed\\u0046ields":[1]}'))).toBeUndefined();
    expect(spanOf('{"request":{"object":{"metadata":{"managedFields":[{"a":"b"}')).toBeUndefined();
    // Read loosely: any closing bracket ends it, and whether the stretch is JSON is the caller's check.
    expect(spanOf(review('{"managedFields":[1}'))).toBe('[1}');
  });

  it('follows the last of repeated path objects, as the parse keeps only the last', () => {
    const text = `{"request":{"object":{"metadata":{}}},"request":{"object":{"metadata":{"managedFields":[7]}}}}`;
    expect(spanOf(text)).toBe('[7]');
  });

  it('resets the span on every screen, including one that stops early', () => {
    const span = new Int32Array(2);
    screenJson(bytes(review('{"managedFields":[1]}')), 128, span);
    expect(span[0]).toBeGreaterThan(0);
    screenJson(bytes(`${'['.repeat(200)}${']'.repeat(200)}`), 128, span);
    expect([...span]).toEqual([-1, -1]);
  });
});
