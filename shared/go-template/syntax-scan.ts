// Checks a Go template's syntax without building its tree: the webhook only needs to know whether
// a template parses, what that cost in tokens, and which functions it calls. It follows lexer.ts
// and parse.ts step by step (same tokens, same checks in the same order, same messages and
// positions), but the tokens are three numbers in reused typed arrays, not objects with a copy of
// their text, and the parser's walk keeps no nodes: a template checks in about half the time
// (docs/benchmarks/webhook.md).
// Where the parser's own recursion could overflow the call stack (nesting deeper than any real
// template), the caller is told to run the parser instead, whose answer is then the answer.
import type { TemplateSyntaxError } from '../template-errors.ts';
import { parseNumber, unquote } from './literals.ts';
import { ParseFailure, syntaxError, TemplateTooLargeError, type ParseOptions } from './parse.ts';
import * as T from './scan-tokens.ts';

export type SyntaxScan =
  | { readonly kind: 'valid'; readonly tokens: number; readonly calls: readonly string[] }
  /** The error parseTemplate throws for this source (a TemplateTooLargeError past `maxTokens`). */
  | { readonly kind: 'invalid'; readonly error: TemplateSyntaxError }
  /** Nested deeper than the scanner follows: parseTemplate decides. */
  | { readonly kind: 'handover' };

/** Controls, parentheses and block bodies nested deeper than this go to the parser. Real
 * templates nest a handful deep; at this depth neither walk can overflow the call stack. */
export const HANDOVER_DEPTH = 100;

/** Checks `source` as parseTemplate(source, options) would, without building the tree. */
export function scanTemplateSyntax(source: string, options: ParseOptions): SyntaxScan {
  const left = options.leftDelim === undefined || options.leftDelim === '' ? '{{' : options.leftDelim;
  const right = options.rightDelim === undefined || options.rightDelim === '' ? '}}' : options.rightDelim;
  const tokens = T.takeTokens();
  try {
    try {
      T.lexInto(tokens, source, left, right, options.maxTokens ?? Infinity);
    } catch (err) {
      if (err instanceof T.TokenLimit) return invalid(new TemplateTooLargeError(options.name, 1, 1, err.message));
      if (err instanceof ParseFailure) return invalid(syntaxError(source, options.name, err));
      throw err;
    }
    const walk = new Walk(source, tokens, left, right, options.functions);
    try {
      const calls = walk.run();
      return { kind: 'valid', tokens: tokens.count, calls };
    } catch (err) {
      if (err instanceof ParseFailure) return invalid(syntaxError(source, options.name, err));
      // A RangeError is the call stack running out: the parser's answer (which may be that) counts.
      if (err instanceof Handover || err instanceof RangeError) return { kind: 'handover' };
      throw err;
    }
  } finally {
    T.giveTokens(tokens);
  }
}

const invalid = (error: TemplateSyntaxError): SyntaxScan => ({ kind: 'invalid', error });

class Handover extends Error {}

// --- the walk: parse.ts's Parser, keeping no nodes ----------------------------------------------------

/** What an item list ended on (parse.ts's EndMarker), and where. */
const END = 1;
const ELSE = 2;
const ELSE_IF = 3;
const ELSE_WITH = 4;

/** What an operand was: nothing, a value a pipeline stage cannot execute, or something callable. */
const NO_OPERAND = 0;
const CONSTANT = 1;
const EXECUTABLE = 2;

/** The variables in scope, as parse.ts's list of names; past a few dozen, with a count per name,
 * so that looking one up is not a search through thousands of declarations. */
class Scope {
  private readonly names: string[] = ['$'];
  /** How many of `names` are in scope; the ones after are stale, overwritten as names come. */
  private n = 1;
  private counts: Map<string, number> | undefined;

  get size(): number {
    return this.n;
  }

  has(name: string): boolean {
    if (this.counts !== undefined) return this.counts.has(name);
    for (let i = 0; i < this.n; i++) if (this.names[i] === name) return true;
    return false;
  }

  declare(name: string): void {
    this.names[this.n++] = name;
    if (this.counts !== undefined) this.count(name, 1);
    else if (this.n > SCOPE_SEARCH_MAX) {
      this.counts = new Map();
      for (let i = 0; i < this.n; i++) this.count(this.names[i]!, 1);
    }
  }

  /** Forgets the names declared after the first `size`. */
  truncate(size: number): void {
    if (this.counts !== undefined) while (this.n > size) this.count(this.names[--this.n]!, -1);
    this.n = size;
  }

  private count(name: string, by: number): void {
    const n = (this.counts?.get(name) ?? 0) + by;
    if (n === 0) this.counts?.delete(name);
    else this.counts?.set(name, n);
  }
}

