import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { handlebarsShape } from './handlebars-shape.ts';

/** Handlebars' own lexer (jison), run to the end: the tokens its parser would read. */
function lexerTokens(source: string): number {
  const lexer = (Handlebars as unknown as { Parser: { lexer: { setInput(s: string): void; lex(): unknown } } }).Parser
    .lexer;
  lexer.setInput(source);
  let n = 0;
  for (let t = lexer.lex(); t !== 'EOF' && t !== 1; t = lexer.lex()) n++;
  return n;
}

const PIECES = [
  'text ',
  '\n',
  '{{x}}',
  '{{a.b/c}}',
  '{{foo bar=(baz 1 "s t") qux=@index}}',
  '{{#if a}}',
  '{{/if}}',
  '{{#each xs as |y z|}}',
  '{{/each}}',
  '{{^if b}}',
  '{{^}}',
  '{{else}}',
  '{{else if c}}',
  '{{~x~}}',
  '{{{raw}}}',
  '{{&amp}}',
  '{{> partial ctx}}',
  '{{#> layout}}',
  '{{!-- a }} comment --}}',
  '{{! short }}',
  '\\{{escaped}}',
  '{{[odd key] 1.5 -2 true null undefined}}',
  '{{lookup ../x "k"}}',
  'ünïcødé {{ü.ï}}',
];

describe('handlebarsShape', () => {
  it('never counts fewer tokens than the Handlebars lexer produces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
        const source = pieces.join('');
        let actual: number;
        try {
          actual = lexerTokens(source);
        } catch {
          return; // the lexer refuses it: the parse would fail at once
        }
        expect(handlebarsShape(source).tokens).toBeGreaterThanOrEqual(actual);
      }),
    );
  });

  it.each([
    ['{{#if a}}{{#each b}}x{{/each}}{{/if}}', 2],
    ['{{#if a}}x{{else}}y{{/if}}{{#if b}}z{{/if}}', 1],
    ['{{^if a}}x{{^}}y{{/if}}', 1],
    ['{{~#if a~}}{{~^~}}{{~/if~}}', 1],
    ['{{{{raw}}}}{{#not counted}}{{{{/raw}}}}', 2],
    ['{{!-- {{#if a}} --}}{{! {{#if b}}', 0],
    ['\\{{#if a}}', 0],
    ['{{#> layout}}{{#*inline "x"}}{{/inline}}{{/layout}}', 2],
  ])('measures the block depth of %j as %d', (source, depth) => {
    expect(handlebarsShape(source).depth).toBe(depth);
  });

  it('is linear: a megabyte of open mustaches is measured, not parsed', () => {
    const shape = handlebarsShape('{{#if a}}'.repeat(100_000));
    expect(shape.depth).toBe(100_000);
    expect(shape.tokens).toBeGreaterThan(400_000);
  });
});
