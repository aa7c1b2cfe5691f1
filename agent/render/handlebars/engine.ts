// The Handlebars template engine (opt-in per template with `"engine": "handlebars"`). One
// isolated Handlebars environment with only reviewed helpers; each template is compiled once,
// with no HTML escaping (we write config files: `&` stays `&`) and `strict` lookups when
// error_on_missing_key is set. Errors name the template and position, never a secret value.
import Handlebars from 'handlebars';
import { TemplateRenderError, TemplateSyntaxError } from '../../../shared/template-errors.ts';
import type { CompileOptions, CompiledTemplate, RenderContext, RenderResult, TemplateEngine } from '../engine.ts';
import { toHandlebarsDelimiters } from './delimiters.ts';
import { denyable, HELPERS, HelperError, STATE_KEY, type RenderState } from './helpers.ts';

const hb = Handlebars.create();
// `log` writes to the console: rendered data must never reach the logs.
hb.unregisterHelper('log');
hb.registerHelper(Object.fromEntries(Object.entries(HELPERS).map(([name, helper]) => [name, denyable(name, helper)])));

// Calls to any other helper fail at compile time (Handlebars would otherwise count `log` as known).
const KNOWN_HELPERS: Readonly<Record<string, boolean>> = Object.freeze({
  ...Object.fromEntries([...Object.keys(HELPERS), 'if', 'unless', 'each', 'with', 'lookup'].map((h) => [h, true])),
  log: false,
});

type TemplateFn = (context: unknown, options: { data: Record<string, unknown> }) => string;

export const handlebarsEngine: TemplateEngine = Object.freeze({
  name: 'handlebars' as const,
  compile(source: string, options: CompileOptions): CompiledTemplate {
    const text = toHandlebarsDelimiters(source, options.leftDelimiter ?? '{{', options.rightDelimiter ?? '}}');
    const strict = options.errorOnMissingKey === true;
    const compileOptions = { noEscape: true, strict, knownHelpers: { ...KNOWN_HELPERS }, knownHelpersOnly: true };
    let fn: TemplateFn;
    try {
      const ast = hb.parse(text);
      // compile() is lazy; precompile() surfaces compile-time errors (unknown helpers) now.
      hb.precompile(ast, compileOptions);
      fn = hb.compile(ast, compileOptions);
    } catch (err) {
      throw toSyntaxError(options.name, err);
    }
    return { render: (context) => render(fn, options.name, strict, context) };
  },
});

function render(fn: TemplateFn, name: string, errorOnMissingKey: boolean, context: RenderContext): RenderResult {
  const state: RenderState = { context, errorOnMissingKey, dependencies: new Map(), missing: new Map() };
  let output = '';
  let failure: unknown;
  try {
    output = fn({}, { data: { [STATE_KEY]: state } });
  } catch (err) {
    failure = err;
  }
  const dependencies = [...state.dependencies.values()];
  const missing = [...state.missing.values()];
  // With data still missing, an error may come from a placeholder: the render is only incomplete.
  if (missing.length > 0) return { complete: false, output: '', dependencies, missing };
  if (failure !== undefined) throw toRenderError(name, failure);
  return { complete: true, output, dependencies, missing };
}

interface HandlebarsException {
  readonly message: string;
  readonly lineNumber?: number;
  readonly column?: number;
}

function position(err: unknown): { line: number; column: number } | undefined {
  const e = err as Partial<HandlebarsException> | undefined;
  if (typeof e?.lineNumber !== 'number') return undefined;
  return { line: e.lineNumber, column: (typeof e.column === 'number' ? e.column : 0) + 1 };
}

/** No `cause` is attached: the original error may quote rendered data. */
function toRenderError(name: string, err: unknown): TemplateRenderError {
  if (err instanceof HelperError) {
    const at = err.line === undefined ? '' : ` at ${err.line}:${err.column ?? 0}`;
    return new TemplateRenderError(name, `${err.message}${at}`);
  }
  const pos = position(err);
  const at = pos === undefined ? '' : ` at ${pos.line}:${pos.column}`;
  // Handlebars' own messages can quote data (e.g. a TypeError naming a string value): only
  // known-safe shapes are kept, and only their key name.
  const message = err instanceof Error ? err.message : '';
  const notDefined = /^"([^"\n]{1,100})" not defined in /.exec(message);
  if (notDefined !== null) return new TemplateRenderError(name, `missing key "${notDefined[1] ?? ''}"${at}`);
  const kind = err instanceof Error ? err.name : 'non-error';
  return new TemplateRenderError(name, `render failed (${kind})${at}`);
}

function toSyntaxError(name: string, err: unknown): TemplateSyntaxError {
  const message = err instanceof Error ? err.message : '';
  const pos = position(err);
  if (pos !== undefined) {
    // "with doesn't match each - 2:5", "You specified knownHelpersOnly, but used the unknown helper x - 1:0"
    const unknownHelper = /unknown helper (\S{1,100}) - /.exec(message);
    const mismatch = /^(\S{1,100}) doesn't match (\S{1,100}) - /.exec(message);
    const detail = unknownHelper !== null ? `unknown helper "${unknownHelper[1] ?? ''}"`
      : mismatch !== null ? `{{/${mismatch[2] ?? ''}}} does not close {{#${mismatch[1] ?? ''}}}` : 'invalid template';
    return new TemplateSyntaxError(name, pos.line, pos.column, detail);
  }
  // Parser errors carry a snippet of the source; keep only the line and the token names.
  const parse = /^(?:Parse|Lexical) error on line (\d+)/.exec(message);
  const got = /got '([A-Z_]{1,40})'/.exec(message);
  // The parser keeps its lexer state after a failure: the position of the offending token.
  const loc = (hb as unknown as { Parser?: { lexer?: { yylloc?: { first_line?: number; first_column?: number } } } }).Parser?.lexer?.yylloc;
  const line = parse !== null ? Number(parse[1]) : (loc?.first_line ?? 1);
  const column = (loc?.first_line === line ? (loc.first_column ?? 0) : 0) + 1;
  return new TemplateSyntaxError(name, line, column, got !== null ? `unexpected ${got[1] ?? ''}` : 'invalid template syntax');
}
