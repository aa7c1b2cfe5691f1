import { beforeAll, describe, expect, it } from '@jest/globals';
import { TemplateRenderError, TemplateSyntaxError } from '../../../shared/template-errors.ts';
import { caseContext, fakeContext, vaultResponse } from '../../../test/fixtures/templates/go-context.ts';
import { GO_CASES, GO_EDGE_CASES, type GoCase } from '../../../test/fixtures/templates/go-cases.ts';
import type { CompileOptions } from '../engine.ts';
import { goTemplateEngine } from './engine.ts';
import { loadYaml } from './yaml-module.ts';
import { loadSprigTable } from './functions.ts';

// The agent awaits CompiledTemplate.ready before rendering; these tables render synchronously.
beforeAll(() => Promise.all([loadYaml(), loadSprigTable()]));

function optionsOf(c: GoCase): CompileOptions {
  return {
    name: 't',
    ...(c.leftDelimiter !== undefined ? { leftDelimiter: c.leftDelimiter } : {}),
    ...(c.rightDelimiter !== undefined ? { rightDelimiter: c.rightDelimiter } : {}),
    ...(c.errorOnMissingKey !== undefined ? { errorOnMissingKey: c.errorOnMissingKey } : {}),
  };
}

function outcome(c: GoCase): { output: string } | { error: string } {
  try {
    const result = goTemplateEngine.compile(c.template, optionsOf(c)).render(caseContext(c));
    expect(result.complete).toBe(true);
    return { output: result.output };
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateRenderError);
    return { error: (err as Error).message };
  }
}

const SENTINEL = 'SENTINEL-s3cr3t-value';

describe('goTemplateEngine: templates with exact expected output', () => {
  it.each([...GO_CASES, ...GO_EDGE_CASES].map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(outcome(c)).toEqual(c.expected);
  });
});

describe('goTemplateEngine: dependencies by evaluation', () => {
  const template = '{{ with secret "kv/a" }}a={{ .Data.v }}{{ end }} {{ with secret "kv/b" }}b={{ .Data.v }}{{ end }} {{ with secret "kv/a" }}again{{ end }}';
  const compiled = goTemplateEngine.compile(template, { name: 'deps' });
  const request = (path: string) => ({ kind: 'secret', path, params: {}, key: `secret:${path}` });

  it('records every request once, in order of first use, and the missing ones', () => {
    const result = compiled.render(fakeContext({ responses: { 'secret:kv/a': vaultResponse({ v: 1 }) } }));
    expect(result).toEqual({
      complete: false,
      output: '',
      dependencies: [request('kv/a'), request('kv/b')],
      missing: [request('kv/b')],
    });
  });

  it('is complete once every dependency has data', () => {
    const result = compiled.render(fakeContext({
      responses: { 'secret:kv/a': vaultResponse({ v: 1 }), 'secret:kv/b': vaultResponse({ v: 'x' }) },
    }));
    expect(result).toEqual({
      complete: true, output: 'a=1 b=x again', dependencies: [request('kv/a'), request('kv/b')], missing: [],
    });
  });

  it('discovers dependencies that depend on other secrets (second pass)', () => {
    const nested = goTemplateEngine.compile('{{ with secret "kv/ptr" }}{{ with secret .Data.path }}{{ .Data.v }}{{ end }}{{ end }}', { name: 'n' });
    const first = nested.render(fakeContext({}));
    expect(first.missing.map((r) => r.key)).toEqual(['secret:kv/ptr']);
    const second = nested.render(fakeContext({ responses: { 'secret:kv/ptr': vaultResponse({ path: 'kv/real' }) } }));
    expect(second.missing.map((r) => r.key)).toEqual(['secret:kv/real']);
    const third = nested.render(fakeContext({
      responses: { 'secret:kv/ptr': vaultResponse({ path: 'kv/real' }), 'secret:kv/real': vaultResponse({ v: 'done' }) },
    }));
    expect(third).toEqual({ complete: true, output: 'done', dependencies: [request('kv/ptr'), request('kv/real')], missing: [] });
  });

  it('keeps write parameters in template order and keys them sorted', () => {
    const t = goTemplateEngine.compile('{{ secret "pki/issue/r" "ttl=1h" "common_name=a.b" }}{{ pkiCert "pki/issue/r" "common_name=a.b" }}{{ secrets "kv/" }}', { name: 'p' });
    const result = t.render(fakeContext({}));
    expect(result.dependencies).toEqual([
      { kind: 'secret', path: 'pki/issue/r', params: { ttl: '1h', common_name: 'a.b' }, key: 'secret:pki/issue/r?common_name=a.b&ttl=1h' },
      { kind: 'pkiCert', path: 'pki/issue/r', params: { common_name: 'a.b' }, key: 'pkiCert:pki/issue/r?common_name=a.b' },
      { kind: 'secrets', path: 'kv/', params: {}, key: 'secrets:kv/' },
    ]);
    expect(result.missing).toEqual(result.dependencies);
  });

  it('does not report an execution error while a dependency is missing, and reports it once data is there', () => {
    const t = goTemplateEngine.compile('{{ (secret "kv/a").Data.v }}', { name: 'e' });
    expect(t.render(fakeContext({}))).toEqual({ complete: false, output: '', dependencies: [request('kv/a')], missing: [request('kv/a')] });
    expect(t.render(fakeContext({ responses: { 'secret:kv/a': vaultResponse({ v: 'ok' }) } })).output).toBe('ok');
    expect(() => t.render(fakeContext({ responses: { 'secret:kv/a': vaultResponse('not a map') } }))).not.toThrow();
  });

  it('reports an error in a complete template', () => {
    const t = goTemplateEngine.compile('{{ with secret "kv/a" }}{{ .Data.v | parseInt }}{{ end }}', { name: 'e' });
    expect(() => t.render(fakeContext({ responses: { 'secret:kv/a': vaultResponse({ v: 'x1' }) } }))).toThrow(
      'template: e:1:37: executing "e" at <parseInt>: error calling parseInt: invalid syntax',
    );
  });
});

