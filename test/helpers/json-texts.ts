// JSON texts for property tests of the body's parsing: random JSON with poison keys, escaped keys
// and odd spacing, the same with one character changed, and raw bytes that make and break JSON.
import fc from 'fast-check';

// Bytes that make and break JSON, escapes, UTF-8 (valid or not) and the keys the scan looks for.
const piece = fc.constantFrom(
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  '\\',
  ' ',
  '\n',
  '\t',
  '0',
  '1',
  '-',
  '.',
  'e',
  '+',
  'E',
  'true',
  'false',
  'null',
  'nul',
  'a',
  '\\u0041',
  '\\u00',
  '\\n',
  '\\x',
  '\u0001',
  'é',
  '\uFFFD',
  '😀',
  '"__proto__"',
  '"constructor"',
  '"prototype"',
  '"\\u005f_proto__"',
  '"annotations"',
  '"request"',
  '{"a":1}',
);
export const rawBytes = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((parts) => Buffer.from(parts.join(''))),
  fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
);

/** A JSON text with random spacing, keys that repeat, poison keys and escaped keys. */
const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'a', 'b'),
);
const space = fc.constantFrom('', ' ', '\n\t ', '\r');
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc
      .tuple(fc.array(fc.tuple(key, tie('value'), fc.boolean(), space), { maxLength: 4 }), space)
      .map(
        ([entries, s]) =>
          `{${s}${entries
            .map(([k, v, escape, sp]) => `${escape ? escapeAll(k) : JSON.stringify(k)}${sp}:${sp}${v}`)
            .join(`,${s}`)}${s}}`,
      ),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;

/** The key as JSON with every character escaped as \uXXXX. */
export function escapeAll(k: string): string {
  return `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
}

/** A JSON text with one character removed, replaced or inserted. */
export const mutated = fc
  .tuple(jsonText, fc.nat(), fc.constantFrom('', '{', '}', '"', ',', ':', ' ', '\\', 'x', '0'), fc.boolean())
  .map(([text, at, c, replace]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    return text.slice(0, i) + c + text.slice(replace ? i + 1 : i);
  });
