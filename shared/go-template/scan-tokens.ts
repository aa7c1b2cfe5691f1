// The tokens of a Go template for syntax-scan.ts: lexer.ts's Lexer step by step (the same tokens,
// errors and positions, and the same token budget), but each token is three numbers (type, start,
// end) in typed arrays reused from one template to the next, and no token copies its text.
import { isAlphaNumeric } from './lexer.ts';
import { numberEnd } from './number-end.ts';
// Lexing problems are thrown as the parser's failures (lexer.ts's LexError and parse.ts's
// ParseFailure in one), so the scanner reports them the way parse.ts does.
import { ParseFailure } from './parse.ts';

/** Thrown past `maxTokens`. */
export class TokenLimit extends Error {}

// --- tokens ----------------------------------------------------------------------------------------

// Token types as small integers; the keywords each have their own. isOperandStart and isKeyword
// below rely on this order.
export const TEXT = 0;
export const LEFT_DELIM = 1;
export const RIGHT_DELIM = 2;
export const SPACE = 3;
export const IDENTIFIER = 4;
export const FIELD = 5;
export const VARIABLE = 6;
export const DOT = 7;
/** A quoted string without a backslash: valid as it stands. */
export const STRING = 8;
/** A quoted string with escapes, which the walk checks. */
export const ESCAPED_STRING = 9;
export const RAW_STRING = 10;
export const CHAR = 11;
export const NUMBER = 12;
export const BOOL = 13;
export const NIL = 14;
export const LEFT_PAREN = 15;
export const RIGHT_PAREN = 16;
export const PIPE = 17;
export const DECLARE = 18;
export const ASSIGN = 19;
export const COMMA = 20;
export const EOF = 21;
export const K_BLOCK = 22;
export const K_BREAK = 23;
export const K_CONTINUE = 24;
export const K_DEFINE = 25;
export const K_ELSE = 26;
export const K_END = 27;
export const K_IF = 28;
export const K_RANGE = 29;
export const K_TEMPLATE = 30;
export const K_WITH = 31;

/** The type of the word input[start, end): a keyword, a boolean, nil, or else an identifier. Decided
 * by length and comparison, without copying the word out. */
function wordType(input: string, start: number, end: number): number {
  const is = (word: string): boolean => input.startsWith(word, start);
  switch (end - start) {
    case 2:
      return is('if') ? K_IF : IDENTIFIER;
    case 3:
      return is('end') ? K_END : is('nil') ? NIL : IDENTIFIER;
    case 4:
      return is('else') ? K_ELSE : is('with') ? K_WITH : is('true') ? BOOL : IDENTIFIER;
    case 5:
      return is('range') ? K_RANGE : is('block') ? K_BLOCK : is('break') ? K_BREAK : is('false') ? BOOL : IDENTIFIER;
    case 6:
      return is('define') ? K_DEFINE : IDENTIFIER;
    case 8:
      return is('template') ? K_TEMPLATE : is('continue') ? K_CONTINUE : IDENTIFIER;
    default:
      return IDENTIFIER;
  }
}

export const isKeyword = (type: number): boolean => type >= K_BLOCK;

/** parse.ts's OPERAND_START. */
export const isOperandStart = (type: number): boolean => type >= IDENTIFIER && type <= LEFT_PAREN;

/** The token list: type, start offset and end offset of each token, in arrays reused across scans. */
export interface Tokens {
  type: Uint8Array;
  pos: Int32Array;
  end: Int32Array;
  count: number;
}

const INITIAL_TOKENS = 512;
/** Arrays grown past this for a large template are dropped after it rather than kept. */
const KEPT_TOKENS = 16_384;
let spare: Tokens | undefined;

export function takeTokens(): Tokens {
  const t = spare ?? newTokens(INITIAL_TOKENS);
  spare = undefined;
  t.count = 0;
  return t;
}

export function giveTokens(t: Tokens): void {
  if (t.type.length <= KEPT_TOKENS) spare = t;
}

function newTokens(capacity: number): Tokens {
  return { type: new Uint8Array(capacity), pos: new Int32Array(capacity), end: new Int32Array(capacity), count: 0 };
}

function grow(t: Tokens): void {
  const bigger = newTokens(t.type.length * 2);
  bigger.type.set(t.type);
  bigger.pos.set(t.pos);
  bigger.end.set(t.end);
  t.type = bigger.type;
  t.pos = bigger.pos;
  t.end = bigger.end;
}

// --- lexing: lexer.ts's Lexer, emitting numbers ------------------------------------------------------

const isSpaceCode = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

