import { describe, expect, it } from '@jest/globals';
import { HclError, HclSource } from './hcl-error.ts';
import { tokenize, type Token } from './lexer.ts';

const lex = (text: string): Token[] => tokenize(new HclSource(text));
const values = (text: string): unknown[] => lex(text).filter((t) => t.kind !== 'eof').map((t) => ('value' in t ? t.value : t.kind));

function errorOf(text: string): { line: number; column: number; message: string } {
  try {
    lex(text);
  } catch (err) {
    if (err instanceof HclError) return { line: err.line, column: err.column, message: err.message };
    throw err;
  }
  throw new Error('expected an HclError');
}

describe('tokenize', () => {
  it('gives kinds and offsets, dropping comments and whitespace', () => {
    expect(lex('# c\nkey = "v" // c\n/* a\nb */ blk "l" { n = [1, true] }')).toEqual([
      { kind: 'ident', offset: 4, value: 'key' },
      { kind: '=', offset: 8 },
      { kind: 'string', offset: 10, value: 'v' },
      { kind: 'ident', offset: 29, value: 'blk' },
      { kind: 'string', offset: 33, value: 'l' },
      { kind: '{', offset: 37 },
      { kind: 'ident', offset: 39, value: 'n' },
      { kind: '=', offset: 41 },
      { kind: '[', offset: 43 },
      { kind: 'number', offset: 44, value: 1 },
      { kind: ',', offset: 45 },
      { kind: 'bool', offset: 47, value: true },
      { kind: ']', offset: 51 },
      { kind: '}', offset: 53 },
      { kind: 'eof', offset: 54 },
    ]);
  });

  it('reads identifiers with dashes, dots, underscores and letters beyond ASCII', () => {
    expect(values('a-b.c_d _x é1 false')).toEqual(['a-b.c_d', '_x', 'é1', false]);
  });

  it.each([
    ['42', 42],
    ['-1', -1],
    ['0', 0],
    ['0640', 0o640],
    ['0600', 384],
    ['-0640', -416],
    ['0x1F', 31],
    ['0.9', 0.9],
    ['.5', 0.5],
    ['1.', 1],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['0159.5', 159.5],
  ])('reads the number %s as Go does', (text, value) => {
    expect(values(`n = ${text}`)).toEqual(['n', '=', value]);
  });

  it.each([
    ['"plain"', 'plain'],
    ['"a\\tb\\nc\\\\d\\"e"', 'a\tb\nc\\d"e'],
    ['"\\a\\b\\f\\v\\r"', '\x07\b\f\v\r'],
    ['"\\u00e9\\U0001F600"', 'é😀'],
    ['"\\xc3\\xa9 \\101"', 'é A'],
    ['"${ not interpolated }"', '${ not interpolated }'],
    ['"a ${f("b", {c = 1})} d"', 'a ${f("b", {c = 1})} d'],
    ['"${x("\\n")}"', '${x("\\n")}'],
    ['"$${x}"', '$${x}'],
    ['"{{ with secret \\"secret/data/x\\" }}{{ .Data.data.k }}{{ end }}"', '{{ with secret "secret/data/x" }}{{ .Data.data.k }}{{ end }}'],
    ['""', ''],
  ])('decodes the string %s', (text, value) => {
    expect(values(`k = ${text}`)).toEqual(['k', '=', value]);
  });

  it.each([
    ['<<EOF', 'a\n  b\nEOF\n', 'a\n  b\n'],
    ['<<EOF keeps {{ }} and ${} and "quotes"', '{{ with secret "x" }}${y} \\n{{ end }}\nEOF\n', '{{ with secret "x" }}${y} \\n{{ end }}\n'],
    ['<<EOF with nothing in it', 'EOF\n', ''],
    ['<<EOF whose marker is indented (HCL 1 keeps the extra indentation)', '  a\n  b\n  EOF\n', '  a\n  b\n  '],
    ['<<-EOF removes the closing marker indentation', '    a\n      b\n    EOF\n', 'a\n  b\n'],
    ['<<-EOF with a line less indented than the marker', '    a\n  b\n    EOF\n', '    a\n  b\n'],
    ['<<EOF at the end of the file without a final line break', 'a\nEOF', 'a\n'],
    ['<<EOF with a line that merely contains the marker', 'x EOF\nEOF y\nEOF\n', 'x EOF\nEOF y\n'],
  ])('reads the heredoc %s', (name, body, value) => {
    const opener = name.startsWith('<<-') ? '<<-EOF' : '<<EOF';
    expect(values(`k = ${opener}\n${body}`)).toEqual(['k', '=', value]);
  });

  it('continues after a heredoc', () => {
    expect(values('a = <<X\nv\nX\nb = 1')).toEqual(['a', '=', 'v\n', 'b', '=', 1]);
  });

  it('skips a byte-order mark and Windows line ends', () => {
    expect(values('\uFEFFa = 1\r\nb = <<E\r\nx\r\nE\r\n')).toEqual(['a', '=', 1, 'b', '=', 'x\r\n']);
  });

  it.each([
    ['an unterminated string', 'k = "abc', 1, 5, 'string is not terminated (a line break inside "..." needs \\n or a heredoc)'],
    ['a line break in a string', 'a = 1\nk = "ab\ncd"', 2, 5, 'string is not terminated (a line break inside "..." needs \\n or a heredoc)'],
    ['an unclosed ${', 'k = "a ${b"', 1, 8, 'string has a "${" without its closing "}"'],
    ['an unknown escape', 'k = "ab\\q"', 1, 8, 'invalid escape sequence in string'],
    ['a short \\u escape', 'k = "\\u12"', 1, 6, 'invalid escape sequence in string'],
    ['a surrogate \\u escape', 'k = "\\ud800"', 1, 6, 'escape sequence is not a valid Unicode character'],
    ['an octal escape above 255', 'k = "\\777"', 1, 6, 'invalid escape sequence in string'],
    ['an unterminated heredoc', 'k = <<EOF\nabc\n', 1, 5, 'heredoc is not terminated (no line holding only its marker)'],
    ['a heredoc without a marker', 'k = <<\nabc\n', 1, 5, 'heredoc needs a marker, as in <<EOF'],
    ['text after the heredoc marker', 'k = <<EOF x\nEOF\n', 1, 10, 'the heredoc marker must end its line'],
    ['an unterminated block comment', 'a = 1\n  /* x', 2, 3, 'comment is not terminated (no closing */)'],
    ['a lone slash', 'a = 1 / 2', 1, 7, 'unexpected "/" (comments start with // or /*)'],
    ['an unexpected character', 'a = @', 1, 5, 'unexpected character (strings need double quotes)'],
    ['a lone minus', 'a = - 1', 1, 5, 'unexpected character (strings need double quotes)'],
    ['an unquoted duration', 'a = 30s', 1, 5, 'a number must not run into letters (quote values such as "30s")'],
    ['an illegal octal number', 'mode = 0649', 1, 8, 'illegal octal number (a leading 0 means octal)'],
    ['hex without digits', 'n = 0x', 1, 5, 'hexadecimal number without digits'],
    ['an exponent without digits', 'n = 1e+', 1, 5, 'malformed number'],
    ['a number beyond 2^53', 'n = 9007199254740993', 1, 5, 'number is too large'],
    ['columns counted in characters', 'é = "ü\\z"', 1, 7, 'invalid escape sequence in string'],
  ])('rejects %s with its position', (_name, text, line, column, reason) => {
    expect(errorOf(text)).toEqual({ line, column, message: `line ${line}, column ${column}: ${reason}` });
  });

  it('never puts the text at fault into the message', () => {
    const SENTINEL = 'SENTINEL-hvs-9f2c';
    for (const text of [`t = "${SENTINEL}`, `t = "${SENTINEL}\\q"`, `t = ${SENTINEL}@`, `t = 1${SENTINEL}`, `t = <<EOF\n${SENTINEL}\n`, `/* ${SENTINEL}`]) {
      expect(errorOf(text).message).not.toContain(SENTINEL);
    }
  });
});