/** Variables a scope searches through before it keeps counts instead. */
const SCOPE_SEARCH_MAX = 32;

class Walk {
  private readonly source: string;
  private readonly left: string;
  private readonly right: string;
  private readonly functions: ReadonlySet<string>;
  private readonly last: number;
  private index = 0;
  private vars = new Scope();
  private rangeDepth = 0;
  /** Controls, parentheses and block bodies: past HANDOVER_DEPTH, well short of parse.ts's own
   * depth limit, the parser takes over. */
  private nesting = 0;
  /** Where the last term started. */
  private termPos = 0;
  /** Where the last item list's end marker was. */
  private markerPos = 0;
  /** The functions called by the template body being walked, in order (repeats included). */
  private calls: string[] = [];
  /** parse.ts's defines, holding each body's calls: a later definition replaces an earlier one.
   * Made by the first definition: most templates have none. */
  private defines: Map<string, string[]> | undefined;
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(source: string, tokens: T.Tokens, left: string, right: string, functions: ReadonlySet<string>) {
    this.source = source;
    this.types = tokens.type;
    this.starts = tokens.pos;
    this.ends = tokens.end;
    this.left = left;
    this.right = right;
    this.functions = functions;
    this.last = tokens.count - 1;
  }

  /** The functions called, in the order calledFunctions finds them in the tree. */
  run(): string[] {
    const root = this.calls;
    while (this.peekType() !== T.EOF) {
      if (this.peekType() === T.LEFT_DELIM) {
        const delimIndex = this.index;
        this.next();
        if (this.type(this.nextNonSpace()) === T.K_DEFINE) {
          this.parseDefinition();
          continue;
        }
        this.index = delimIndex;
      }
      const marker = this.textOrAction();
      if (marker !== 0) throw new ParseFailure(this.markerPos, `unexpected {{${marker === END ? 'end' : 'else'}}}`);
    }
    // calledFunctions walks the defines last-first, then the body. Most templates define nothing
    // and make a call or two: a search beats building a set.
    if (this.defines === undefined && root.length <= 8) return root.filter((name, i) => root.indexOf(name) === i);
    const bodies = [...(this.defines?.values() ?? [])].reverse();
    bodies.push(root);
    const names = new Set<string>();
    for (const body of bodies) for (const name of body) names.add(name);
    return [...names];
  }

  // --- token helpers -------------------------------------------------------------------------------

  private type(i: number): number {
    return this.types[i]!;
  }

  private posOf(i: number): number {
    return this.starts[i]!;
  }

  private text(i: number): string {
    return this.source.slice(this.starts[i], this.ends[i]);
  }

  private peekType(): number {
    return this.types[this.index]!;
  }

  /** Returns the current token's index and moves past it, staying on the final EOF. */
  private next(): number {
    const i = this.index;
    if (i < this.last) this.index++;
    return i;
  }

  private nextNonSpace(): number {
    let i = this.next();
    while (this.type(i) === T.SPACE) i = this.next();
    return i;
  }

  private peekNonSpace(): number {
    const saved = this.index;
    const i = this.nextNonSpace();
    this.index = saved;
    return i;
  }

  private expect(type: number, context: string): void {
    const i = this.nextNonSpace();
    if (this.type(i) !== type) this.unexpected(i, context);
  }

  private unexpected(i: number, context: string): never {
    throw new ParseFailure(this.posOf(i), `unexpected ${this.describe(i)} in ${context}`);
  }

  private describe(i: number): string {
    const type = this.type(i);
    if (type === T.EOF) return 'EOF';
    if (type === T.RIGHT_DELIM) return `right delimiter ${JSON.stringify(this.right)}`;
    if (type === T.LEFT_DELIM) return `left delimiter ${JSON.stringify(this.left)}`;
    if (T.isKeyword(type)) return `<${this.text(i)}>`;
    if (type === T.TEXT) return 'text';
    return JSON.stringify(this.text(i));
  }

  private nest(): void {
    if (++this.nesting > HANDOVER_DEPTH) throw new Handover();
  }

  // --- structure -------------------------------------------------------------------------------------

