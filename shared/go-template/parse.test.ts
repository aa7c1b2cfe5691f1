import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import { TemplateSyntaxError } from '../template-errors.ts';
import { CONSUL_TEMPLATE_FUNCTIONS } from './function-names.ts';
import { parseTemplate, TemplateTooLargeError } from './parse.ts';

const parse = (source: string, delims: { leftDelim?: string; rightDelim?: string } = {}) =>
  parseTemplate(source, { name: 't', functions: CONSUL_TEMPLATE_FUNCTIONS, ...delims });

function syntaxErrorOf(source: string): { line: number; column: number; message: string } | undefined {
  try {
    parse(source);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    const e = err as TemplateSyntaxError;
    return { line: e.line, column: e.column, message: e.message };
  }
}

describe('parseTemplate', () => {
  it('builds the tree of a default injector template', () => {
    const tree = parse('{{ with secret "db" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}');
    expect(tree.root).toEqual({
      type: 'list', pos: 0, nodes: [{
        type: 'with', pos: 3, elseList: undefined,
        pipe: { type: 'pipe', pos: 8, isAssign: false, decl: [], source: 'secret "db"', cmds: [{
          type: 'command', pos: 8, source: 'secret "db"',
          args: [{ type: 'identifier', pos: 8, name: 'secret' }, { type: 'string', pos: 15, text: '"db"', value: 'db' }],
        }] },
        list: { type: 'list', pos: 22, nodes: [{
          type: 'range', pos: 25, elseList: undefined,
          pipe: { type: 'pipe', pos: 31, isAssign: false, decl: ['$k', '$v'], source: '$k, $v := .Data', cmds: [{
            type: 'command', pos: 41, source: '.Data', args: [{ type: 'field', pos: 41, idents: ['Data'] }],
          }] },
          list: { type: 'list', pos: 49, nodes: [
            { type: 'action', pos: 52, pipe: { type: 'pipe', pos: 52, isAssign: false, decl: [], source: '$k', cmds: [
              { type: 'command', pos: 52, source: '$k', args: [{ type: 'variable', pos: 52, idents: ['$k'] }] }] } },
            { type: 'text', pos: 57, text: ': ' },
            { type: 'action', pos: 62, pipe: { type: 'pipe', pos: 62, isAssign: false, decl: [], source: '$v', cmds: [
              { type: 'command', pos: 62, source: '$v', args: [{ type: 'variable', pos: 62, idents: ['$v'] }] }] } },
            { type: 'text', pos: 67, text: '\n' },
          ] },
        }] },
      }],
    });
    expect(tree.defines.size).toBe(0);
  });

  it('collects define and block templates', () => {
    const tree = parse('{{ define "a" }}A{{ end }}x{{ block "b" . }}B{{ end }}');
    expect([...tree.defines.keys()]).toEqual(['a', 'b']);
    expect(tree.root.nodes.map((n) => n.type)).toEqual(['text', 'template']);
  });

  it('applies trim markers and keeps {{-3}} a number', () => {
    const tree = parse('a \n {{- 1 -}} \n b{{-3}}');
    expect(tree.root.nodes.map((n) => (n.type === 'text' ? n.text : n.type))).toEqual(['a', 'action', 'b', 'action']);
  });

  it('uses custom delimiters and leaves the default ones as text', () => {
    const tree = parse('{{ x }}[[ .A ]]', { leftDelim: '[[', rightDelim: ']]' });
    expect(tree.root.nodes.map((n) => n.type)).toEqual(['text', 'action']);
  });

  it.each([
    ['{{ foo }}', 1, 4, 'function "foo" not defined'],
    ['a\nb {{ .A', 2, 3, 'unclosed action'],
    ['{{ $y }}', 1, 4, 'undefined variable "$y"'],
    ['x\n\n  {{ if }}', 3, 9, 'missing value for if'],
    ['{{ end }}', 1, 4, 'unexpected {{end}}'],
    ['{{ else }}', 1, 4, 'unexpected {{else}}'],
    ['{{ if 1 }}x', 1, 12, 'unexpected EOF'],
    ['{{ break }}', 1, 4, '{{break}} outside {{range}}'],
    ['{{ range . }}{{ end }}{{ continue }}', 1, 26, '{{continue}} outside {{range}}'],
    ['{{ "abc }}', 1, 4, 'unterminated quoted string'],
    ['{{ `abc }}', 1, 4, 'unterminated raw quoted string'],
    ['{{ 3k }}', 1, 4, 'bad number syntax: "3k"'],
    ['{{ 1 | 2 }}', 1, 8, 'non executable command in pipeline stage 2'],
    ['{{/* x */ y }}', 1, 8, 'comment ends before closing delimiter'],
    ['{{ /* x */ }}', 1, 4, 'unrecognized character in action: U+002F'],
    ['{{/* x', 1, 1, 'unclosed comment'],
    ['{{ (1 }}', 1, 7, 'unclosed left paren'],
    ['{{ 1) }}', 1, 5, 'unexpected right paren'],
    ['{{ "a".B }}', 1, 7, 'unexpected . after term "\\"a\\""'],
    ['{{ template x }}', 1, 13, 'unexpected "x" in template clause'],
    ['{{ $x = 1 }}', 1, 4, 'undefined variable "$x"'],
    ['{{ with $a, $b := . }}{{ end }}', 1, 11, 'too many declarations in with'],
    ['{{ "\\q" }}', 1, 4, 'invalid syntax in string literal'],
    ['{{ 99999999999999999999 }}', 1, 4, 'integer overflow: "99999999999999999999"'],
    ['{{ # }}', 1, 4, 'unrecognized character in action: U+0023'],
    ['{{ if 1 }}{{ else }}{{ else }}{{ end }}', 1, 24, 'expected end; found {{else}}'],
  ])('reports %j at %i:%i: %s', (source, line, column, detail) => {
    expect(syntaxErrorOf(source)).toEqual({ line, column, message: `template t:${line}:${column}: ${detail}` });
  });

  it('counts columns in characters, not bytes', () => {
    expect(syntaxErrorOf('héllo {{ nope }}')).toEqual({ line: 1, column: 10, message: 'template t:1:10: function "nope" not defined' });
  });

  it('bounds nesting instead of overflowing the stack', () => {
    expect(syntaxErrorOf(`{{${'('.repeat(5000)}1${')'.repeat(5000)}}}`)?.message).toBe('template t:1:1003: max expression depth exceeded');
    expect(syntaxErrorOf(`${'{{ if 1 }}'.repeat(5000)}${'{{ end }}'.repeat(5000)}`)?.message).toMatch(/max expression depth exceeded$/);
  });

  it('never throws anything but TemplateSyntaxError on random input', () => {
    const alphabet = ['{{', '}}', '{{-', '-}}', ' ', '\n', '(', ')', '|', '$x', ':=', '=', '.A', '.', '"s"', '`r`', "'c'", '1', '-2', '0x1F',
      'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'secret', 'printf',
      '/*', '*/', ',', '"', '`', "'", '\\', 'é', 'x'];
    const input = fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((a) => a.join('')));
    fc.assert(fc.property(input, (source) => {
      try {
        parse(source);
      } catch (err) {
        if (!(err instanceof TemplateSyntaxError)) throw err;
        expect(err.line).toBeGreaterThanOrEqual(1);
        expect(err.column).toBeGreaterThanOrEqual(1);
      }
    }), { numRuns: propertyRuns(3000) });
  });

  it('parses a 1 MB template in well under a second', () => {
    let source = '';
    while (source.length < 1_000_000) {
      source += 'export {{ with secret "kv/app" }}{{ .Data.data.password | toUpper | printf "%q" }}{{ end }} # {{- /* c */ -}} x\n';
    }
    const start = performance.now();
    const tree = parse(source);
    const ms = performance.now() - start;
    expect(tree.root.nodes.length).toBeGreaterThan(10_000);
    expect(ms).toBeLessThan(5000);
  });
});

