// Template syntax is checked at admission, so a typo denies the pod with the key, line and column
// instead of crash-looping the agent later. Messages carry positions, never template text. The
// parses of one pod share a token budget (limits.ts), so no template can hold up the webhook. Go
// templates are checked by a scanner that gives the parser's answer without building its tree.
import Handlebars from 'handlebars';
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import { CONSUL_TEMPLATE_FUNCTIONS, notRenderedReason } from '../../shared/go-template/function-names.ts';
import { parseTemplate, TemplateTooLargeError } from '../../shared/go-template/parse.ts';
import { scanTemplateSyntax } from '../../shared/go-template/syntax-scan.ts';
import { TemplateSyntaxError } from '../../shared/template-errors.ts';
import { handlebarsShape } from './handlebars-shape.ts';
import { calledFunctions } from './template-calls.ts';
import { MAX_GO_TEMPLATE_TOKENS, MAX_HANDLEBARS_DEPTH, MAX_HANDLEBARS_TOKENS } from './limits.ts';
import type { AnnotationReader } from './reader.ts';

export interface TemplateCheck {
  readonly key: string;
  readonly source: string;
  readonly engine: TemplateEngineName;
  readonly left: string;
  readonly right: string;
}

/** What the templates of one pod may still cost; one per review. */
export interface TemplateBudget {
  goTokens: number;
  handlebarsTokens: number;
}

export function newTemplateBudget(): TemplateBudget {
  return { goTokens: MAX_GO_TEMPLATE_TOKENS, handlebarsTokens: MAX_HANDLEBARS_TOKENS };
}

/** The outcome of one parse: the problem (null when none), the tokens it cost, the Go functions it calls. */
interface Outcome {
  readonly problem: string | null;
  readonly tokens: number;
  readonly calls: readonly string[];
}

// Handlebars parsing is pure and costly, and every pod of a workload carries the same templates:
// its outcome is remembered by engine, delimiters and text. Bounded in entries and characters,
// oldest out first; large templates are always parsed afresh. A hit costs the budget what the parse
// cost, so a decision never depends on what the memo holds. Go templates are not remembered: the
// scanner checks one in about the time a memo lookup and entry took (the entry's upkeep alone cost
// ~1.2 us a template never seen before, ~6 us a pod of five), and the repeats of one workload's
// pods are answered by the review cache before any template is looked at.
const MEMO_MAX_ENTRIES = 1024;
const MEMO_MAX_CHARS = 2 * 1024 * 1024;
const MEMO_MAX_SOURCE_CHARS = 16 * 1024;
// Keyed by the text alone (an annotation value, whose hash V8 already keeps), with the engine and
// delimiters checked on the entry: building a combined key copied and hashed every template again.
interface MemoEntry {
  readonly engine: TemplateEngineName;
  readonly left: string;
  readonly right: string;
  readonly outcome: Outcome;
}
const memo = new Map<string, MemoEntry>();
let memoChars = 0;

/** Records any problem under the template's key; returns the Go functions the template calls. */
export function checkTemplateSyntax(
  reader: AnnotationReader,
  t: TemplateCheck,
  budget: TemplateBudget,
): readonly string[] {
  const outcome = t.engine === 'handlebars' ? checkHandlebars(t, budget) : checkGo(t, budget);
  if (outcome.problem !== null) reader.fail(t.key, outcome.problem);
  return outcome.calls;
}

function checkGo(t: TemplateCheck, budget: TemplateBudget): Outcome {
  const outcome = goOutcome(t, budget.goTokens);
  if (outcome === undefined) return spent(budget);
  // A parse that failed early cost at most what was left; one that succeeded, what it lexed.
  const cost = outcome.problem === null ? outcome.tokens : Math.min(outcome.tokens, budget.goTokens);
  if (cost > budget.goTokens) return spent(budget);
  budget.goTokens -= cost;
  return outcome;
}

function spent(budget: TemplateBudget): Outcome {
  budget.goTokens = 0;
  return overBudget('go');
}

function checkHandlebars(t: TemplateCheck, budget: TemplateBudget): Outcome {
  // Measured before Handlebars.parse is ever called: one linear pass.
  const shape = handlebarsShape(t.source);
  if (shape.depth > MAX_HANDLEBARS_DEPTH)
    return {
      problem: `Handlebars blocks nest deeper than ${MAX_HANDLEBARS_DEPTH}, the most the webhook parses`,
      tokens: 0,
      calls: [],
    };
  if (shape.tokens > budget.handlebarsTokens) {
    budget.handlebarsTokens = 0;
    return overBudget('handlebars');
  }
  budget.handlebarsTokens -= shape.tokens;
  const known = recall(t);
  if (known !== undefined) return known;
  const outcome = { problem: handlebarsProblem(t), tokens: shape.tokens, calls: [] };
  remember(t, outcome);
  return outcome;
}