  /** Walks a define or block body in a fresh variable scope; returns its calls. */
  private body(context: string): string[] {
    const savedVars = this.vars;
    const savedRangeDepth = this.rangeDepth;
    const savedCalls = this.calls;
    this.vars = new Scope();
    this.rangeDepth = 0;
    this.calls = [];
    try {
      const marker = this.itemList();
      if (marker !== END) throw new ParseFailure(this.markerPos, `unexpected {{else}} in ${context}`);
      return this.calls;
    } finally {
      this.vars = savedVars;
      this.rangeDepth = savedRangeDepth;
      this.calls = savedCalls;
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.expect(T.RIGHT_DELIM, context);
    this.define(name, this.body(context));
  }

  private define(name: string, calls: string[]): void {
    this.defines ??= new Map();
    this.defines.set(name, calls);
  }

  private templateName(i: number, context: string): string {
    const type = this.type(i);
    if (type !== T.STRING && type !== T.ESCAPED_STRING && type !== T.RAW_STRING) this.unexpected(i, context);
    return this.unquoteAt(i);
  }

  private unquoteAt(i: number): string {
    try {
      return unquote(this.text(i));
    } catch (err) {
      throw new ParseFailure(this.posOf(i), `${(err as Error).message} in string literal`);
    }
  }

  /** Walks items up to an {{end}} or {{else}}; returns which (markerPos says where). */
  private itemList(): number {
    while (this.type(this.peekNonSpace()) !== T.EOF) {
      const marker = this.textOrAction();
      if (marker !== 0) return marker;
    }
    throw new ParseFailure(this.source.length, 'unexpected EOF');
  }

  /** 0 for text or an action; an end marker otherwise. */
  private textOrAction(): number {
    const i = this.nextNonSpace();
    const type = this.type(i);
    if (type === T.TEXT) return 0;
    if (type === T.LEFT_DELIM) return this.action();
    return this.unexpected(i, 'input');
  }

  private action(): number {
    const saved = this.index;
    const i = this.nextNonSpace();
    switch (this.type(i)) {
      case T.K_BLOCK:
        this.blockControl();
        return 0;
      case T.K_BREAK:
        this.loopControl(i, 'break');
        return 0;
      case T.K_CONTINUE:
        this.loopControl(i, 'continue');
        return 0;
      case T.K_ELSE:
        return this.elseControl(i);
      case T.K_END:
        this.expect(T.RIGHT_DELIM, 'end');
        this.markerPos = this.posOf(i);
        return END;
      case T.K_IF:
        this.control('if');
        return 0;
      case T.K_RANGE:
        this.control('range');
        return 0;
      case T.K_TEMPLATE:
        this.templateControl();
        return 0;
      case T.K_WITH:
        this.control('with');
        return 0;
      case T.K_DEFINE:
        return this.unexpected(i, 'command');
      default:
        this.index = saved;
        this.pipeline('command', T.RIGHT_DELIM);
        return 0;
    }
  }

  private loopControl(i: number, kind: 'break' | 'continue'): void {
    const next = this.nextNonSpace();
    if (this.type(next) !== T.RIGHT_DELIM) this.unexpected(next, `{{${kind}}}`);
    if (this.rangeDepth === 0) throw new ParseFailure(this.posOf(i), `{{${kind}}} outside {{range}}`);
  }

  private elseControl(i: number): number {
    const peek = this.type(this.peekNonSpace());
    this.markerPos = this.posOf(i);
    if (peek === T.K_IF) return ELSE_IF;
    if (peek === T.K_WITH) return ELSE_WITH;
    this.expect(T.RIGHT_DELIM, 'else');
    return ELSE;
  }

  private control(kind: 'if' | 'range' | 'with'): void {
    const varCount = this.vars.size;
    this.nest();
    try {
      this.pipeline(kind, T.RIGHT_DELIM);
      if (kind === 'range') this.rangeDepth++;
      const marker = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      if (marker === END) return;
      if (marker === ELSE_IF || (marker === ELSE_WITH && kind === 'with')) {
        // "{{else if x}}" is "{{else}}{{if x}}...{{end}}{{end}}" sharing one {{end}} (Go's parseControl).
        this.nextNonSpace();
        this.control(marker === ELSE_IF ? 'if' : 'with');
        return;
      }
      if (marker !== ELSE) this.expect(T.RIGHT_DELIM, 'else');
      if (this.itemList() !== END) throw new ParseFailure(this.markerPos, 'expected end; found {{else}}');
    } finally {
      this.vars.truncate(varCount);
      this.nesting--;
    }
  }

  private templateControl(): void {
    const context = 'template clause';
    this.templateName(this.nextNonSpace(), context);
    if (this.type(this.nextNonSpace()) !== T.RIGHT_DELIM) {
      this.index--;
      this.pipeline(context, T.RIGHT_DELIM);
    }
  }

  private blockControl(): void {
    const context = 'block clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.pipeline(context, T.RIGHT_DELIM);
    this.nest();
    const calls = this.body(context);
    this.nesting--;
    this.define(name, calls);
  }

  // --- pipelines -------------------------------------------------------------------------------------

  private pipeline(context: string, end: number): void {
    const startPos = this.posOf(this.peekNonSpace());
    let declared = 0;
    for (;;) {
      const v = this.peekNonSpace();
      if (this.type(v) !== T.VARIABLE) break;
      const saved = this.index;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      const nextType = this.type(next);
      if (nextType === T.ASSIGN || nextType === T.DECLARE) {
        this.nextNonSpace();
        const name = this.text(v);
        if (nextType === T.ASSIGN && !this.vars.has(name))
          throw new ParseFailure(this.posOf(v), `undefined variable ${JSON.stringify(name)}`);
        this.vars.declare(name);
        break;
      }
      if (nextType === T.COMMA) {
        this.nextNonSpace();
        declared++;
        this.vars.declare(this.text(v));
        const after = this.type(this.peekNonSpace());
        if (
          context === 'range' &&
          declared < 2 &&
          (after === T.VARIABLE || after === T.RIGHT_DELIM || after === T.RIGHT_PAREN)
        )
          continue;
        if (context === 'range' && declared < 2)
          throw new ParseFailure(this.posOf(next), 'range can only initialize variables');
        throw new ParseFailure(this.posOf(next), `too many declarations in ${context}`);
      }
      this.index = saved;
      break;
    }
    let commands = 0;
    // The first later stage that starts with a constant: reported once the pipeline has parsed.
    let constantStage = 0;
    let constantPos = 0;
    for (;;) {
      const i = this.nextNonSpace();
      const type = this.type(i);
      if (type === end) {
        if (commands === 0) throw new ParseFailure(startPos, `missing value for ${context}`);
        if (constantStage > 0)
          throw new ParseFailure(constantPos, `non executable command in pipeline stage ${constantStage}`);
        return;
      }
      if (!T.isOperandStart(type)) this.unexpected(i, context);
      this.index--;
      const first = this.command();
      commands++;
      if (commands > 1 && first === CONSTANT && constantStage === 0) {
        constantStage = commands;
        constantPos = this.posOf(i);
      }
    }
  }

  /** Walks one command; returns what its first operand was. */
  private command(): number {
    const pos = this.posOf(this.peekNonSpace());
    let first = NO_OPERAND;
    for (;;) {
      while (this.peekType() === T.SPACE) this.next();
      const operand = this.operand();
      if (first === NO_OPERAND) first = operand;
      const i = this.next();
      const type = this.type(i);
      if (type === T.SPACE) continue;
      if (type === T.RIGHT_DELIM || type === T.RIGHT_PAREN) this.index--;
      else if (type !== T.PIPE) this.unexpected(i, 'operand');
      break;
    }
    if (first === NO_OPERAND) throw new ParseFailure(pos, 'empty command');
    return first;
  }

  private operand(): number {
    const term = this.term();
    if (term === NO_OPERAND || this.peekType() !== T.FIELD) return term;
    const pos = this.posOf(this.index);
    while (this.peekType() === T.FIELD) this.next();
    // A field chained onto a constant (a literal or dot): parse.ts's operand refuses it.
    if (term === CONSTANT)
      throw new ParseFailure(pos, `unexpected . after term ${JSON.stringify(this.source.slice(this.termPos, pos))}`);
    return EXECUTABLE;
  }

  private term(): number {
    const i = this.nextNonSpace();
    this.termPos = this.posOf(i);
    switch (this.type(i)) {
      case T.IDENTIFIER: {
        const name = this.text(i);
        if (!this.functions.has(name))
          throw new ParseFailure(this.posOf(i), `function ${JSON.stringify(name)} not defined`, name);
        this.calls.push(name);
        return EXECUTABLE;
      }
      case T.DOT:
      case T.NIL:
      case T.BOOL:
        return CONSTANT;
      case T.VARIABLE: {
        const name = this.text(i);
        if (!this.vars.has(name)) throw new ParseFailure(this.posOf(i), `undefined variable ${JSON.stringify(name)}`);
        return EXECUTABLE;
      }
      case T.FIELD:
        return EXECUTABLE;
      case T.CHAR:
      case T.NUMBER:
        try {
          parseNumber(this.posOf(i), this.text(i), this.type(i) === T.CHAR);
        } catch (err) {
          throw new ParseFailure(this.posOf(i), (err as Error).message);
        }
        return CONSTANT;
      case T.LEFT_PAREN:
        this.nest();
        this.pipeline('parenthesized pipeline', T.RIGHT_PAREN);
        this.nesting--;
        return EXECUTABLE;
      case T.ESCAPED_STRING:
        this.unquoteAt(i);
        return CONSTANT;
      case T.STRING:
      case T.RAW_STRING:
        return CONSTANT;
      default:
        this.index--;
        return NO_OPERAND;
    }
  }
}
