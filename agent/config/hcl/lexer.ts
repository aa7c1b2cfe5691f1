// Splits HCL 1 text into tokens: identifiers (letters, digits, `_`, `-`, `.`), `true`/`false`,
// numbers (decimal, `0x` hex, leading-0 octal as in `mode = 0640`, floats), quoted strings,
// heredocs, punctuation. Comments (`#`, `//`, `/* */`) and whitespace are dropped.
import type { HclSource } from './hcl-error.ts';
import { scanHeredoc, scanQuoted } from './strings.ts';

export type Punctuation = '{' | '}' | '[' | ']' | '=' | ',';

export type Token =
  | { readonly kind: 'ident' | 'string' | 'heredoc'; readonly offset: number; readonly value: string }
  | { readonly kind: 'number'; readonly offset: number; readonly value: number }
  | { readonly kind: 'bool'; readonly offset: number; readonly value: boolean }
  | { readonly kind: Punctuation | 'eof'; readonly offset: number };

const PUNCTUATION = new Set<string>(['{', '}', '[', ']', '=', ',']);
const IDENTIFIER = /[\p{L}_][\p{L}\p{Nd}_.-]*/uy;
const NUMBER = /-?(?:0[xX][0-9a-fA-F]*|\d*\.?\d*(?:[eE][+-]?\d*)?)/y;
const FOLLOWS_NUMBER = /[\p{L}\p{Nd}_.]/u;

export function tokenize(source: HclSource): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  for (;;) {
    pos = skipBlank(source, pos);
    if (pos >= text.length) {
      tokens.push({ kind: 'eof', offset: pos });
      return tokens;
    }
    const { token, end } = nextToken(source, pos);
    tokens.push(token);
    pos = end;
  }
}

function nextToken(source: HclSource, pos: number): { token: Token; end: number } {
  const c = source.text[pos] ?? '';
  if (PUNCTUATION.has(c)) return { token: { kind: c as Punctuation, offset: pos }, end: pos + 1 };
  if (c === '"') return literal('string', pos, scanQuoted(source, pos));
  if (c === '<' && source.text[pos + 1] === '<') return literal('heredoc', pos, scanHeredoc(source, pos));
  if (/[0-9.-]/.test(c)) return scanNumber(source, pos);
  IDENTIFIER.lastIndex = pos;
  const ident = IDENTIFIER.exec(source.text)?.[0];
  if (ident === undefined) return source.fail(pos, 'unexpected character (strings need double quotes)');
  const end = pos + ident.length;
  if (ident === 'true' || ident === 'false') return { token: { kind: 'bool', offset: pos, value: ident === 'true' }, end };
  return { token: { kind: 'ident', offset: pos, value: ident }, end };
}

function literal(kind: 'string' | 'heredoc', offset: number, scanned: { value: string; end: number }): { token: Token; end: number } {
  return { token: { kind, offset, value: scanned.value }, end: scanned.end };
}

function skipBlank(source: HclSource, from: number): number {
  const text = source.text;
  let pos = from;
  for (;;) {
    const c = text[pos];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      pos++;
    } else if (c === '#' || (c === '/' && text[pos + 1] === '/')) {
      const newline = text.indexOf('\n', pos);
      pos = newline === -1 ? text.length : newline;
    } else if (c === '/' && text[pos + 1] === '*') {
      const close = text.indexOf('*/', pos + 2);
      if (close === -1) return source.fail(pos, 'comment is not terminated (no closing */)');
      pos = close + 2;
    } else if (c === '/') {
      return source.fail(pos, 'unexpected "/" (comments start with // or /*)');
    } else {
      return pos;
    }
  }
}

/** Numbers follow Go's ParseInt(text, 0, 64) / ParseFloat, as HCL 1 converts them. */
function scanNumber(source: HclSource, pos: number): { token: Token; end: number } {
  NUMBER.lastIndex = pos;
  const text = NUMBER.exec(source.text)?.[0] ?? '';
  const end = pos + text.length;
  const unsigned = text.replace(/^-/, '');
  if (!/\d/.test(unsigned)) return source.fail(pos, 'unexpected character (strings need double quotes)');
  if (FOLLOWS_NUMBER.test(source.text[end] ?? '')) return source.fail(pos, 'a number must not run into letters (quote values such as "30s")');
  const value = numberValue(unsigned);
  if (typeof value === 'string') return source.fail(pos, value);
  return { token: { kind: 'number', offset: pos, value: text.startsWith('-') ? -value : value }, end };
}

/** The value, or why the text is not a number. */
function numberValue(text: string): number | string {
  if (/^0[xX]/.test(text)) {
    if (text.length === 2) return 'hexadecimal number without digits';
    return safe(Number.parseInt(text.slice(2), 16));
  }
  if (/[.eE]/.test(text)) {
    if (/[eE][+-]?$/.test(text)) return 'malformed number';
    const n = Number(text);
    return Number.isFinite(n) ? n : 'number is too large';
  }
  if (text.length > 1 && text.startsWith('0')) {
    return /[89]/.test(text) ? 'illegal octal number (a leading 0 means octal)' : safe(Number.parseInt(text, 8));
  }
  return safe(Number(text));
}

function safe(n: number): number | string {
  return Number.isSafeInteger(n) ? n : 'number is too large';
}
