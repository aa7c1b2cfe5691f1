// A parser for Go text/template following text/template/parse/parse.go: same grammar, same checks
// (undefined functions and variables, break/continue outside range, non-executable pipeline stages),
// errors as TemplateSyntaxError with a 1-based line and column. The webhook calls it at admission
// (syntax only); the agent's executor runs the tree it returns.
import { TemplateSyntaxError } from '../template-errors.ts';
import type {
  ArgNode, BranchNode, CommandNode, ListNode, Node, PipeNode, TemplateCallNode, TemplateTree,
} from './ast.ts';
import { LexError, lex, TokenLimitError, type Token, type TokenType } from './lexer.ts';
import { parseNumber, unquote } from './literals.ts';

export type { TemplateTree } from './ast.ts';

/** The template has more tokens than `maxTokens` allows (a syntax error to callers that do not care). */
export class TemplateTooLargeError extends TemplateSyntaxError {}

export interface ParseOptions {
  /** Used in error messages; never the content. */
  readonly name: string;
  readonly leftDelim?: string;
  readonly rightDelim?: string;
  /** The functions the template may call; any other identifier is a parse error naming it. */
  readonly functions: ReadonlySet<string>;
  /** At most this many tokens (text runs, delimiters, words): bounds the CPU a hostile template costs. */
  readonly maxTokens?: number;
}

/** Parses a whole template file (its body plus any `define`/`block` templates). */
export function parseTemplate(source: string, options: ParseOptions): TemplateTree {
  let tokens: Token[];
  try {
    tokens = lex(source, {
      leftDelim: options.leftDelim ?? '{{',
      rightDelim: options.rightDelim ?? '}}',
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    });
  } catch (err) {
    if (err instanceof TokenLimitError) throw new TemplateTooLargeError(options.name, 1, 1, err.message);
    if (err instanceof LexError) throw syntaxError(source, options.name, new ParseFailure(err.pos, err.message));
    throw err;
  }
  try {
    return new Parser(source, tokens, options).parse();
  } catch (err) {
    if (err instanceof RangeError) throw new TemplateSyntaxError(options.name, 1, 1, 'template too deeply nested');
    throw err;
  }
}

/**
 * A failure at a byte offset, turned into a TemplateSyntaxError at the top (here, and in
 * syntax-scan.ts, which reports the same failures without building a tree).
 */
export class ParseFailure extends Error {
  readonly pos: number;
  readonly undefinedFunction: string | undefined;
  constructor(pos: number, message: string, undefinedFunction?: string) {
    super(message);
    this.pos = pos;
    this.undefinedFunction = undefinedFunction;
  }
}

/** The failure as the template's syntax error: 1-based line, column in code points. */
export function syntaxError(source: string, name: string, failure: ParseFailure): TemplateSyntaxError {
  const { pos } = failure;
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < pos; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = [...source.slice(lineStart, pos)].length + 1;
  return new TemplateSyntaxError(name, line, column, failure.message, failure.undefinedFunction);
}

type EndMarker =
  | { readonly type: 'end'; readonly pos: number; readonly elseKeyword?: undefined }
  | { readonly type: 'else'; readonly pos: number; readonly elseKeyword?: 'if' | 'with' };

/** Go allows 10000; JavaScript's call stack needs a lower bound. Real templates nest a handful deep. */
const MAX_DEPTH = 1000;

const OPERAND_START: ReadonlySet<TokenType> = new Set([
  'bool', 'char', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen',
]);

function describe(token: Token): string {
  if (token.type === 'eof') return 'EOF';
  if (token.type === 'rightDelim') return `right delimiter ${JSON.stringify(token.value)}`;
  if (token.type === 'leftDelim') return `left delimiter ${JSON.stringify(token.value)}`;
  if (token.type === 'keyword') return `<${token.value}>`;
  if (token.type === 'text') return 'text';
  return JSON.stringify(token.value);
}

class Parser {
  private readonly source: string;
  private readonly tokens: Token[];
  private readonly options: ParseOptions;
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  /** Nesting of control structures and parentheses; bounded like Go's maxStackDepth. */
  private depth = 0;
  private readonly defines = new Map<string, ListNode>();

  constructor(source: string, tokens: Token[], options: ParseOptions) {
    this.source = source;
    this.tokens = tokens;
    this.options = options;
  }

  parse(): TemplateTree {
    try {
      const nodes: Node[] = [];
      while (this.peek().type !== 'eof') {
        if (this.peek().type === 'leftDelim') {
          const delimIndex = this.index;
          this.next();
          const t = this.nextNonSpace();
          if (t.type === 'keyword' && t.value === 'define') {
            this.parseDefinition();
            continue;
          }
          this.index = delimIndex;
        }
        const n = this.textOrAction();
        if (n.type === 'end' || n.type === 'else') throw new ParseFailure(n.pos, `unexpected {{${n.type}}}`);
        nodes.push(n);
      }
      return {
        name: this.options.name,
        source: this.source,
        root: { type: 'list', pos: 0, nodes },
        defines: this.defines,
        tokenCount: this.tokens.length,
      };
    } catch (err) {
      if (err instanceof ParseFailure) throw syntaxError(this.source, this.options.name, err);
      throw err;
    }
  }

