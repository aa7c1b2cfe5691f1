// Executes a parsed Go text/template (shared/go-template) with Go's exec.go semantics.
//
// Lower-level API, used by the Go-template engine (engine.ts) and by anything that renders Go
// templates over arbitrary data with its own functions (the Helm chart tests):
//
//   execute(options: ExecuteOptions): string
//     options.name       template name used in error messages
//     options.root       the ListNode to run: tree.root, or collectDefines(...).get('name')
//     options.data       the root value: `.` and `$` (plain objects are Go maps, arrays slices)
//     options.templates  named templates visible to {{template}}/{{block}}: collectDefines(trees)
//     options.functions  name -> GoFunction; GO_BUILTINS (builtins.ts) plus the caller's own
//     options.missingKey 'zero' (default; missing map key prints noValue) or 'error'
//     options.noValue    text printed for a missing value; default '<no value>' (Helm uses '')
//     options.host       opaque value handed to every function in CallContext.host
//     options.source     the text `root` was parsed from; errors then carry Go's NAME:LINE:COL
//   collectDefines(trees: readonly TemplateTree[]): Map<string, ListNode>   (later trees override)
//   type GoFunction = (args: readonly unknown[], ctx: CallContext) => unknown
//     ctx.executeTemplate(name, data) runs a named template to a string (Helm's `include`).
//
// Errors are GoTemplateExecError (a TemplateRenderError) with Go's text:
// `template: NAME:LINE:COL: executing "NAME" at <.Data.x>: detail` (without `source`:
// `template NAME: executing "NAME" at <.Data.x>: detail`).
import type { ArgNode, BranchNode, CommandNode, IdentifierNode, ListNode, NumberNode, PipeNode, TemplateTree } from '../../../shared/go-template/ast.ts';
import { TemplateRenderError } from '../../../shared/template-errors.ts';
import { ExecFailure, GoTemplateExecError, positionIn } from './exec-error.ts';
import { formatValue } from './format.ts';
import { ArgCountError, ArgTypeError } from './function-error.ts';
import { GoFloat, GoNilPointer, GoStruct, GoTime, isMap, isTrue, mapGet, sortedKeys, typeName, UTC_ZONE } from './values.ts';
import { formatGoTime } from './go-time.ts';

export interface CallContext {
  readonly host: unknown;
  executeTemplate(name: string, data: unknown): string;
}

export type GoFunction = (args: readonly unknown[], ctx: CallContext) => unknown;

export interface ExecuteOptions {
  readonly name: string;
  readonly root: ListNode;
  readonly data: unknown;
  readonly templates: ReadonlyMap<string, ListNode>;
  readonly functions: ReadonlyMap<string, GoFunction>;
  readonly missingKey?: 'zero' | 'error';
  readonly noValue?: string;
  readonly host?: unknown;
  /** The source the nodes were parsed from: errors then carry Go's NAME:LINE:COL position. */
  readonly source?: string;
}

export { GoTemplateExecError, type ErrorPosition } from './exec-error.ts';

export function collectDefines(trees: readonly TemplateTree[]): Map<string, ListNode> {
  const all = new Map<string, ListNode>();
  for (const tree of trees) for (const [name, list] of tree.defines) all.set(name, list);
  return all;
}

export function execute(options: ExecuteOptions): string {
  return new Executor(options, 0).run(options.root, options.data);
}

const MAX_TEMPLATE_DEPTH = 500;
const MISSING = Symbol('missing');
type Flow = 0 | 1 | 2; // normal, break, continue
interface Variable { readonly name: string; value: unknown }

class Executor implements CallContext {
  private readonly options: ExecuteOptions;
  private readonly depth: number;
  private readonly missingKeyError: boolean;
  private readonly noValue: string;
  private out = '';
  private vars: Variable[] = [];
  /** Where execution is, for error messages: source text, or a node turned into text on failure. */
  private at: string | ArgNode = '';
  private atPos = 0;

  constructor(options: ExecuteOptions, depth: number) {
    this.options = options;
    this.depth = depth;
    this.missingKeyError = options.missingKey === 'error';
    this.noValue = options.noValue ?? '<no value>';
  }

  get host(): unknown {
    return this.options.host;
  }

