// Renders a Helm chart without the helm binary: the chart's templates are parsed with vaultlet's
// Go text/template parser (shared/go-template) and run by the agent's executor, with Helm's
// built-in objects (Values, Release, Chart, Capabilities, Template) and the Helm/Sprig functions
// of helm-functions.ts. Used by `npm run chart` and by the manifest tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parseTemplate, type TemplateTree } from '../../shared/go-template/parse.ts';
import type { ListNode } from '../../shared/go-template/ast.ts';
import { collectDefines, execute } from '../../agent/render/go-template/execute.ts';
import { isMap } from '../../agent/render/go-template/values.ts';
import { helmFunctions, toGo } from './helm-functions.ts';

/** What `helm template` assumes without a cluster: a recent Kubernetes. */
export const DEFAULT_KUBE_VERSION = 'v1.31.0';

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

export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedFile[] {
  const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const defaults = parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as unknown;
  const values = mergeValues(defaults, options.values ?? {});
  const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const [major = '1', minor = '31'] = kubeVersion.replace(/^v/, '').split('.');
  const root = {
    Values: toGo(values),
    Release: {
      Name: options.releaseName ?? 'vaultlet',
      Namespace: options.namespace ?? 'vaultlet',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: {
      Name: chart['name'],
      Version: chart['version'],
      AppVersion: chart['appVersion'],
      Description: chart['description'],
    },
    Capabilities: { KubeVersion: { Version: kubeVersion, GitVersion: kubeVersion, Major: major, Minor: minor } },
    Template: { BasePath: `${String(chart['name'])}/templates` },
  };

  const dir = join(chartDir, 'templates');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.tpl') || f === 'NOTES.txt')
    .sort();
  let templates = new Map<string, ListNode>();
  // Helm's tpl sees every named template of the chart, so a values string can call the chart's
  // helpers (vault-helm's defaults call `template "vault.name"`).
  const functions = helmFunctions((text, data) => {
    const tree = parseTemplate(text, { name: 'tpl', functions: names });
    return execute({
      name: 'tpl',
      root: tree.root,
      data,
      templates: new Map([...templates, ...collectDefines([tree])]),
      functions,
      noValue: '',
    });
  });
  const names = new Set(functions.keys());
  const trees = new Map<string, TemplateTree>();
  for (const file of files)
    trees.set(file, parseTemplate(readFileSync(join(dir, file), 'utf8'), { name: file, functions: names }));
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
      if (doc.errors.length > 0)
        throw new Error(`${file.template}: ${doc.errors[0]?.message ?? 'YAML error'}\n${file.text}`);
      const value = doc.toJS() as unknown;
      if (value !== null && value !== undefined) objects.push(value as Record<string, unknown>);
    }
  }
  return objects;
}
