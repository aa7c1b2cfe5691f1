import { describe, expect, it } from '@jest/globals';
import { HclError } from './hcl-error.ts';
import { parseHcl } from './parser.ts';

function errorOf(text: string): string {
  try {
    parseHcl(text);
  } catch (err) {
    if (err instanceof HclError) return err.message;
    throw err;
  }
  throw new Error('expected an HclError');
}

describe('parseHcl', () => {
  it('builds items for attributes, labelled blocks, lists and objects', () => {
    expect(parseHcl('a = 1\nm "k" "x" { b = ["s", [true], {c = 2}], }\no = { d = "e" }').body).toEqual([
      { keys: [{ name: 'a', offset: 0 }], assigned: true, value: { kind: 'number', offset: 4, value: 1 } },
      {
        keys: [{ name: 'm', offset: 6 }, { name: 'k', offset: 8 }, { name: 'x', offset: 12 }],
        assigned: false,
        value: {
          kind: 'object', offset: 16, body: [
            {
              keys: [{ name: 'b', offset: 18 }],
              assigned: true,
              value: {
                kind: 'list', offset: 22, items: [
                  { kind: 'string', offset: 23, value: 's' },
                  { kind: 'list', offset: 28, items: [{ kind: 'bool', offset: 29, value: true }] },
                  { kind: 'object', offset: 36, body: [{ keys: [{ name: 'c', offset: 37 }], assigned: true, value: { kind: 'number', offset: 41, value: 2 } }] },
                ],
              },
            },
          ],
        },
      },
      {
        keys: [{ name: 'o', offset: 48 }],
        assigned: true,
        value: { kind: 'object', offset: 52, body: [{ keys: [{ name: 'd', offset: 54 }], assigned: true, value: { kind: 'string', offset: 58, value: 'e' } }] },
      },
    ]);
  });

  it('accepts quoted keys, comma-separated items in braces, trailing commas in lists and a heredoc value', () => {
    const doc = parseHcl('"q k" = { x = 1, y = [1, 2,] }\nh = <<E\nz\nE\n');
    expect(doc.body.map((i) => i.keys[0].name)).toEqual(['q k', 'h']);
    expect(doc.body[1]?.value).toEqual({ kind: 'string', offset: 35, value: 'z\n' });
  });

  it('accepts nesting 64 deep', () => {
    expect(() => parseHcl(`a = ${'['.repeat(63)}{ b = 1 }${']'.repeat(63)}`)).not.toThrow();
  });

  it('gives an empty body for an empty file or one holding only comments', () => {
    expect(parseHcl('').body).toEqual([]);
    expect(parseHcl('# nothing\n/* here */\n').body).toEqual([]);
  });

  it.each([
    ['a key without a value', 'a', 'line 1, column 2: expected "=" or "{" after a key, found the end of the file'],
    ['a value without a key', 'a = 1\n= 2', 'line 2, column 1: expected a key, found "="'],
    ['a number as a key', '1 = 2', 'line 1, column 1: expected a key, found a number'],
    ['labels before "="', 'method "k" = {}', 'line 1, column 12: expected "{" after block labels, found "="'],
    ['a bare word as a value', 'role = admin', 'line 1, column 8: expected a value, found a bare word (strings need double quotes)'],
    ['a missing value', 'a =\n}', 'line 2, column 1: expected a value, found "}"'],
    ['a value missing at the end', 'a =', 'line 1, column 4: expected a value, found the end of the file'],
    ['an unclosed block', 'vault {\n  address = "x"\n', 'line 1, column 7: this "{" is never closed'],
    ['an unclosed object value', 'c = {\n', 'line 1, column 5: this "{" is never closed'],
    ['an unclosed list', 'l = [1,\n2', 'line 1, column 5: this "[" is never closed'],
    ['a stray closing brace', 'a = 1\n}', 'line 2, column 1: unexpected "}" (no block is open)'],
    ['list elements without a comma', 'l = [\n  "a"\n  "b"\n]', 'line 3, column 3: expected "," or "]" in a list, found a string'],
    ['a comma at the top level', 'a = 1,\nb = 2', 'line 1, column 6: expected a key, found ","'],
    ['a lexer error inside a block', 'v {\n  x = "a\n}', 'line 2, column 7: string is not terminated (a line break inside "..." needs \\n or a heredoc)'],
    ['nesting deeper than 64', `a = ${'['.repeat(64)}{ b = [] }${']'.repeat(64)}`, 'line 1, column 69: blocks, objects and lists are nested more than 64 deep'],
  ])('rejects %s with its position', (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('never quotes a value in a syntax error', () => {
    const SENTINEL = 'SENTINEL-hvs-77aa';
    expect(errorOf(`token = ${SENTINEL}`)).not.toContain(SENTINEL);
    expect(errorOf(`token = "${SENTINEL}" "${SENTINEL}"`)).not.toContain(SENTINEL);
  });
});
