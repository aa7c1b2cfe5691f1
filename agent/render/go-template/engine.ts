// The Go-template (consul-template compatible) engine: parse once with the shared parser, render
// per RenderContext. Dependencies are discovered by evaluation: `secret` with no data yet returns
// nil (so `with secret` skips its body, as in consul-template) and the request is recorded as
// missing; the result is complete only when nothing is missing. An execution error while something
// is still missing is not reported (the data it needs may be what is missing); it is reported once
// every dependency has data. Error messages have every secret value replaced by `[redacted]`.
import { CONSUL_TEMPLATE_FUNCTIONS } from '../../../shared/go-template/function-names.ts';
import { parseTemplate } from '../../../shared/go-template/parse.ts';
import { TemplateRenderError } from '../../../shared/template-errors.ts';
import type { CompileOptions, CompiledTemplate, RenderContext, RenderResult, TemplateEngine } from '../engine.ts';
import { execute, GoTemplateExecError, type GoFunction } from './execute.ts';
import { functionTable, loadSprigTable, needsSprigTable, withDenylist } from './functions.ts';
import { RenderHost } from './render-host.ts';
import { loadYaml, needsYaml } from './yaml-module.ts';

/** Function tables with a denylist applied, per table as loaded and denylist (one per template config). */
const DENIED_TABLES = new WeakMap<ReadonlyMap<string, GoFunction>, WeakMap<readonly string[], ReadonlyMap<string, GoFunction>>>();

function functionsFor(denylist: readonly string[] | undefined): ReadonlyMap<string, GoFunction> {
  const all = functionTable();
  if (denylist === undefined || denylist.length === 0) return all;
  let perDenylist = DENIED_TABLES.get(all);
  if (perDenylist === undefined) {
    perDenylist = new WeakMap();
    DENIED_TABLES.set(all, perDenylist);
  }
  let table = perDenylist.get(denylist);
  if (table === undefined) {
    table = withDenylist(all, denylist);
    perDenylist.set(denylist, table);
  }
  return table;
}

/** What a template's text needs loaded before it renders (none for most templates). */
function loadsFor(source: string): Promise<void> | undefined {
  const loads = [...(needsYaml(source) ? [loadYaml()] : []), ...(needsSprigTable(source) ? [loadSprigTable()] : [])];
  if (loads.length === 0) return undefined;
  return Promise.all(loads).then(() => undefined);
}

function compile(source: string, options: CompileOptions): CompiledTemplate {
  const tree = parseTemplate(source, {
    name: options.name,
    ...(options.leftDelimiter !== undefined ? { leftDelim: options.leftDelimiter } : {}),
    ...(options.rightDelimiter !== undefined ? { rightDelim: options.rightDelimiter } : {}),
    functions: CONSUL_TEMPLATE_FUNCTIONS,
  });
  const missingKey = options.errorOnMissingKey === true ? 'error' : 'zero';
  const ready = loadsFor(source);
  return {
    ...(ready !== undefined ? { ready } : {}),
    render(context: RenderContext): RenderResult {
      const host = new RenderHost(context);
      const functions = functionsFor(context.functionDenylist);
      let output = '';
      let failure: unknown;
      try {
        output = execute({
          name: options.name, root: tree.root, data: undefined, templates: tree.defines,
          functions, missingKey, host, source,
        });
      } catch (err) {
        failure = err;
      }
      const complete = host.missing.length === 0;
      if (failure !== undefined && complete) {
        if (failure instanceof GoTemplateExecError) {
          throw new GoTemplateExecError(options.name, failure.at, host.redact(failure.detail), failure.position);
        }
        throw new TemplateRenderError(options.name, 'render failed');
      }
      return {
        complete, output: complete ? output : '', dependencies: host.dependencies, missing: host.missing,
        ...(complete && host.fileWrites.length > 0 ? { fileWrites: host.fileWrites } : {}),
      };
    },
  };
}

export const goTemplateEngine: TemplateEngine = { name: 'go', compile };