  run(root: ListNode, data: unknown): string {
    this.vars = [{ name: '$', value: data }];
    try {
      this.walkList(root, data);
    } catch (err) {
      if (err instanceof ExecFailure && this.depth === 0) {
        const position = this.options.source === undefined ? undefined : positionIn(this.options.source, err.pos);
        throw new GoTemplateExecError(this.options.name, err.at, err.message, position);
      }
      throw err;
    }
    return this.out;
  }

  executeTemplate(name: string, data: unknown): string {
    const root = this.options.templates.get(name);
    if (root === undefined) throw new Error(`no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.options.name)}`);
    if (this.depth + 1 > MAX_TEMPLATE_DEPTH) throw new Error(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    return new Executor(this.options, this.depth + 1).run(root, data);
  }

  private fail(message: string): never {
    throw new ExecFailure(this.atText(), this.atPos, message);
  }

  private walkList(list: ListNode, dot: unknown): Flow {
    for (const node of list.nodes) {
      switch (node.type) {
        case 'text':
          this.out += node.text;
          break;
        case 'action': {
          const value = this.evalPipeline(dot, node.pipe);
          if (node.pipe.decl.length === 0) this.out += this.printable(value);
          break;
        }
        case 'if':
        case 'with': {
          const flow = this.walkIfOrWith(node, dot);
          if (flow !== 0) return flow;
          break;
        }
        case 'range':
          this.walkRange(node, dot);
          break;
        case 'template':
          this.setAt(`{{template ${JSON.stringify(node.name)}${node.pipe === undefined ? '' : ` ${node.pipe.source}`}}}`, node.pos);
          this.walkTemplate(node.name, node.pipe, dot);
          break;
        case 'break': return 1;
        case 'continue': return 2;
      }
    }
    return 0;
  }

  private printable(value: unknown): string {
    if (typeof value === 'string') return value;
    if (value === null || value === undefined) return this.noValue;
    // Go prints a struct pointer at the top level as the struct ({...}) unless it is a Stringer.
    if (value instanceof GoStruct && value.stringer === undefined) return formatValue(value).slice(1);
    return formatValue(value);
  }

  private walkIfOrWith(node: BranchNode, dot: unknown): Flow {
    const mark = this.vars.length;
    const value = this.evalPipeline(dot, node.pipe);
    let flow: Flow = 0;
    if (isTrue(value)) flow = this.walkList(node.list, node.type === 'with' ? value : dot);
    else if (node.elseList !== undefined) flow = this.walkList(node.elseList, dot);
    this.vars.length = mark;
    return flow;
  }

  private walkRange(node: BranchNode, dot: unknown): void {
    const outer = this.vars.length;
    const value = this.evalPipeline(dot, node.pipe);
    const mark = this.vars.length;
    const decl = node.pipe.decl;
    const iterate = (index: unknown, elem: unknown): Flow => {
      if (decl.length > 0) {
        if (node.pipe.isAssign) {
          if (decl.length > 1) {
            this.setVar(decl[0] ?? '$', index);
            this.setVar(decl[1] ?? '$', elem);
          } else this.setVar(decl[0] ?? '$', elem);
        } else {
          const top = this.vars[mark - 1];
          if (top !== undefined) top.value = elem;
          const second = this.vars[mark - 2];
          if (decl.length > 1 && second !== undefined) second.value = index;
        }
      }
      const flow = this.walkList(node.list, elem);
      this.vars.length = mark;
      return flow;
    };
    let count = 0;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++, count++) if (iterate(i, value[i]) === 1) break;
    } else if (typeof value === 'number') {
      for (let i = 0; i < value; i++, count++) if (iterate(i, i) === 1) break;
    } else if (isMap(value)) {
      for (const key of sortedKeys(value)) {
        count++;
        if (iterate(key, value[key]) === 1) break;
      }
    } else if (value !== null && value !== undefined) {
      this.setAt(node.pipe.source, node.pipe.pos);
      this.fail(`range can't iterate over [redacted] (type ${typeName(value)})`);
    }
    if (count === 0 && node.elseList !== undefined) this.walkList(node.elseList, dot);
    this.vars.length = outer;
  }

  private walkTemplate(name: string, pipe: PipeNode | undefined, dot: unknown): void {
    const newDot = pipe === undefined ? undefined : this.evalPipeline(dot, pipe);
    try {
      this.out += this.executeTemplate(name, newDot);
    } catch (err) {
      if (err instanceof ExecFailure || err instanceof TemplateRenderError) throw err;
      this.fail(`template: ${(err as Error).message}`);
    }
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private getVar(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) return v.value;
    }
    return this.fail(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    const savedAt = this.at;
    const savedPos = this.atPos;
    this.setAt(pipe.source, pipe.pos);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    // Go turns a nil interface result into the invalid value here ("lovely!" in exec.go): a field
    // on it then yields <no value> instead of a nil-pointer error.
    if (value === null) value = undefined;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    this.setAt(savedAt, savedPos);
    return value;
  }

  private setAt(at: string | ArgNode, pos: number): void {
    this.at = at;
    this.atPos = pos;
  }

  private atText(): string {
    return typeof this.at === 'string' ? this.at : this.nodeText(this.at);
  }

  private notAFunction(args: readonly ArgNode[], final: unknown): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${this.nodeText(args[0])}`);
  }

  private nodeText(node: ArgNode | undefined): string {
    if (node === undefined) return '';
    switch (node.type) {
      case 'field': return `.${node.idents.join('.')}`;
      case 'variable': return node.idents.join('.');
      case 'identifier': return node.name;
      case 'dot': return '.';
      case 'nil': return 'nil';
      case 'bool': return String(node.value);
      case 'number': return node.text;
      case 'string': return node.text;
      case 'pipe': return `(${node.source})`;
      case 'chain': return `${this.nodeText(node.node)}.${node.fields.join('.')}`;
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: unknown): unknown {
    const first = cmd.args[0];
    if (first === undefined) return this.fail('empty command');
    this.setAt(cmd.source, cmd.pos);
    switch (first.type) {
      case 'field': return this.evalFieldChain(dot, dot, first.idents, cmd.args, final);
      case 'chain': return this.evalChain(dot, first.node, first.fields, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd.args, final, cmd);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariable(dot, first.idents, cmd.args, final);
      case 'bool':
        this.notAFunction(cmd.args, final);
        return first.value;
      case 'dot':
        this.notAFunction(cmd.args, final);
        return dot;
      case 'nil':
        this.notAFunction(cmd.args, final);
        return this.fail('nil is not a command');
      case 'number':
        this.notAFunction(cmd.args, final);
        return idealConstant(first);
      case 'string':
        this.notAFunction(cmd.args, final);
        return first.value;
    }
  }

  private evalArg(dot: unknown, node: ArgNode): unknown {
    switch (node.type) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'field': return this.evalFieldChain(dot, dot, node.idents, [node], MISSING);
      case 'variable': return this.evalVariable(dot, node.idents, [node], MISSING);
      case 'pipe': return this.evalPipeline(dot, node);
      case 'identifier': return this.evalFunction(dot, node, [node], MISSING, { source: node.name, pos: node.pos });
      case 'chain': return this.evalChain(dot, node.node, node.fields, [node], MISSING);
      case 'bool': return node.value;
      case 'string': return node.value;
      case 'number': return idealConstant(node);
    }
  }

  private evalVariable(dot: unknown, idents: readonly string[], args: readonly ArgNode[], final: unknown): unknown {
    const value = this.getVar(idents[0] ?? '$');
    if (idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, idents.slice(1), args, final);
  }

  private evalChain(dot: unknown, node: ArgNode, fields: readonly string[], args: readonly ArgNode[], final: unknown): unknown {
    if (node.type === 'nil') this.fail(`indirection through explicit nil in ${this.nodeText(node)}`);
    return this.evalFieldChain(dot, this.evalArg(dot, node), fields, args, final);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, idents: readonly string[], args: readonly ArgNode[], final: unknown): unknown {
    const first = args[0];
    if (first !== undefined && (first.type === 'field' || first.type === 'variable' || first.type === 'chain')) this.setAt(first, first.pos);
    const last = idents.length - 1;
    let value = receiver;
    for (let i = 0; i < last; i++) value = this.evalField(dot, idents[i] ?? '', [], MISSING, value);
    return this.evalField(dot, idents[last] ?? '', args, final, value);
  }

  private evalField(dot: unknown, name: string, args: readonly ArgNode[], final: unknown, receiver: unknown): unknown {
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isMap(receiver)) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      const value = mapGet(receiver, name);
      if (value !== undefined) return value;
      if (this.missingKeyError) this.fail(`map has no entry for key ${JSON.stringify(name)}`);
      return null;
    }
    if (receiver instanceof GoStruct) {
      const method = receiver.methods.get(name);
      if (method !== undefined) return this.callMethod(name, method, dot, args, final);
      if (receiver.fields.has(name)) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields.get(name) ?? null;
      }
    }
    if (receiver instanceof GoTime) {
      const method = timeMethod(receiver, name);
      if (method !== undefined) return this.callMethod(name, method, dot, args, final);
    }
    if (receiver === undefined) {
      if (this.missingKeyError) this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (receiver instanceof GoNilPointer) return this.fail(`nil pointer evaluating *${receiver.typeName}.${name}`);
    if (receiver === null) return this.fail(`nil pointer evaluating interface {}.${name}`);
    return this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private callMethod(name: string, method: (args: readonly unknown[]) => unknown, dot: unknown, args: readonly ArgNode[], final: unknown): unknown {
    const at = this.at;
    const pos = this.atPos;
    const argv = this.evalArgs(dot, args, final);
    this.setAt(at, pos);
    return this.invoke(name, argv, (a) => method(a));
  }

  private evalArgs(dot: unknown, args: readonly ArgNode[], final: unknown): unknown[] {
    const argv: unknown[] = [];
    // Go passes the zero value (nil) for an invalid argument.
    for (let i = 1; i < args.length; i++) argv.push(this.evalArg(dot, args[i] as ArgNode) ?? null);
    if (final !== MISSING) argv.push(final ?? null);
    return argv;
  }

  private evalFunction(dot: unknown, node: IdentifierNode, args: readonly ArgNode[], final: unknown, at: { source: string; pos: number }): unknown {
    const name = node.name;
    this.setAt(at.source, at.pos);
    if (name === 'and' || name === 'or') return this.evalAndOr(dot, name, args, final);
    const fn = this.options.functions.get(name);
    if (fn === undefined) return this.fail(`${JSON.stringify(name)} is not a defined function`);
    const argv = this.evalArgs(dot, args, final);
    this.setAt(at.source, at.pos);
    return this.invoke(name, argv, (a) => fn(a, this));
  }

  /** Go 1.18+ `and`/`or` stop evaluating at the first falsy/truthy operand and return it. */
  private evalAndOr(dot: unknown, name: 'and' | 'or', args: readonly ArgNode[], final: unknown): unknown {
    const count = args.length - 1 + (final === MISSING ? 0 : 1);
    if (count < 1) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
    let value: unknown = null;
    for (let i = 1; i <= count; i++) {
      value = i < args.length ? this.evalArg(dot, args[i] as ArgNode) : final;
      if (isTrue(value) === (name === 'or')) return value;
    }
    return value;
  }

  private invoke(name: string, argv: unknown[], call: (args: readonly unknown[]) => unknown): unknown {
    try {
      const result = call(argv);
      return result === undefined ? null : result;
    } catch (err) {
      if (err instanceof ExecFailure || err instanceof TemplateRenderError) throw err;
      if (err instanceof ArgCountError) this.fail(`wrong number of args for ${name}: ${err.message}`);
      if (err instanceof ArgTypeError) this.fail(err.message);
      const message = err instanceof Error ? err.message : 'unknown error';
      throw new ExecFailure(this.atText(), this.atPos, `error calling ${name}: ${message}`, { cause: err });
    }
  }
}

/** Go's idealConstant: float-looking literals are float64, others int. */
function idealConstant(n: NumberNode): unknown {
  if (n.isFloatConstant) return new GoFloat(n.float ?? 0);
  return n.int ?? n.float ?? 0;
}

function timeMethod(t: GoTime, name: string): ((args: readonly unknown[]) => unknown) | undefined {
  switch (name) {
    case 'Unix': return () => Math.floor(t.date.getTime() / 1000);
    case 'UTC': return () => new GoTime(t.date, UTC_ZONE, t.nanos);
    case 'Format': return (args) => formatGoTime(t.date, typeof args[0] === 'string' ? args[0] : '', t.zone, t.nanos);
    case 'Year': return () => new Date(t.date.getTime() + t.zone.offset * 1000).getUTCFullYear();
    default: return undefined;
  }
}