  // --- token helpers -------------------------------------------------------------------------------

  private peek(): Token {
    return this.tokens[this.index] ?? this.eof();
  }

  private eof(): Token {
    return this.tokens[this.tokens.length - 1] ?? { type: 'eof', pos: this.source.length, value: '' };
  }

  private next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const saved = this.index;
    const t = this.nextNonSpace();
    this.index = saved;
    return t;
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private unexpected(token: Token, context: string): never {
    throw new ParseFailure(token.pos, `unexpected ${describe(token)} in ${context}`);
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.type === 'keyword' && token.value === word;
  }

  // --- structure -------------------------------------------------------------------------------------

  private withFreshScope<T>(fn: () => T): T {
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return fn();
    } finally {
      this.vars = savedVars;
      this.rangeDepth = savedDepth;
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameToken = this.nextNonSpace();
    const name = this.templateName(nameToken, context);
    this.expect('rightDelim', context);
    const list = this.withFreshScope(() => {
      const [body, end] = this.itemList();
      if (end.type !== 'end') throw new ParseFailure(end.pos, `unexpected {{${end.type}}} in ${context}`);
      return body;
    });
    this.defines.set(name, list);
  }

  private templateName(token: Token, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    return this.unquoteAt(token);
  }

  private unquoteAt(token: Token): string {
    try {
      return unquote(token.value);
    } catch (err) {
      throw new ParseFailure(token.pos, `${(err as Error).message} in string literal`);
    }
  }

