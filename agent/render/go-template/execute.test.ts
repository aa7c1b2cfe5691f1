import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseTemplate } from '../../../shared/go-template/parse.ts';
import { TemplateRenderError } from '../../../shared/template-errors.ts';
import { GO_BUILTINS } from './builtins.ts';
import { collectDefines, execute, type GoFunction } from './execute.ts';
import { toYamlV2 } from './yaml-v2.ts';
import { loadYaml } from './yaml-module.ts';
import { indent } from './consul-strings.ts';

// A Helm-like setup: named templates in a helpers file, a caller-supplied `include` that runs them,
// arbitrary root data, and '' for missing values (Helm's replacement of <no value>).
describe('execute with arbitrary data and caller functions', () => {
  beforeAll(() => loadYaml());
  const helmFunctions = new Map<string, GoFunction>([
    ...GO_BUILTINS,
    ['include', (args, ctx) => ctx.executeTemplate(String(args[0]), args[1])],
    ['toYaml', (args) => toYamlV2(args[0])],
    ['nindent', (args) => `\n${indent(Number(args[0]), String(args[1]))}`],
    ['default', (args) => args[1] ?? args[0]],
  ]);
  const names = new Set(helmFunctions.keys());
  const helpers = parseTemplate('{{- define "app.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n{{- define "app.labels" -}}app: {{ include "app.fullname" . }}\ntier: {{ .Values.tier | default "web" }}{{- end -}}', { name: '_helpers.tpl', functions: names });
  const deployment = parseTemplate('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n  labels:{{ include "app.labels" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      resources:{{ toYaml .Values.resources | nindent 8 }}\n      missing: "{{ .Values.nope }}"\n', { name: 'deployment.yaml', functions: names });
  const data = {
    Release: { Name: 'rel' },
    Chart: { Name: 'vaultlet' },
    Values: { replicas: 2, resources: { limits: { cpu: '100m' } } },
  };

  it('renders across files with named templates from another file', () => {
    const out = execute({
      name: 'deployment.yaml', root: deployment.root, data, templates: collectDefines([helpers, deployment]),
      functions: helmFunctions, noValue: '',
    });
    expect(out).toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rel-vaultlet\n  labels:\n    app: rel-vaultlet\n    tier: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      resources:\n        limits:\n          cpu: 100m\n      missing: ""\n');
  });

  it('can execute a named template directly', () => {
    const templates = collectDefines([helpers]);
    const root = templates.get('app.fullname');
    expect(root).toBeDefined();
    expect(execute({ name: 'x', root: root!, data, templates, functions: helmFunctions })).toBe('rel-vaultlet');
  });

  it('reports an unknown named template as a render error', () => {
    const tree = parseTemplate('{{ template "nope" . }}', { name: 'x', functions: names });
    expect(() => execute({ name: 'x', root: tree.root, data, templates: collectDefines([tree]), functions: helmFunctions })).toThrow(
      new TemplateRenderError('x', 'executing "x" at <{{template "nope" .}}>: template: no template "nope" associated with template "x"'),
    );
  });

  it('stops runaway recursion', () => {
    const tree = parseTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', { name: 'r', functions: names });
    expect(() => execute({ name: 'r', root: tree.root, data: null, templates: collectDefines([tree]), functions: helmFunctions }))
      .toThrow('exceeded maximum template depth (500)');
  });

  it('errors on missing keys when asked to', () => {
    const tree = parseTemplate('{{ .Values.nope }}', { name: 'm', functions: names });
    expect(() => execute({ name: 'm', root: tree.root, data, templates: new Map(), functions: helmFunctions, missingKey: 'error' }))
      .toThrow('template m: executing "m" at <.Values.nope>: map has no entry for key "nope"');
  });
});
