// Template syntax is checked at admission, so a typo denies the pod with the key, line and column
// instead of crash-looping the agent later. Messages carry positions, never template text.
import Handlebars from 'handlebars';
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import { CONSUL_TEMPLATE_FUNCTIONS } from '../../shared/go-template/function-names.ts';
import { parseTemplate } from '../../shared/go-template/parse.ts';
import { TemplateSyntaxError } from '../../shared/template-errors.ts';
import type { AnnotationReader } from './reader.ts';

export interface TemplateCheck {
  readonly key: string;
  readonly source: string;
  readonly engine: TemplateEngineName;
  readonly left: string;
  readonly right: string;
}

// Parsing is pure, and every pod of a workload carries the same templates: the outcome (no error,
// or the message) is remembered by engine, delimiters and text. Bounded in entries and characters,
// oldest out first; large templates are always parsed afresh.
const MEMO_MAX_ENTRIES = 1024;
const MEMO_MAX_CHARS = 2 * 1024 * 1024;
const MEMO_MAX_SOURCE_CHARS = 16 * 1024;
const memo = new Map<string, string | null>();
let memoChars = 0;

export function checkTemplateSyntax(reader: AnnotationReader, t: TemplateCheck): void {
  if (t.source.length > MEMO_MAX_SOURCE_CHARS) {
    const problem = syntaxProblem(t);
    if (problem !== null) reader.fail(t.key, problem);
    return;
  }
  // The JSON array is self-delimiting, so no two (engine, delimiters, text) share a key.
  const memoKey = `${JSON.stringify([t.engine, t.left, t.right])}${t.source}`;
  let problem = memo.get(memoKey);
  if (problem === undefined) {
    problem = syntaxProblem(t);
    memo.set(memoKey, problem);
    memoChars += memoKey.length;
    for (const oldest of memo.keys()) {
      if (memo.size <= MEMO_MAX_ENTRIES && memoChars <= MEMO_MAX_CHARS) break;
      memo.delete(oldest);
      memoChars -= oldest.length;
    }
  }
  if (problem !== null) reader.fail(t.key, problem);
}

/** Why the template does not parse (positions, never template text), or null when it does. */
function syntaxProblem(t: TemplateCheck): string | null {
  return t.engine === 'handlebars' ? handlebarsProblem(t) : goProblem(t);
}

function goProblem(t: TemplateCheck): string | null {
  try {
    parseTemplate(t.source, {
      name: 'template',
      leftDelim: t.left,
      rightDelim: t.right,
      functions: CONSUL_TEMPLATE_FUNCTIONS,
    });
    return null;
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      const detail = err.message.replace(/^template [^:]*:\d+:\d+: /, '').slice(0, 200);
      return `template syntax error at line ${err.line}, column ${err.column}: ${detail}`;
    }
    return 'template could not be parsed';
  }
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
