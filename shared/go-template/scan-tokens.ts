// The tokens of a Go template for syntax-scan.ts: lexer.ts's Lexer step by step (the same tokens,
// errors and positions, and the same token budget), but each token is three numbers (type, start,
// end) in typed arrays reused from one template to the next, and no token copies its text.
import { isAlphaNumeric } from './lexer.ts';

/** A problem at a byte offset: lexer.ts's LexError and parse.ts's ParseFailure in one. */
export class ScanFailure extends Error {
  readonly pos: number;
  readonly undefinedFunction: string | undefined;
  constructor(pos: number, message: string, undefinedFunction?: string) {
    super(message);
    this.pos = pos;
    this.undefinedFunction = undefinedFunction;
  }
}

/** Thrown past `maxTokens`. */
export class TokenLimit extends Error {}
// --- tokens ----------------------------------------------------------------------------------------

// Token types as small integers; the keywords each have their own, in one range.
export const TEXT = 0;
export const LEFT_DELIM = 1;
export const RIGHT_DELIM = 2;
export const SPACE = 3;
export const IDENTIFIER = 4;
export const FIELD = 5;
export const VARIABLE = 6;
export const DOT = 7;
export const STRING = 8;
export const RAW_STRING = 9;
export const CHAR = 10;
export const NUMBER = 11;
export const BOOL = 12;
export const NIL = 13;
export const LEFT_PAREN = 14;
export const RIGHT_PAREN = 15;
export const PIPE = 16;
export const DECLARE = 17;
export const ASSIGN = 18;
export const COMMA = 19;
export const EOF = 20;
export const K_BLOCK = 21;
export const K_BREAK = 22;
export const K_CONTINUE = 23;
export const K_DEFINE = 24;
export const K_ELSE = 25;
export const K_END = 26;
export const K_IF = 27;
export const K_RANGE = 28;
export const K_TEMPLATE = 29;
export const K_WITH = 30;