describe('parse limits', () => {
  it('stops lexing past maxTokens with TemplateTooLargeError, a TemplateSyntaxError', () => {
    const source = '{{ .x }}'.repeat(1000);
    const tree = parseTemplate(source, { name: 't', functions: CONSUL_TEMPLATE_FUNCTIONS });
    expect(tree.tokenCount).toBeGreaterThan(1000);
    expect(parseTemplate(source, { name: 't', functions: CONSUL_TEMPLATE_FUNCTIONS, maxTokens: tree.tokenCount }).tokenCount).toBe(
      tree.tokenCount,
    );
    let thrown: unknown;
    try {
      parseTemplate(source, { name: 't', functions: CONSUL_TEMPLATE_FUNCTIONS, maxTokens: tree.tokenCount - 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TemplateTooLargeError);
    expect(thrown).toBeInstanceOf(TemplateSyntaxError);
    expect((thrown as Error).message).toBe(`template t:1:1: more than ${tree.tokenCount - 1} tokens`);
  });

  it('trims the text before a {{- marker in linear time (a run of spaces that is not at the end)', () => {
    const tree = parseTemplate(`${' '.repeat(200_000)}a  {{- .x }}`, { name: 't', functions: CONSUL_TEMPLATE_FUNCTIONS });
    const first = tree.root.nodes[0];
    expect(first?.type === 'text' && first.text.length).toBe(200_001);
  });
});
