// Quoted strings and heredocs as HCL 1 (the dialect Vault Agent configs are written in) reads
// them: escapes are decoded, `${...}` is kept literally (Vault does not interpolate its config),
// heredoc bodies are taken verbatim and `<<-` strips the indentation of the closing marker.
import type { HclSource } from './hcl-error.ts';
import { trimTrailingAny } from '../../../shared/string-ends.ts';

export interface Scanned {
  readonly value: string;
  /** Offset just past the literal. */
  readonly end: number;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"',
};

/** A `"..."` string starting at `start` (the opening quote). */
export function scanQuoted(source: HclSource, start: number): Scanned {
  const text = source.text;
  const out = new StringBuilder();
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined || c === '\n') return source.fail(start, 'string is not terminated (a line break inside "..." needs \\n or a heredoc)');
    if (c === '"') return { value: out.finish(), end: i + 1 };
    if (c === '$' && text[i + 1] === '{') {
      const end = interpolationEnd(text, i + 2);
      if (end === undefined) return source.fail(i, 'string has a "${" without its closing "}"');
      out.text(text.slice(i, end));
      i = end;
    } else if (c === '\\') {
      i = decodeEscape(source, i, out);
    } else {
      out.text(c);
      i++;
    }
  }
}

/** `${ ... }` is copied as it stands, nested braces and quotes included (HCL 1 does the same). */
function interpolationEnd(text: string, from: number): number | undefined {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j + 1;
  }
  return undefined;
}

const ESCAPE_DIGITS: Readonly<Record<string, { readonly count: number; readonly base: number; readonly byte: boolean }>> = {
  x: { count: 2, base: 16, byte: true },
  u: { count: 4, base: 16, byte: false },
  U: { count: 8, base: 16, byte: false },
};

/** Decodes the escape at `at` (the backslash) into `out`; returns the offset after it. */
function decodeEscape(source: HclSource, at: number, out: StringBuilder): number {
  const kind = source.text[at + 1] ?? '';
  const simple = SIMPLE_ESCAPES[kind];
  if (simple !== undefined) {
    out.text(simple);
    return at + 2;
  }
  const octal = /^[0-7]$/.test(kind);
  const spec = octal ? { count: 3, base: 8, byte: true } : ESCAPE_DIGITS[kind];
  if (spec === undefined) return source.fail(at, 'invalid escape sequence in string');
  const digitsStart = octal ? at + 1 : at + 2;
  const digits = source.text.slice(digitsStart, digitsStart + spec.count);
  const pattern = spec.base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
  if (digits.length < spec.count || !pattern.test(digits)) return source.fail(at, 'invalid escape sequence in string');
  const n = Number.parseInt(digits, spec.base);
  if (spec.byte) {
    if (n > 0xff) return source.fail(at, 'invalid escape sequence in string');
    out.byte(n);
  } else {
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return source.fail(at, 'escape sequence is not a valid Unicode character');
    out.text(String.fromCodePoint(n));
  }
  return digitsStart + spec.count;
}

/** `\x..` and octal escapes are bytes (as in Go); consecutive ones are decoded together as UTF-8. */
class StringBuilder {
  private readonly parts: string[] = [];
  private bytes: number[] = [];

  text(s: string): void {
    this.flush();
    this.parts.push(s);
  }

  byte(b: number): void {
    this.bytes.push(b);
  }

  finish(): string {
    this.flush();
    return this.parts.join('');
  }

  private flush(): void {
    if (this.bytes.length === 0) return;
    this.parts.push(Buffer.from(this.bytes).toString('utf8'));
    this.bytes = [];
  }
}

/** A heredoc starting at `start` (the first `<` of `<<EOF` or `<<-EOF`). */
export function scanHeredoc(source: HclSource, start: number): Scanned {
  const text = source.text;
  const indented = text[start + 2] === '-';
  const markerStart = start + (indented ? 3 : 2);
  const marker = /[\p{L}\p{Nd}_]*/uy;
  marker.lastIndex = markerStart;
  const anchor = marker.exec(text)?.[0] ?? '';
  let afterAnchor = markerStart + anchor.length;
  if (anchor === '') return source.fail(start, 'heredoc needs a marker, as in <<EOF');
  if (text[afterAnchor] === '\r' && text[afterAnchor + 1] === '\n') afterAnchor++;
  if (text[afterAnchor] !== '\n') return source.fail(afterAnchor, 'the heredoc marker must end its line');
  const terminator = new RegExp(`^[ \\t\\n\\v\\f\\r]*${anchor}\\r*$`, 'u');
  let lineStart = afterAnchor + 1;
  for (;;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    if (terminator.test(text.slice(lineStart, lineEnd))) {
      // A closing marker on the file's last line without a line break is accepted too.
      return { value: heredocValue(`${text.slice(start, lineEnd)}\n`), end: lineEnd };
    }
    if (newline === -1) return source.fail(start, 'heredoc is not terminated (no line holding only its marker)');
    lineStart = newline + 1;
  }
}

/**
 * The value of a heredoc token whose text runs from `<<` to the closing marker's line break,
 * computed as HCL 1's unindentHeredoc does (its quirks included, so values match Vault's).
 */
function heredocValue(token: string): string {
  const idx = token.indexOf('\n');
  if (token[2] !== '-') return token.slice(idx + 1, token.length - idx + 1);
  const lines = token.slice(idx + 1, token.length - idx + 2).split('\n');
  const prefix = lines[lines.length - 1] ?? '';
  if (!lines.every((l) => l.startsWith(prefix))) {
    return trimTrailingAny(token.slice(idx + 1, token.length - idx + 1), ' \t');
  }
  return lines.map((l, k) => (k === lines.length - 1 ? '' : l.slice(prefix.length))).join('\n');
}