const KEYWORDS: ReadonlyMap<string, number> = new Map([
  ['block', K_BLOCK],
  ['break', K_BREAK],
  ['continue', K_CONTINUE],
  ['define', K_DEFINE],
  ['else', K_ELSE],
  ['end', K_END],
  ['if', K_IF],
  ['range', K_RANGE],
  ['template', K_TEMPLATE],
  ['with', K_WITH],
]);

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
  let pos = 0;
  let parenDepth = 0;
  /** Set by rightDelimAt: whether the delimiter found had a ` -` trim marker. */
  let delimTrim = false;

  const emit = (type: number, start: number, end: number): void => {
    if (tokens.count >= maxTokens) throw new TokenLimit(`more than ${maxTokens} tokens`);
    if (tokens.count === tokens.type.length) grow(tokens);
    const i = tokens.count++;
    tokens.type[i] = type;
    tokens.pos[i] = start;
    tokens.end[i] = end;
  };

  /** Where the input goes on after a right delimiter starting at `at`, or -1 when none starts there. */
  const rightDelimAt = (at: number): number => {
    if (isSpaceCode(input.charCodeAt(at)) && input.charCodeAt(at + 1) === 0x2d && input.startsWith(right, at + 2)) {
      delimTrim = true;
      return at + 2 + right.length;
    }
    delimTrim = false;
    return input.startsWith(right, at) ? at + right.length : -1;
  };

  const checkTerminator = (start: number): void => {
    const c = input[pos];
    if (c === undefined || isSpaceCode(input.charCodeAt(pos)) || '.,|:()'.includes(c) || input.startsWith(right, pos))
      return;
    throw new ScanFailure(start, `bad character ${describeChar(c)}`);
  };

  const alnumRun = (): void => {
    while (isAlphaNumericAt(input, pos)) pos++;
  };

  const accept = (chars: string): boolean => {
    const c = input[pos];
    if (c !== undefined && chars.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };

  const acceptRun = (chars: string): void => {
    while (pos < input.length && chars.includes(input[pos] ?? '')) pos++;
  };

  const number = (start: number): void => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (isAlphaNumericAt(input, pos)) {
      pos++;
      throw new ScanFailure(start, `bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
    }
    emit(NUMBER, start, pos);
  };

  const escapedUntil = (start: number, close: number, unterminated: string): void => {
    for (;;) {
      const c = input.charCodeAt(pos++);
      if (c === 0x5c) {
        const n = input.charCodeAt(pos);
        if (n === n && n !== 0x0a) {
          pos++;
          continue;
        }
      }
      // NaN: past the end.
      if (c !== c || c === 0x0a || c === 0x5c) throw new ScanFailure(start, unterminated);
      if (c === close) return;
    }
  };

  const identifier = (start: number): void => {
    alnumRun();
    checkTerminator(start);
    const word = input.slice(start, pos);
    const keyword = KEYWORDS.get(word);
    if (keyword !== undefined) return emit(keyword, start, pos);
    if (word === 'true' || word === 'false') return emit(BOOL, start, pos);
    if (word === 'nil') return emit(NIL, start, pos);
    emit(IDENTIFIER, start, pos);
  };

  const insideAction = (): void => {
    const start = pos;
    const code = input.charCodeAt(pos);
    if (isSpaceCode(code)) {
      // Spaces up to a ` -}}` trim marker, which belongs to the delimiter.
      while (
        isSpaceCode(input.charCodeAt(pos)) &&
        !(input.charCodeAt(pos + 1) === 0x2d && input.startsWith(right, pos + 2))
      )
        pos++;
      if (pos > start) emit(SPACE, start, pos);
      return;
    }
    pos++;
    switch (code) {
      case 0x3d: // =
        return emit(ASSIGN, start, pos);
      case 0x3a: // :
        if (input.charCodeAt(pos) !== 0x3d) throw new ScanFailure(start, 'expected :=');
        pos++;
        return emit(DECLARE, start, pos);
      case 0x7c: // |
        return emit(PIPE, start, pos);
      case 0x2c: // ,
        return emit(COMMA, start, pos);
      case 0x22: // "
        escapedUntil(start, 0x22, 'unterminated quoted string');
        return emit(STRING, start, pos);
      case 0x60: {
        // `
        const end = input.indexOf('`', pos);
        if (end < 0) throw new ScanFailure(start, 'unterminated raw quoted string');
        pos = end + 1;
        return emit(RAW_STRING, start, pos);
      }
      case 0x27: // '
        escapedUntil(start, 0x27, 'unterminated character constant');
        return emit(CHAR, start, pos);
      case 0x24: // $
        alnumRun();
        checkTerminator(start);
        return emit(VARIABLE, start, pos);
      case 0x28: // (
        parenDepth++;
        return emit(LEFT_PAREN, start, pos);
      case 0x29: // )
        parenDepth--;
        if (parenDepth < 0) throw new ScanFailure(start, 'unexpected right paren');
        return emit(RIGHT_PAREN, start, pos);
      case 0x2e: {
        // .
        const n = input.charCodeAt(pos);
        if (!(n >= 0x30 && n <= 0x39)) {
          if (!isAlphaNumericAt(input, pos)) {
            checkTerminator(start);
            return emit(DOT, start, pos);
          }
          alnumRun();
          checkTerminator(start);
          return emit(FIELD, start, pos);
        }
        pos = start;
        return number(start);
      }
      default:
        break;
    }
    if (code === 0x2b || code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      pos = start;
      return number(start);
    }
    if (isAlphaNumericAt(input, start)) return identifier(start);
    throw new ScanFailure(start, `unrecognized character in action: ${describeChar(input[start] ?? '')}`);
  };

  const comment = (delimPos: number): void => {
    const close = input.indexOf('*/', pos + 2);
    if (close < 0) throw new ScanFailure(delimPos, 'unclosed comment');
    const next = rightDelimAt(close + 2);
    if (next < 0) throw new ScanFailure(close, 'comment ends before closing delimiter');
    pos = next;
  };

  /** One action from after its left delimiter; leaves delimTrim set for the text that follows. */
  const action = (start: number, delimPos: number): void => {
    pos = start;
    if (input.startsWith('/*', pos)) return comment(delimPos);
    emit(LEFT_DELIM, delimPos, delimPos + left.length);
    parenDepth = 0;
    for (;;) {
      const next = rightDelimAt(pos);
      if (next >= 0) {
        if (parenDepth > 0) throw new ScanFailure(pos, 'unclosed left paren');
        emit(RIGHT_DELIM, pos, next);
        pos = next;
        return;
      }
      if (pos >= input.length) throw new ScanFailure(delimPos, 'unclosed action');
      insideAction();
    }
  };

  let trimNextText = false;
  while (pos < input.length) {
    let next = input.indexOf(left, pos);
    if (next < 0) next = input.length;
    const textPos = pos;
    // The text that survives the trim markers on either side is input[from, to).
    let from = pos;
    if (trimNextText) while (from < next && isSpaceCode(input.charCodeAt(from))) from++;
    pos = next;
    if (next === input.length) {
      if (from < next) emit(TEXT, textPos, next);
      break;
    }
    const afterLeft = next + left.length;
    const trimBefore = input.charCodeAt(afterLeft) === 0x2d && isSpaceCode(input.charCodeAt(afterLeft + 1));
    let to = next;
    if (trimBefore) while (to > from && isSpaceCode(input.charCodeAt(to - 1))) to--;
    if (from < to) emit(TEXT, textPos, next);
    action(afterLeft + (trimBefore ? 2 : 0), next);
    trimNextText = delimTrim;
  }
  emit(EOF, input.length, input.length);
}
