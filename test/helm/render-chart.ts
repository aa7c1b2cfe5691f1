// Renders a Helm chart without the helm binary: the chart's templates are parsed with vaultlet's
// Go text/template parser (shared/go-template) and run by the agent's executor, with Helm's
// built-in objects and the Helm/Sprig functions the vaultlet chart uses, implemented as Helm does
// (values numbers are float64, toYaml trims the last newline, missing values print nothing).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { parseTemplate, type TemplateTree } from '../../shared/go-template/parse.ts';
import type { ListNode } from '../../shared/go-template/ast.ts';
import { GO_BUILTINS } from '../../agent/render/go-template/builtins.ts';
import { collectDefines, execute, type CallContext, type GoFunction } from '../../agent/render/go-template/execute.ts';
import { formatValue, goQuote } from '../../agent/render/go-template/format.ts';
import { GoFloat, isMap, isTrue, kindOf } from '../../agent/render/go-template/values.ts';

export interface RenderOptions {
  readonly releaseName?: string;
  readonly namespace?: string;
  /** User values, merged over values.yaml the way `helm install -f` does (null deletes a key). */
  readonly values?: Record<string, unknown>;
  readonly kubeVersion?: string;
}

export interface RenderedFile {
  readonly template: string;
  readonly text: string;
}

/** Helm's failure from `fail` or `required`. */
export class ChartRenderError extends Error {}

/** values.yaml numbers are float64 in Helm (YAML → JSON → interface{}). */
function toGo(value: unknown): unknown {
  if (typeof value === 'number') return new GoFloat(value);
  if (Array.isArray(value)) return value.map(toGo);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toGo(v)]));
  return value ?? null;
}

function fromGo(value: unknown): unknown {
  if (value instanceof GoFloat) return value.value;
  if (Array.isArray(value)) return value.map(fromGo);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromGo(v)]));
  return value;
}

/** Helm's coalesceValues: user maps merge into chart defaults; a user null removes the key. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else out[key] = mergeValues(base[key], value);
  }
  return out;
}

/** Sprig's strval. */
function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  return formatValue(v);
}

function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(spaces);
  return pad + s.split('\n').join(`\n${pad}`);
}

function toInt(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (v instanceof GoFloat) return Math.trunc(v.value);
  if (typeof v === 'string') return Number.parseInt(v, 10) || 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** Sprig's empty. */
function empty(v: unknown): boolean {
  return !isTrue(v);
}

function toYaml(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return stringify(fromGo(v), { sortMapEntries: true, indentSeq: false, lineWidth: 0 }).replace(/\n$/, '');
}

function helmFunctions(renderTpl: (text: string, data: unknown) => string): Map<string, GoFunction> {
  const fns = new Map<string, GoFunction>(GO_BUILTINS);
  const add = (name: string, fn: GoFunction): void => { fns.set(name, fn); };
  add('include', (a, ctx: CallContext) => ctx.executeTemplate(strval(a[0]), a[1]));
  add('tpl', (a) => renderTpl(strval(a[0]), a[1]));
  add('toYaml', (a) => toYaml(a[0]));
  add('indent', (a) => indent(toInt(a[0]), strval(a[1])));
  add('nindent', (a) => `\n${indent(toInt(a[0]), strval(a[1]))}`);
  add('default', (a) => (a.length < 2 || empty(a[1]) ? a[0] : a[1]));
  add('empty', (a) => empty(a[0]));
  add('quote', (a) => a.filter((v) => v !== null && v !== undefined).map((v) => goQuote(strval(v))).join(' '));
  add('toString', (a) => strval(a[0]));
  add('int', (a) => toInt(a[0]));
  add('trunc', (a) => {
    const c = toInt(a[0]);
    const s = strval(a[1]);
    if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
    return c >= 0 && s.length > c ? s.slice(0, c) : s;
  });
  add('trimSuffix', (a) => {
    const suffix = strval(a[0]);
    const s = strval(a[1]);
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  });
  add('trim', (a) => strval(a[0]).trim());
  add('contains', (a) => strval(a[1]).includes(strval(a[0])));
  add('ternary', (a) => (isTrue(a[2]) ? a[0] : a[1]));
  add('kindIs', (a) => kindOf(a[1]) === strval(a[0]));
  add('b64enc', (a) => Buffer.from(strval(a[0]), 'utf8').toString('base64'));
  add('required', (a) => {
    if (a[1] === null || a[1] === undefined || a[1] === '') throw new ChartRenderError(strval(a[0]));
    return a[1];
  });
  add('fail', (a) => { throw new ChartRenderError(strval(a[0])); });
  return fns;
}

export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedFile[] {
  const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const defaults = parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as unknown;
  const values = mergeValues(defaults, options.values ?? {});
  const [major = '1', minor = '31'] = (options.kubeVersion ?? 'v1.31.0').replace(/^v/, '').split('.');
  const root = {
    Values: toGo(values),
    Release: { Name: options.releaseName ?? 'vaultlet', Namespace: options.namespace ?? 'vaultlet', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'], Description: chart['description'] },
    Capabilities: { KubeVersion: { Version: options.kubeVersion ?? 'v1.31.0', Major: major, Minor: minor } },
    Template: { BasePath: `${String(chart['name'])}/templates` },
  };

  const dir = join(chartDir, 'templates');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.tpl') || f === 'NOTES.txt').sort();
  let templates = new Map<string, ListNode>();
  const functions = helmFunctions((text, data) => {
    const tree = parseTemplate(text, { name: 'tpl', functions: names });
    return execute({ name: 'tpl', root: tree.root, data, templates: new Map([...templates, ...collectDefines([tree])]), functions, noValue: '' });
  });
  const names = new Set(functions.keys());
  const trees = new Map<string, TemplateTree>();
  for (const file of files) trees.set(file, parseTemplate(readFileSync(join(dir, file), 'utf8'), { name: file, functions: names }));
  templates = collectDefines([...trees.values()]);

  const out: RenderedFile[] = [];
  for (const [file, tree] of trees) {
    if (file.startsWith('_')) continue;
    const text = execute({ name: file, root: tree.root, data: root, templates, functions, noValue: '' });
    out.push({ template: `templates/${file}`, text });
  }
  return out;
}

/** Every non-empty YAML document of the rendered chart, parsed. */
export function renderChartObjects(chartDir: string, options: RenderOptions = {}): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const file of renderChart(chartDir, options)) {
    if (!file.template.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(file.text)) {
      if (doc.errors.length > 0) throw new Error(`${file.template}: ${doc.errors[0]?.message ?? 'YAML error'}\n${file.text}`);
      const value = doc.toJS() as unknown;
      if (value !== null && value !== undefined) objects.push(value as Record<string, unknown>);
    }
  }
  return objects;
}