function overBudget(engine: TemplateEngineName): Outcome {
  const [max, unit] = engine === 'go' ? [MAX_GO_TEMPLATE_TOKENS, 'Go-template'] : [MAX_HANDLEBARS_TOKENS, 'Handlebars'];
  return {
    problem: `the pod's templates hold more than ${max} ${unit} tokens together, the most the webhook parses for one pod`,
    tokens: 0,
    calls: [],
  };
}

/** The remembered outcome of this text with this engine and these delimiters. */
function recall(t: TemplateCheck): Outcome | undefined {
  if (t.source.length > MEMO_MAX_SOURCE_CHARS) return undefined;
  const entry = memo.get(t.source);
  if (entry === undefined || entry.engine !== t.engine || entry.left !== t.left || entry.right !== t.right)
    return undefined;
  return entry.outcome;
}

/** One entry per text: the same text with other delimiters or engine replaces it. */
function remember(t: TemplateCheck, outcome: Outcome): void {
  if (t.source.length > MEMO_MAX_SOURCE_CHARS) return;
  const { source } = t;
  if (memo.delete(source)) memoChars -= source.length;
  memo.set(source, { engine: t.engine, left: t.left, right: t.right, outcome });
  memoChars += source.length;
  if (memo.size <= MEMO_MAX_ENTRIES && memoChars <= MEMO_MAX_CHARS) return;
  for (const oldest of memo.keys()) {
    if (memo.size <= MEMO_MAX_ENTRIES && memoChars <= MEMO_MAX_CHARS) break;
    memo.delete(oldest);
    memoChars -= oldest.length;
  }
}

/** The outcome, or undefined when the template needs more than `maxTokens`. The scanner decides
 * without building a tree; a template nested deeper than it follows goes to the parser. */
function goOutcome(t: TemplateCheck, maxTokens: number): Outcome | undefined {
  const options = {
    name: 'template',
    leftDelim: t.left,
    rightDelim: t.right,
    functions: CONSUL_TEMPLATE_FUNCTIONS,
    maxTokens,
  };
  try {
    const scan = scanTemplateSyntax(t.source, options);
    if (scan.kind === 'valid') return { problem: null, tokens: scan.tokens, calls: scan.calls };
    if (scan.kind === 'invalid') return failedOutcome(t, scan.error);
    const tree = parseTemplate(t.source, options);
    return { problem: null, tokens: tree.tokenCount, calls: calledFunctions(tree) };
  } catch (err) {
    // What parseTemplate throws; any other error denies the template without details, as it did.
    return failedOutcome(t, err);
  }
}

function failedOutcome(t: TemplateCheck, err: unknown): Outcome | undefined {
  if (err instanceof TemplateTooLargeError) return undefined;
  // A template that fails to parse has at most one token per character (and the end).
  return { problem: goProblem(err), tokens: t.source.length + 1, calls: [] };
}

function goProblem(err: unknown): string {
  if (err instanceof TemplateSyntaxError) {
    const detail = err.message.replace(/^template [^:]*:\d+:\d+: /, '').slice(0, 200);
    // A name Vault Agent 2.x dropped (Sprig's non-hermetic functions) gets the reason with it.
    const why = err.undefinedFunction === undefined ? undefined : notRenderedReason(err.undefinedFunction);
    return `template syntax error at line ${err.line}, column ${err.column}: ${detail}${why === undefined ? '' : ` (${why})`}`;
  }
  return 'template could not be parsed';
}

function handlebarsProblem(t: TemplateCheck): string | null {
  try {
    Handlebars.parse(t.source);
    return null;
  } catch (err) {
    const text = err instanceof Error ? err.message : '';
    const line = /on line (\d+)/.exec(text)?.[1];
    // Keep Handlebars' own explanation line, not the lines that quote the template back.
    const lines = text.split('\n');
    const last = lines.at(-1) ?? '';
    const detail = (last.startsWith('Expecting') ? last : (lines[0] ?? '').replace(/:$/, '')).slice(0, 200);
    return `Handlebars syntax error${line === undefined ? '' : ` at line ${line}`}: ${detail}`;
  }
}
