// A lexer for Go text/template following Go's text/template/parse/lex.go: text and actions, custom
// delimiters, `{{- ` / ` -}}` trim markers, comments, and the tokens inside actions. It produces the
// whole token list up front (templates are small; a 1 MB one lexes in milliseconds).
import { numberEnd } from './number-end.ts';

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'identifier'
  | 'keyword'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'leftParen'
  | 'rightParen'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  readonly pos: number;
  readonly value: string;
}

/** A lexing problem at a byte offset; parse.ts turns it into a TemplateSyntaxError with line and column. */
export class LexError extends Error {
  readonly pos: number;
  constructor(pos: number, message: string) {
    super(message);
    this.pos = pos;
  }
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const UNICODE_ALPHANUMERIC = /^[\p{L}\p{Nd}_]$/u;
/** Go's isAlphaNumeric; ASCII (nearly every character of a real template) is decided without the regex. */
export const isAlphaNumeric = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80)
    return (
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x5f
    );
  return UNICODE_ALPHANUMERIC.test(c);
};

export interface LexOptions {
  readonly leftDelim: string;
  readonly rightDelim: string;
  /** Lexing stops with a LexError past this many tokens: the parse's CPU and memory bound. */
  readonly maxTokens?: number;
}

/** Thrown past `maxTokens`. */
export class TokenLimitError extends LexError {}

export function lex(input: string, options: LexOptions): Token[] {
  return new Lexer(input, options.leftDelim, options.rightDelim, options.maxTokens ?? Infinity).run();
}

class Lexer {
  private readonly input: string;
  private readonly left: string;
  private readonly right: string;
  private pos = 0;
  private parenDepth = 0;
  private readonly tokens: Token[] = [];

  private readonly maxTokens: number;

  constructor(input: string, left: string, right: string, maxTokens: number) {
    this.input = input;
    this.maxTokens = maxTokens;
    this.left = left === '' ? '{{' : left;
    this.right = right === '' ? '}}' : right;
  }

  private emit(token: Token): void {
    if (this.tokens.length >= this.maxTokens)
      throw new TokenLimitError(token.pos, `more than ${this.maxTokens} tokens`);
    this.tokens.push(token);
  }

  run(): Token[] {
    let trimNextText = false;
    while (this.pos < this.input.length) {
      let next = this.input.indexOf(this.left, this.pos);
      if (next < 0) next = this.input.length;
      let text = this.input.slice(this.pos, next);
      const textPos = this.pos;
      if (trimNextText) {
        const trimmed = text.replace(/^[ \t\r\n]+/, '');
        text = trimmed;
      }
      this.pos = next;
      if (next === this.input.length) {
        if (text !== '') this.emit({ type: 'text', pos: textPos, value: text });
        break;
      }
      const afterLeft = next + this.left.length;
      const trimBefore = this.input[afterLeft] === '-' && isSpace(this.input[afterLeft + 1]);
      if (trimBefore) text = trimTrailingSpace(text);
      if (text !== '') this.emit({ type: 'text', pos: textPos, value: text });
      trimNextText = this.action(afterLeft + (trimBefore ? 2 : 0), next);
    }
    this.emit({ type: 'eof', pos: this.input.length, value: '' });
    return this.tokens;
  }

  /** Lexes one action starting after the left delimiter; returns whether it ended with a right trim marker. */
  private action(start: number, delimPos: number): boolean {
    this.pos = start;
    if (this.input.startsWith('/*', this.pos)) return this.comment(delimPos);
    this.emit({ type: 'leftDelim', pos: delimPos, value: this.left });
    this.parenDepth = 0;
    for (;;) {
      const end = this.rightDelimAt(this.pos);
      if (end !== undefined) {
        if (this.parenDepth > 0) throw new LexError(this.pos, 'unclosed left paren');
        this.emit({ type: 'rightDelim', pos: this.pos, value: this.right });
        this.pos = end.next;
        return end.trim;
      }
      if (this.pos >= this.input.length) throw new LexError(delimPos, 'unclosed action');
      this.insideAction();
    }
  }

  /** Where a right delimiter (with optional ` -` trim marker before it) starts at `at`. */
  private rightDelimAt(at: number): { next: number; trim: boolean } | undefined {
    const s = this.input;
    if (isSpace(s[at]) && s[at + 1] === '-' && s.startsWith(this.right, at + 2))
      return { next: at + 2 + this.right.length, trim: true };
    if (s.startsWith(this.right, at)) return { next: at + this.right.length, trim: false };
    return undefined;
  }