function isAlphaNumericAt(s: string, i: number): boolean {
  const code = s.charCodeAt(i);
  if (code < 0x80)
    return (
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x5f
    );
  // NaN (past the end) compares false above and lands here: undefined is not alphanumeric.
  return isAlphaNumeric(s[i]);
}

function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function lexInto(tokens: Tokens, input: string, left: string, right: string, maxTokens: number): void {
  new Lexer(tokens, input, left, right, maxTokens).run();
}

class Lexer {
  private readonly tokens: Tokens;
  private readonly input: string;
  private readonly left: string;
  private readonly right: string;
  private readonly maxTokens: number;
  private pos = 0;
  private count = 0;
  /** Tokens emit may add without a check: up to the budget or the arrays' end, whichever is first. */
  private room: number;
  private parenDepth = 0;
  /** Set by rightDelimAt: whether the delimiter found had a ` -` trim marker. */
  private delimTrim = false;

  constructor(tokens: Tokens, input: string, left: string, right: string, maxTokens: number) {
    this.tokens = tokens;
    this.input = input;
    this.left = left;
    this.right = right;
    this.maxTokens = maxTokens;
    this.room = Math.min(maxTokens, tokens.type.length);
  }

  private emit(type: number, start: number, end: number): void {
    if (this.count >= this.room) this.makeRoom();
    const i = this.count++;
    const t = this.tokens;
    t.type[i] = type;
    t.pos[i] = start;
    t.end[i] = end;
  }

  private makeRoom(): void {
    if (this.count >= this.maxTokens) throw new TokenLimit(`more than ${this.maxTokens} tokens`);
    grow(this.tokens);
    this.room = Math.min(this.maxTokens, this.tokens.type.length);
  }

  /** Where the input goes on after a right delimiter starting at `at`, or -1 when none starts there. */
  private rightDelimAt(at: number): number {
    if (
      isSpaceCode(this.input.charCodeAt(at)) &&
      this.input.charCodeAt(at + 1) === 0x2d &&
      this.input.startsWith(this.right, at + 2)
    ) {
      this.delimTrim = true;
      return at + 2 + this.right.length;
    }
    this.delimTrim = false;
    return this.input.startsWith(this.right, at) ? at + this.right.length : -1;
  }

  private checkTerminator(start: number): void {
    const c = this.input[this.pos];
    if (
      c === undefined ||
      isSpaceCode(this.input.charCodeAt(this.pos)) ||
      '.,|:()'.includes(c) ||
      this.input.startsWith(this.right, this.pos)
    )
      return;
    throw new ParseFailure(start, `bad character ${describeChar(c)}`);
  }

  private alnumRun(): void {
    const s = this.input;
    let p = this.pos;
    while (isAlphaNumericAt(s, p)) p++;
    this.pos = p;
  }

  private number(start: number): void {
    this.pos = numberEnd(this.input, this.pos);
    if (isAlphaNumericAt(this.input, this.pos)) {
      this.pos++;
      throw new ParseFailure(start, `bad number syntax: ${JSON.stringify(this.input.slice(start, this.pos))}`);
    }
    this.emit(NUMBER, start, this.pos);
  }