describe('goTemplateEngine: context functions', () => {
  it('reads files, the clock and the environment through the RenderContext', () => {
    const t = goTemplateEngine.compile('{{ file "/etc/x" }}|{{ timestamp }}|{{ timestamp "unix" }}|{{ timestamp "2006-01-02 15:04:05.000" }}|{{ mustEnv "A" }}', { name: 'f' });
    const result = t.render(fakeContext({ files: { '/etc/x': 'content' }, env: { A: 'a' } }));
    expect(result.output).toBe('content|2026-11-25T09:30:15Z|1795599015|2026-11-25 09:30:15.250|a');
  });

  it('fails mustEnv on an unset variable and file outside the sandbox, without content', () => {
    expect(() => goTemplateEngine.compile('{{ mustEnv "NOPE" }}', { name: 'm' }).render(fakeContext({}))).toThrow(
      'template: m:1:3: executing "m" at <mustEnv "NOPE">: error calling mustEnv: required environment variable NOPE is empty',
    );
    expect(() => goTemplateEngine.compile('{{ file "/x" }}', { name: 'm' }).render(fakeContext({}))).toThrow(
      'template: m:1:3: executing "m" at <file "/x">: error calling file: file: cannot read the file',
    );
  });

  it('parses Consul-only functions but fails them at render naming the function', () => {
    const t = goTemplateEngine.compile('{{ key "service/x" }}', { name: 'k' });
    expect(() => t.render(fakeContext({}))).toThrow(
      'template: k:1:3: executing "k" at <key "service/x">: error calling key: key needs a Consul agent, which Vault Agent templates in Kubernetes do not have; read the value from Vault with secret',
    );
  });
});

describe('goTemplateEngine: errors', () => {
  it('reports syntax errors at compile time with line and column', () => {
    let error: unknown;
    try {
      goTemplateEngine.compile('line one\n  {{ with secret "x" }}{{ .Data | nope }}{{ end }}', { name: 'db' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error).toMatchObject({ line: 2, column: 35, message: 'template db:2:35: function "nope" not defined' });
  });

  it('uses the custom delimiters for syntax errors too', () => {
    expect(() => goTemplateEngine.compile('<% if %>', { name: 'd', leftDelimiter: '<%', rightDelimiter: '%>' })).toThrow(
      'template d:1:7: missing value for if',
    );
  });

  const leaking = [
    '{{ with secret "kv/a" }}{{ range .Data.token }}{{ end }}{{ end }}',
    '{{ with secret "kv/a" }}{{ .Data.token | base64Decode }}{{ end }}',
    '{{ with secret "kv/a" }}{{ .Data.token | parseJSON }}{{ end }}',
    '{{ with secret "kv/a" }}{{ .Data.token | parseInt }}{{ end }}',
    '{{ with secret "kv/a" }}{{ .Data.token | parseYAML | toJSON }}{{ .Data.nope }}{{ end }}',
    '{{ with secret "kv/a" }}{{ add .Data.token 1 }}{{ end }}',
    '{{ with secret "kv/a" }}{{ index .Data.token 99 }}{{ end }}',
    '{{ with secret "kv/a" }}{{ .Data.token.field }}{{ end }}',
    '{{ with secret "kv/a" }}{{ sprig_fail .Data.token }}{{ end }}',
    '{{ with secret "kv/a" }}{{ template "x" .Data.token }}{{ end }}{{ define "x" }}{{ .y }}{{ end }}',
    '{{ with secret "kv/a" }}{{ regexMatch .Data.token "x" }}{{ end }}',
    '{{ with secret "kv/a" }}{{ eq .Data.token 1 }}{{ end }}',
    '{{ with secret "kv/a" }}{{ .Data.list | toTOML }}{{ end }}',
  ];
  it.each(leaking)('never puts a secret value in the error of %s', (template) => {
    const t = goTemplateEngine.compile(template, { name: 'leak', errorOnMissingKey: true });
    const context = fakeContext({ responses: { 'secret:kv/a': vaultResponse({ token: `[${SENTINEL}: x`, list: [SENTINEL] }) } });
    let message = '';
    try {
      t.render(context);
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateRenderError);
      message = (err as Error).message;
      expect((err as Error).cause).toBeUndefined();
    }
    expect(message).toMatch(/^template: leak:1:\d+: executing "leak" at </);
    expect(message).not.toContain(SENTINEL);
  });
});

describe('goTemplateEngine: responses that change', () => {
  it('sees a renewal that updates the lease fields of the same response object', () => {
    const t = goTemplateEngine.compile('{{ with secret "db/creds/a" }}{{ .LeaseDuration }} {{ .Data.u }}{{ end }}', { name: 'r' });
    const response = { ...vaultResponse({ u: 'x' }), lease_duration: 60 };
    const context = fakeContext({ responses: { 'secret:db/creds/a': response } });
    expect(t.render(context).output).toBe('60 x');
    (response as { lease_duration: number }).lease_duration = 3600;
    expect(t.render(context).output).toBe('3600 x');
    expect(t.render(fakeContext({ responses: { 'secret:db/creds/a': vaultResponse({ u: 'y' }) } })).output).toBe('0 y');
  });
});
