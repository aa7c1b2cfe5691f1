// What a Handlebars template will cost to parse, measured in one linear pass before Handlebars.parse
// is called: an upper estimate of its tokens and its block nesting depth. Handlebars' parser takes
// microseconds per token and slows with the square of the nesting, so both are capped first.

export interface HandlebarsShape {
  /** At least as many as the parser's tokens (text runs, delimiters, words, parentheses). */
  readonly tokens: number;
  readonly depth: number;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
/** The characters that end a Handlebars ID (its lexer's ID pattern excludes them); anything else runs together. */
const PUNCTUATION = new Set('!"#%&\'()*+,./;<=>@[\\]^`{|}~');

export function handlebarsShape(source: string): HandlebarsShape {
  let tokens = 0;
  let depth = 0;
  let maxDepth = 0;
  let i = 0;
  for (;;) {
    const open = source.indexOf('{{', i);
    if (open === -1) break;
    tokens += 2; // the text before, the opening delimiter
    if (source[open - 1] === '\\') {
      tokens++; // an escaped mustache is text, in up to three pieces
      i = open + 2;
      continue;
    }
    let j = open + 2;
    let braces = 2;
    while (source[j] === '{') {
      j++;
      braces++;
    }
    if (source[j] === '~') j++;
    const kind = source[j];
    if (kind === '!') {
      const long = source.startsWith('--', j + 1);
      const end = source.indexOf(long ? '--' : '}}', j + 1);
      if (end === -1) break;
      const close = long ? source.indexOf('}}', end + 2) : end;
      if (close === -1) break;
      i = close + 2;
      continue;
    }
    const close = source.indexOf('}}', j);
    const stop = close === -1 ? source.length : close;
    tokens += 1 + wordsIn(source, j, stop);
    if (kind === '/') depth--;
    else if (kind === '#' || (kind === '^' && !isElse(source, j + 1, stop)) || (braces === 4 && kind !== undefined))
      depth++;
    if (depth > maxDepth) maxDepth = depth;
    if (close === -1) break;
    i = close + 2;
  }
  return { tokens: tokens + 1, depth: maxDepth };
}

/** `{{^}}` (and `{{^~}}`) is an else, not an inverse block. */
function isElse(source: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = source[k];
    if (!isSpace(c) && c !== '~') return false;
  }
  return true;
}

/** Runs of word characters, plus every other non-space character: never fewer than the lexer's tokens. */
function wordsIn(source: string, from: number, to: number): number {
  let words = 0;
  let inWord = false;
  for (let k = from; k < to; k++) {
    const c = source[k] ?? ' ';
    if (isSpace(c)) {
      inWord = false;
    } else if (PUNCTUATION.has(c)) {
      words++;
      inWord = false;
    } else if (!inWord) {
      words++;
      inWord = true;
    }
  }
  return words;
}
