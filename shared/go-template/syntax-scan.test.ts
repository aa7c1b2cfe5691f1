import { describe, expect, it } from '@jest/globals';
import { CONSUL_TEMPLATE_FUNCTIONS } from './function-names.ts';
import { TemplateTooLargeError } from './parse.ts';
import { HANDOVER_DEPTH, scanTemplateSyntax, type SyntaxScan } from './syntax-scan.ts';

const scan = (
  source: string,
  extra: { leftDelim?: string; rightDelim?: string; maxTokens?: number } = {},
): SyntaxScan => scanTemplateSyntax(source, { name: 't', functions: CONSUL_TEMPLATE_FUNCTIONS, ...extra });

function problemOf(source: string): { line: number; column: number; message: string; undefinedFunction?: string } {
  const result = scan(source);
  if (result.kind !== 'invalid') throw new Error(`expected a problem, got ${result.kind}`);
  const { line, column, message, undefinedFunction } = result.error;
  return { line, column, message, ...(undefinedFunction === undefined ? {} : { undefinedFunction }) };
}

describe('scanTemplateSyntax', () => {
  it('counts the tokens and lists the called functions of a valid template', () => {
    expect(
      scan('{{ with secret "db" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v | toJSON }}\n{{ end }}{{ end }}'),
    ).toEqual({
      kind: 'valid',
      tokens: 50,
      calls: ['secret', 'toJSON'],
    });
    // Defined templates are listed last-first, then the body; a redefinition replaces the calls.
    expect(
      scan(
        '{{ define "a" }}{{ toYAML . }}{{ end }}{{ printf "%s" (secret "p") }}{{ block "b" . }}{{ toJSON . }}{{ end }}{{ define "a" }}{{ len . }}{{ end }}',
      ),
    ).toMatchObject({ kind: 'valid', calls: ['toJSON', 'len', 'printf', 'secret'] });
  });

  it('uses custom delimiters and leaves the default ones as text', () => {
    expect(scan('{{ nope }}[[ .A | toJSON ]]', { leftDelim: '[[', rightDelim: ']]' })).toEqual({
      kind: 'valid',
      tokens: 11,
      calls: ['toJSON'],
    });
  });

  it.each([
    ['{{ foo }}', 1, 4, 'function "foo" not defined'],
    ['a\nb {{ .A', 2, 3, 'unclosed action'],
    ['{{ $y }}', 1, 4, 'undefined variable "$y"'],
    ['{{ if $x := 1 }}{{ end }}{{ $x }}', 1, 29, 'undefined variable "$x"'],
    ['x\n\n  {{ if }}', 3, 9, 'missing value for if'],
    ['{{ end }}', 1, 4, 'unexpected {{end}}'],
    ['{{ if 1 }}x', 1, 12, 'unexpected EOF'],
    ['{{ if 1 }}{{ else with 2 }}{{ end }}', 1, 19, 'unexpected <with> in else'],
    ['{{ range . }}{{ else }}{{ break }}{{ end }}', 1, 27, '{{break}} outside {{range}}'],
    ['{{ "abc }}', 1, 4, 'unterminated quoted string'],
    ['{{ "\\q" }}', 1, 4, 'invalid syntax in string literal'],
    ['{{ 3k }}', 1, 4, 'bad number syntax: "3k"'],
    ['{{ 1 | 2 }}', 1, 8, 'non executable command in pipeline stage 2'],
    ['{{ "a".b }}', 1, 7, 'unexpected . after term "\\"a\\""'],
    ['{{ define "a" }}{{ else }}{{ end }}', 1, 20, 'unexpected {{else}} in define clause'],
    ['é😀\n  é {{ # }}', 2, 8, 'unrecognized character in action: U+0023'],
  ])('finds the problem in %j where the parser does (line %i, column %i)', (source, line, column, detail) => {
    expect(problemOf(source)).toMatchObject({ line, column, message: `template t:${line}:${column}: ${detail}` });
  });

  it('names a function that is not defined', () => {
    expect(problemOf('{{ sprig_uuidv4 }}').undefinedFunction).toBe('sprig_uuidv4');
    expect(problemOf('{{ $y }}').undefinedFunction).toBeUndefined();
  });

  it('stops at the same token count as the parser', () => {
    const source = '{{ .a }}{{ .b }}{{ .c }}';
    const valid = scan(source);
    // Each action: left delimiter, space, field, space, right delimiter; then the end.
    expect(valid).toMatchObject({ kind: 'valid', tokens: 16 });
    expect(scan(source, { maxTokens: 16 })).toEqual(valid);
    const over = scan(source, { maxTokens: 15 });
    expect(over.kind === 'invalid' && over.error).toBeInstanceOf(TemplateTooLargeError);
    expect(over.kind === 'invalid' && over.error.message).toBe('template t:1:1: more than 15 tokens');
    // Also when the token arrays grow during the scan (no arrays this large are kept for reuse).
    const large = '{{ .a }}'.repeat(4000);
    expect(scan(large, { maxTokens: 20_001 })).toMatchObject({ kind: 'valid', tokens: 20_001 });
    expect(scan(large, { maxTokens: 20_000 })).toMatchObject({
      kind: 'invalid',
      error: { message: 'template t:1:1: more than 20000 tokens' },
    });
    // A lexing error before the budget runs out is reported as such.
    expect(scan('{{ # }}{{ .b }}{{ .c }}', { maxTokens: 3 })).toMatchObject({
      kind: 'invalid',
      error: { line: 1, column: 4 },
    });
  });

  it('hands a template over to the parser only past its nesting depth', () => {
    const nested = (open: string, inner: string, close: string, n: number): string =>
      open.repeat(n) + inner + close.repeat(n);
    for (const [open, inner, close] of [
      ['{{ if 1 }}', 'x', '{{ end }}'],
      ['{{ block "b" . }}', 'x', '{{ end }}'],
    ] as const) {
      expect(scan(nested(open, inner, close, HANDOVER_DEPTH)).kind).toBe('valid');
      expect(scan(nested(open, inner, close, HANDOVER_DEPTH + 1))).toEqual({ kind: 'handover' });
    }
    // Each {{else if}} is an {{if}} inside the {{else}}.
    const chain = (n: number): string => `{{ if 1 }}${'{{ else if 2 }}'.repeat(n - 1)}{{ end }}`;
    expect(scan(chain(HANDOVER_DEPTH)).kind).toBe('valid');
    expect(scan(chain(HANDOVER_DEPTH + 1))).toEqual({ kind: 'handover' });
    expect(scan(`{{ ${'('.repeat(HANDOVER_DEPTH)}1${')'.repeat(HANDOVER_DEPTH)} }}`).kind).toBe('valid');
    expect(scan(`{{ ${'('.repeat(HANDOVER_DEPTH + 1)}1${')'.repeat(HANDOVER_DEPTH + 1)} }}`)).toEqual({
      kind: 'handover',
    });
  });

  it('gives the same answer after a large template and after a failed one (its token arrays are reused)', () => {
    const small = '{{ with secret "p" }}{{ .Data.x | toJSON }}{{ end }}';
    const expected = scan(small);
    const large = '{{ .a }}'.repeat(20_000);
    expect(scan(large)).toEqual({ kind: 'valid', tokens: 100_001, calls: [] });
    expect(scan(small)).toEqual(expected);
    expect(scan('{{ .a }}{{ ( }}').kind).toBe('invalid');
    expect(scan(small)).toEqual(expected);
  });
});
