// HCL 1 syntax tree: a body is a list of items; an item is `key = value` or a block
// `key "label" ... { body }`. Values are strings, numbers, bools, lists and objects (`{ body }`).
// Offsets point into the source so later stages can report line:column.
import { HclSource } from './hcl-error.ts';
import { tokenize, type Token } from './lexer.ts';

export type HclValue =
  | { readonly kind: 'string'; readonly offset: number; readonly value: string }
  | { readonly kind: 'number'; readonly offset: number; readonly value: number }
  | { readonly kind: 'bool'; readonly offset: number; readonly value: boolean }
  | { readonly kind: 'list'; readonly offset: number; readonly items: readonly HclValue[] }
  | { readonly kind: 'object'; readonly offset: number; readonly body: readonly HclItem[] };

export interface HclKey {
  readonly name: string;
  readonly offset: number;
}

export interface HclItem {
  /** The key, then the block labels (`method "kubernetes" {}` → method, kubernetes). */
  readonly keys: readonly [HclKey, ...HclKey[]];
  /** `key = value` rather than a block. */
  readonly assigned: boolean;
  readonly value: HclValue;
}

export interface HclDocument {
  readonly source: HclSource;
  readonly body: readonly HclItem[];
}

export function parseHcl(text: string): HclDocument {
  const source = new HclSource(text);
  const parser = new Parser(source, tokenize(source));
  return { source, body: parser.document() };
}

/** Far deeper than any agent config; stops a hostile file from exhausting the stack. */
const MAX_DEPTH = 64;

class Parser {
  private readonly source: HclSource;
  private readonly tokens: readonly Token[];
  private index = 0;
  private depth = 0;

  constructor(source: HclSource, tokens: readonly Token[]) {
    this.source = source;
    this.tokens = tokens;
  }

  document(): HclItem[] {
    const items: HclItem[] = [];
    for (let tok = this.peek(); tok.kind !== 'eof'; tok = this.peek()) {
      if (tok.kind === '}') this.fail(tok, 'unexpected "}" (no block is open)');
      items.push(this.item());
    }
    return items;
  }

  /** The body of `{ ... }` after the opening brace; items may be separated by commas. */
  private body(open: Token): HclItem[] {
    const items: HclItem[] = [];
    this.enter(open);
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof') this.fail(open, 'this "{" is never closed');
      if (tok.kind === '}') {
        this.index++;
        this.depth--;
        return items;
      }
      items.push(this.item());
      if (this.peek().kind === ',') this.index++;
    }
  }

  private item(): HclItem {
    const keys: HclKey[] = [];
    for (;;) {
      const tok = this.next();
      if (tok.kind === 'ident' || tok.kind === 'string') {
        keys.push({ name: tok.value, offset: tok.offset });
        continue;
      }
      const first = keys[0];
      if (first === undefined) this.fail(tok, `expected a key, found ${describe(tok)}`);
      if (tok.kind === '=') {
        if (keys.length > 1) this.fail(tok, 'expected "{" after block labels, found "="');
        return { keys: [first], assigned: true, value: this.value() };
      }
      if (tok.kind === '{') return { keys: [first, ...keys.slice(1)], assigned: false, value: { kind: 'object', offset: tok.offset, body: this.body(tok) } };
      this.fail(tok, `expected "=" or "{" after a key, found ${describe(tok)}`);
    }
  }

  private value(): HclValue {
    const tok = this.next();
    switch (tok.kind) {
      case 'string':
      case 'heredoc':
        return { kind: 'string', offset: tok.offset, value: tok.value };
      case 'number':
      case 'bool':
        return tok;
      case '[':
        return { kind: 'list', offset: tok.offset, items: this.list(tok) };
      case '{':
        return { kind: 'object', offset: tok.offset, body: this.body(tok) };
      case 'ident':
        return this.fail(tok, 'expected a value, found a bare word (strings need double quotes)');
      case '}':
      case ']':
      case '=':
      case ',':
      case 'eof':
        return this.fail(tok, `expected a value, found ${describe(tok)}`);
    }
  }

  /** List elements after `[`, separated by commas; a trailing comma is fine. */
  private list(open: Token): HclValue[] {
    const items: HclValue[] = [];
    let needComma = false;
    this.enter(open);
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof') this.fail(open, 'this "[" is never closed');
      if (tok.kind === ']') {
        this.index++;
        this.depth--;
        return items;
      }
      if (tok.kind === ',') {
        this.index++;
        needComma = false;
        continue;
      }
      if (needComma) this.fail(tok, `expected "," or "]" in a list, found ${describe(tok)}`);
      items.push(this.value());
      needComma = true;
    }
  }

  private enter(open: Token): void {
    if (++this.depth > MAX_DEPTH) this.fail(open, `blocks, objects and lists are nested more than ${MAX_DEPTH} deep`);
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1] ?? { kind: 'eof', offset: 0 };
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.index++;
    return tok;
  }

  private fail(tok: Token, reason: string): never {
    return this.source.fail(tok.offset, reason);
  }
}

const TOKEN_NAMES: Readonly<Record<string, string>> = {
  ident: 'a bare word', string: 'a string', heredoc: 'a heredoc', number: 'a number', bool: 'a bool', eof: 'the end of the file',
};

/** Names a token by its kind; never echoes the text (it may be a secret). */
function describe(tok: Token): string {
  return TOKEN_NAMES[tok.kind] ?? `"${tok.kind}"`;
}