  private comment(delimPos: number): boolean {
    const close = this.input.indexOf('*/', this.pos + 2);
    if (close < 0) throw new LexError(delimPos, 'unclosed comment');
    const end = this.rightDelimAt(close + 2);
    if (end === undefined) throw new LexError(close, 'comment ends before closing delimiter');
    this.pos = end.next;
    return end.trim;
  }

  private push(type: TokenType, start: number): void {
    this.emit({ type, pos: start, value: this.input.slice(start, this.pos) });
  }

  private insideAction(): void {
    const s = this.input;
    const start = this.pos;
    const c = s[this.pos] ?? '';
    if (isSpace(c)) {
      while (isSpace(s[this.pos]) && this.rightDelimAt(this.pos)?.trim !== true) this.pos++;
      if (this.pos > start) this.push('space', start);
      return;
    }
    this.pos++;
    switch (c) {
      case '=':
        return this.push('assign', start);
      case ':':
        if (s[this.pos] !== '=') throw new LexError(start, 'expected :=');
        this.pos++;
        return this.push('declare', start);
      case '|':
        return this.push('pipe', start);
      case ',':
        return this.push('comma', start);
      case '"':
        return this.quote(start);
      case '`':
        return this.rawQuote(start);
      case "'":
        return this.charConstant(start);
      case '$':
        return this.variable(start);
      case '(':
        this.parenDepth++;
        return this.push('leftParen', start);
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) throw new LexError(start, 'unexpected right paren');
        return this.push('rightParen', start);
      case '.': {
        const n = s[this.pos];
        if (n === undefined || n < '0' || n > '9') return this.field(start);
        this.pos = start;
        return this.number(start);
      }
      default:
        break;
    }
    if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      this.pos = start;
      return this.number(start);
    }
    if (isAlphaNumeric(c)) return this.identifier(start);
    throw new LexError(start, `unrecognized character in action: ${describeChar(c)}`);
  }

  private alnumRun(): void {
    while (isAlphaNumeric(this.input[this.pos])) this.pos++;
  }

  private checkTerminator(start: number): void {
    const c = this.input[this.pos];
    if (c === undefined || isSpace(c) || '.,|:()'.includes(c) || this.input.startsWith(this.right, this.pos)) return;
    throw new LexError(start, `bad character ${describeChar(c)}`);
  }

  private identifier(start: number): void {
    this.alnumRun();
    this.checkTerminator(start);
    const word = this.input.slice(start, this.pos);
    if (KEYWORDS.has(word)) return this.push('keyword', start);
    if (word === 'true' || word === 'false') return this.push('bool', start);
    if (word === 'nil') return this.push('nil', start);
    this.push('identifier', start);
  }

  private field(start: number): void {
    if (!isAlphaNumeric(this.input[this.pos])) {
      this.checkTerminator(start);
      return this.push('dot', start);
    }
    this.alnumRun();
    this.checkTerminator(start);
    this.push('field', start);
  }

  private variable(start: number): void {
    this.alnumRun();
    this.checkTerminator(start);
    this.push('variable', start);
  }

  private number(start: number): void {
    this.pos = numberEnd(this.input, this.pos);
    if (isAlphaNumeric(this.input[this.pos])) {
      this.pos++;
      throw new LexError(start, `bad number syntax: ${JSON.stringify(this.input.slice(start, this.pos))}`);
    }
    this.push('number', start);
  }

  private quote(start: number): void {
    this.escapedUntil(start, '"', 'unterminated quoted string');
    this.push('string', start);
  }

  /** Consumes a `"…"` or `'…'` literal body with backslash escapes, up to its closing character. */
  private escapedUntil(start: number, close: string, unterminated: string): void {
    for (;;) {
      const c = this.input[this.pos++];
      if (c === '\\') {
        const n = this.input[this.pos];
        if (n !== undefined && n !== '\n') {
          this.pos++;
          continue;
        }
      }
      if (c === undefined || c === '\n' || c === '\\') throw new LexError(start, unterminated);
      if (c === close) return;
    }
  }

  private rawQuote(start: number): void {
    const end = this.input.indexOf('`', this.pos);
    if (end < 0) throw new LexError(start, 'unterminated raw quoted string');
    this.pos = end + 1;
    this.push('rawString', start);
  }

  private charConstant(start: number): void {
    this.escapedUntil(start, "'", 'unterminated character constant');
    this.push('char', start);
  }
}

function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Go's strings.TrimRight(s, " \t\r\n"), as a loop: a `+$` regex backtracks quadratically. */
function trimTrailingSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text[end - 1])) end--;
  return text.slice(0, end);
}
