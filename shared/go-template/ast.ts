// The parse tree of a Go text/template, shaped like Go's text/template/parse nodes so the executor
// can follow Go's exec.go case by case. `pos` is a byte offset into the source (for error positions).

export interface TextNode { readonly type: 'text'; readonly pos: number; readonly text: string }

/** A literal as Go's parser keeps it: ints, floats and runes are one NumberNode. */
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  /** Set when the text is an integer (or a float with an integral value); Go's Int64. */
  readonly int: number | undefined;
  readonly float: number | undefined;
  /** Go's idealConstant: a float constant when the text looks like a float (has . e p, not hex or rune). */
  readonly isFloatConstant: boolean;
}

export interface StringNode { readonly type: 'string'; readonly pos: number; readonly text: string; readonly value: string }
export interface BoolNode { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
export interface NilNode { readonly type: 'nil'; readonly pos: number }
export interface DotNode { readonly type: 'dot'; readonly pos: number }
/** `.A.B.C`: fields looked up on dot. */
export interface FieldNode { readonly type: 'field'; readonly pos: number; readonly idents: readonly string[] }
/** `$x.A.B`: idents[0] is the variable name including `$`. */
export interface VariableNode { readonly type: 'variable'; readonly pos: number; readonly idents: readonly string[] }
/** A function name. */
export interface IdentifierNode { readonly type: 'identifier'; readonly pos: number; readonly name: string }
/** `(pipeline).A.B` or `fn.A`: fields looked up on the value of `node`. */
export interface ChainNode { readonly type: 'chain'; readonly pos: number; readonly node: ArgNode; readonly fields: readonly string[] }

export type ArgNode =
  | NumberNode | StringNode | BoolNode | NilNode | DotNode | FieldNode | VariableNode | IdentifierNode | ChainNode | PipeNode;

export interface CommandNode {
  readonly type: 'command';
  readonly pos: number;
  readonly args: readonly ArgNode[];
  /** Source text of the command, for error context as Go prints it ("at <printf "%d" .x>"). */
  readonly source: string;
}

export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  /** `=` rather than `:=`. */
  readonly isAssign: boolean;
  /** Declared or assigned variables, with `$`. */
  readonly decl: readonly string[];
  readonly cmds: readonly CommandNode[];
  /** Source text of the pipeline, for error context ("executing at <...>"). */
  readonly source: string;
}

export interface ActionNode { readonly type: 'action'; readonly pos: number; readonly pipe: PipeNode }

export interface BranchNode {
  readonly type: 'if' | 'with' | 'range';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}

export interface TemplateCallNode { readonly type: 'template'; readonly pos: number; readonly name: string; readonly pipe: PipeNode | undefined }
export interface BreakNode { readonly type: 'break'; readonly pos: number }
export interface ContinueNode { readonly type: 'continue'; readonly pos: number }

export type Node = TextNode | ActionNode | BranchNode | TemplateCallNode | BreakNode | ContinueNode;

export interface ListNode { readonly type: 'list'; readonly pos: number; readonly nodes: readonly Node[] }

/** A parsed template file: its main body and the templates it defines (`define`, `block`). */
export interface TemplateTree {
  readonly name: string;
  readonly source: string;
  readonly root: ListNode;
  readonly defines: ReadonlyMap<string, ListNode>;
  /** How many tokens the lexer produced: what a parse cost, for per-pod budgets. */
  readonly tokenCount: number;
}