  /** Consumes a quoted body up to its closing character; returns whether it held a backslash. */
  private escapedUntil(start: number, close: number, unterminated: string): boolean {
    const s = this.input;
    let p = this.pos;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(p++);
      if (c === 0x5c) {
        const n = s.charCodeAt(p);
        if (n === n && n !== 0x0a) {
          p++;
          escaped = true;
          continue;
        }
      }
      // NaN: past the end.
      if (c !== c || c === 0x0a || c === 0x5c) throw new ParseFailure(start, unterminated);
      if (c === close) break;
    }
    this.pos = p;
    return escaped;
  }

  private identifier(start: number): void {
    this.alnumRun();
    this.checkTerminator(start);
    this.emit(wordType(this.input, start, this.pos), start, this.pos);
  }

  private insideAction(): void {
    const start = this.pos;
    const code = this.input.charCodeAt(this.pos);
    if (isSpaceCode(code)) {
      // Spaces up to a ` -}}` trim marker, which belongs to the delimiter.
      while (
        isSpaceCode(this.input.charCodeAt(this.pos)) &&
        !(this.input.charCodeAt(this.pos + 1) === 0x2d && this.input.startsWith(this.right, this.pos + 2))
      )
        this.pos++;
      if (this.pos > start) this.emit(SPACE, start, this.pos);
      return;
    }
    this.pos++;
    switch (code) {
      case 0x3d: // =
        return this.emit(ASSIGN, start, this.pos);
      case 0x3a: // :
        if (this.input.charCodeAt(this.pos) !== 0x3d) throw new ParseFailure(start, 'expected :=');
        this.pos++;
        return this.emit(DECLARE, start, this.pos);
      case 0x7c: // |
        return this.emit(PIPE, start, this.pos);
      case 0x2c: // ,
        return this.emit(COMMA, start, this.pos);
      case 0x22: // "
        return this.emit(
          this.escapedUntil(start, 0x22, 'unterminated quoted string') ? ESCAPED_STRING : STRING,
          start,
          this.pos,
        );
      case 0x60: {
        // `
        const end = this.input.indexOf('`', this.pos);
        if (end < 0) throw new ParseFailure(start, 'unterminated raw quoted string');
        this.pos = end + 1;
        return this.emit(RAW_STRING, start, this.pos);
      }
      case 0x27: // '
        this.escapedUntil(start, 0x27, 'unterminated character constant');
        return this.emit(CHAR, start, this.pos);
      case 0x24: // $
        this.alnumRun();
        this.checkTerminator(start);
        return this.emit(VARIABLE, start, this.pos);
      case 0x28: // (
        this.parenDepth++;
        return this.emit(LEFT_PAREN, start, this.pos);
      case 0x29: // )
        this.parenDepth--;
        if (this.parenDepth < 0) throw new ParseFailure(start, 'unexpected right paren');
        return this.emit(RIGHT_PAREN, start, this.pos);
      case 0x2e: {
        // .
        const n = this.input.charCodeAt(this.pos);
        if (!(n >= 0x30 && n <= 0x39)) {
          if (!isAlphaNumericAt(this.input, this.pos)) {
            this.checkTerminator(start);
            return this.emit(DOT, start, this.pos);
          }
          this.alnumRun();
          this.checkTerminator(start);
          return this.emit(FIELD, start, this.pos);
        }
        this.pos = start;
        return this.number(start);
      }
      default:
        break;
    }
    if (code === 0x2b || code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      this.pos = start;
      return this.number(start);
    }
    if (isAlphaNumericAt(this.input, start)) return this.identifier(start);
    throw new ParseFailure(start, `unrecognized character in action: ${describeChar(this.input[start] ?? '')}`);
  }

  private comment(delimPos: number): void {
    const close = this.input.indexOf('*/', this.pos + 2);
    if (close < 0) throw new ParseFailure(delimPos, 'unclosed comment');
    const next = this.rightDelimAt(close + 2);
    if (next < 0) throw new ParseFailure(close, 'comment ends before closing delimiter');
    this.pos = next;
  }

  /** One action from after its left delimiter; leaves delimTrim set for the text that follows. */
  private action(start: number, delimPos: number): void {
    this.pos = start;
    if (this.input.startsWith('/*', this.pos)) return this.comment(delimPos);
    this.emit(LEFT_DELIM, delimPos, delimPos + this.left.length);
    this.parenDepth = 0;
    for (;;) {
      const next = this.rightDelimAt(this.pos);
      if (next >= 0) {
        if (this.parenDepth > 0) throw new ParseFailure(this.pos, 'unclosed left paren');
        this.emit(RIGHT_DELIM, this.pos, next);
        this.pos = next;
        return;
      }
      if (this.pos >= this.input.length) throw new ParseFailure(delimPos, 'unclosed action');
      this.insideAction();
    }
  }

  run(): void {
    let trimNextText = false;
    while (this.pos < this.input.length) {
      let next = this.input.indexOf(this.left, this.pos);
      if (next < 0) next = this.input.length;
      const textPos = this.pos;
      // The text that survives the trim markers on either side is input[from, to).
      let from = this.pos;
      if (trimNextText) while (from < next && isSpaceCode(this.input.charCodeAt(from))) from++;
      this.pos = next;
      if (next === this.input.length) {
        if (from < next) this.emit(TEXT, textPos, next);
        break;
      }
      const afterLeft = next + this.left.length;
      const trimBefore = this.input.charCodeAt(afterLeft) === 0x2d && isSpaceCode(this.input.charCodeAt(afterLeft + 1));
      let to = next;
      if (trimBefore) while (to > from && isSpaceCode(this.input.charCodeAt(to - 1))) to--;
      if (from < to) this.emit(TEXT, textPos, next);
      this.action(afterLeft + (trimBefore ? 2 : 0), next);
      trimNextText = this.delimTrim;
    }
    this.emit(EOF, this.input.length, this.input.length);
    this.tokens.count = this.count;
  }
}