  private itemList(): [ListNode, EndMarker] {
    const start = this.peek().pos;
    const nodes: Node[] = [];
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [{ type: 'list', pos: start, nodes }, n];
      nodes.push(n);
    }
    throw new ParseFailure(this.source.length, 'unexpected EOF');
  }

  private textOrAction(): Node | EndMarker {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.value };
    if (t.type === 'leftDelim') return this.action();
    return this.unexpected(t, 'input');
  }

  private action(): Node | EndMarker {
    const saved = this.index;
    const t = this.nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.value) {
        case 'block': return this.blockControl(t);
        case 'break': return this.loopControl(t, 'break');
        case 'continue': return this.loopControl(t, 'continue');
        case 'else': return this.elseControl(t);
        case 'end':
          this.expect('rightDelim', 'end');
          return { type: 'end', pos: t.pos };
        case 'if': return this.control('if', t.pos);
        case 'range': return this.control('range', t.pos);
        case 'template': return this.templateControl();
        case 'with': return this.control('with', t.pos);
        default: return this.unexpected(t, 'command');
      }
    }
    this.index = saved;
    return { type: 'action', pos: t.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(t: Token, kind: 'break' | 'continue'): Node {
    const next = this.nextNonSpace();
    if (next.type !== 'rightDelim') this.unexpected(next, `{{${kind}}}`);
    if (this.rangeDepth === 0) throw new ParseFailure(t.pos, `{{${kind}}} outside {{range}}`);
    return { type: kind, pos: t.pos };
  }

  private elseControl(t: Token): EndMarker {
    const peek = this.peekNonSpace();
    if (this.isKeyword(peek, 'if') || this.isKeyword(peek, 'with')) {
      return { type: 'else', pos: t.pos, elseKeyword: peek.value as 'if' | 'with' };
    }
    this.expect('rightDelim', 'else');
    return { type: 'else', pos: t.pos };
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) throw new ParseFailure(pos, 'max expression depth exceeded');
  }

  private control(kind: BranchNode['type'], pos: number): BranchNode {
    const varCount = this.vars.length;
    this.enter(pos);
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        if (next.elseKeyword !== undefined && (next.elseKeyword === 'if' || kind === 'with')) {
          // "{{else if x}}" is "{{else}}{{if x}}...{{end}}{{end}}" sharing one {{end}} (Go's parseControl).
          const keyword = this.nextNonSpace();
          elseList = { type: 'list', pos: next.pos, nodes: [this.control(next.elseKeyword, keyword.pos)] };
        } else {
          if (next.elseKeyword !== undefined) this.expect('rightDelim', 'else');
          const [body, end] = this.itemList();
          if (end.type !== 'end') throw new ParseFailure(end.pos, 'expected end; found {{else}}');
          elseList = body;
        }
      }
      return { type: kind, pos, pipe, list, elseList };
    } finally {
      this.vars.length = varCount;
      this.depth--;
    }
  }

  private templateControl(): TemplateCallNode {
    const context = 'template clause';
    const nameToken = this.nextNonSpace();
    const name = this.templateName(nameToken, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.index--;
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: nameToken.pos, name, pipe };
  }

  private blockControl(t: Token): TemplateCallNode {
    const context = 'block clause';
    const nameToken = this.nextNonSpace();
    const name = this.templateName(nameToken, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const body = this.withFreshScope(() => {
      const [list, end] = this.itemList();
      if (end.type !== 'end') throw new ParseFailure(end.pos, `unexpected {{${end.type}}} in ${context}`);
      return list;
    });
    this.defines.set(name, body);
    return { type: 'template', pos: t.pos, name, pipe };
  }

  // --- pipelines -------------------------------------------------------------------------------------

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const startToken = this.peekNonSpace();
    const decl: string[] = [];
    let isAssign = false;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const saved = this.index;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        isAssign = next.type === 'assign';
        this.nextNonSpace();
        if (isAssign && !this.vars.includes(v.value)) throw new ParseFailure(v.pos, `undefined variable ${JSON.stringify(v.value)}`);
        decl.push(v.value);
        this.vars.push(v.value);
        break;
      }
      if (next.type === 'comma') {
        this.nextNonSpace();
        decl.push(v.value);
        this.vars.push(v.value);
        const after = this.peekNonSpace().type;
        if (context === 'range' && decl.length < 2 && (after === 'variable' || after === 'rightDelim' || after === 'rightParen')) continue;
        if (context === 'range' && decl.length < 2) throw new ParseFailure(next.pos, 'range can only initialize variables');
        throw new ParseFailure(next.pos, `too many declarations in ${context}`);
      }
      this.index = saved;
      break;
    }
    const cmds: CommandNode[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(cmds, context, startToken.pos);
        const stop = t.pos;
        return { type: 'pipe', pos: startToken.pos, isAssign, decl, cmds, source: this.source.slice(startToken.pos, stop).trim() };
      }
      if (OPERAND_START.has(t.type)) {
        this.index--;
        cmds.push(this.command());
        continue;
      }
      this.unexpected(t, context);
    }
  }

  private checkPipeline(cmds: readonly CommandNode[], context: string, pos: number): void {
    if (cmds.length === 0) throw new ParseFailure(pos, `missing value for ${context}`);
    cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first !== undefined && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.type)) {
        throw new ParseFailure(c.pos, `non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const pos = this.peekNonSpace().pos;
    const args: ArgNode[] = [];
    let end = pos;
    for (;;) {
      this.skipSpaces();
      const operand = this.operand();
      if (operand !== undefined) args.push(operand);
      const t = this.next();
      end = t.pos;
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.index--;
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (args.length === 0) throw new ParseFailure(pos, 'empty command');
    return { type: 'command', pos, args, source: this.source.slice(pos, end).trim() };
  }

  private skipSpaces(): void {
    while (this.peek().type === 'space') this.next();
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined || this.peek().type !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().value.slice(1));
    // Like Go, a field or variable with chained fields is positioned at the first chained field.
    switch (node.type) {
      case 'field': return { type: 'field', pos, idents: [...node.idents, ...fields] };
      case 'variable': return { type: 'variable', pos, idents: [...node.idents, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        throw new ParseFailure(pos, `unexpected . after term ${JSON.stringify(this.source.slice(node.pos, pos))}`);
      case 'chain': case 'identifier': case 'pipe':
        return { type: 'chain', pos, node, fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    if (t.type === 'identifier') {
      if (!this.options.functions.has(t.value)) throw new ParseFailure(t.pos, `function ${JSON.stringify(t.value)} not defined`, t.value);
      return { type: 'identifier', pos: t.pos, name: t.value };
    }
    if (t.type === 'dot') return { type: 'dot', pos: t.pos };
    if (t.type === 'nil') return { type: 'nil', pos: t.pos };
    if (t.type === 'variable') {
      const [name = '$', ...fields] = t.value.split('.');
      if (!this.vars.includes(name)) throw new ParseFailure(t.pos, `undefined variable ${JSON.stringify(name)}`);
      return { type: 'variable', pos: t.pos, idents: [name, ...fields] };
    }
    if (t.type === 'field') return { type: 'field', pos: t.pos, idents: [t.value.slice(1)] };
    if (t.type === 'bool') return { type: 'bool', pos: t.pos, value: t.value === 'true' };
    if (t.type === 'char' || t.type === 'number') {
      try {
        return parseNumber(t.pos, t.value, t.type === 'char');
      } catch (err) {
        throw new ParseFailure(t.pos, (err as Error).message);
      }
    }
    if (t.type === 'leftParen') {
      this.enter(t.pos);
      const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
      this.depth--;
      return pipe;
    }
    if (t.type === 'string' || t.type === 'rawString') return { type: 'string', pos: t.pos, text: t.value, value: this.unquoteAt(t) };
    this.index--;
    return undefined;
  }
}
