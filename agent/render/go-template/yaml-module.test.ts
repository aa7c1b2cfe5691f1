// The YAML code loads only for templates that call toYAML / parseYAML (start-up cost, see
// docs/benchmarks/agent.md). Jest gives each test file its own module registry, so here nothing
// has loaded it before.
import { describe, expect, it } from '@jest/globals';
import { fakeContext, vaultResponse } from '../../../test/fixtures/templates/go-context.ts';
import { goTemplateEngine } from './engine.ts';
import { needsYaml, yamlModule } from './yaml-module.ts';

describe('on-demand YAML support', () => {
  it('is not loaded by templates that do not use it, and is loaded by compiling one that does', async () => {
    const context = fakeContext({ responses: { 'secret:kv/app': vaultResponse({ b: 'x', a: '1.0' }) } });
    const plain = goTemplateEngine.compile('{{ with secret "kv/app" }}{{ .Data.b }}{{ end }}', { name: 'p' });
    expect(plain.ready).toBeUndefined();
    expect(plain.render(context).output).toBe('x');
    expect(() => yamlModule()).toThrow('YAML support is not loaded');

    const yaml = goTemplateEngine.compile('{{ with secret "kv/app" }}{{ .Data | toYAML }}|{{ (parseYAML "k: [1, v]").k }}{{ end }}', { name: 'y' });
    expect(yaml.ready).toBeInstanceOf(Promise);
    await yaml.ready;
    expect(yaml.render(context).output).toBe('a: "1.0"\nb: x|[1 v]');
  });

  it('spots the function names in a template source', () => {
    expect([needsYaml('{{ .Data | toYAML }}'), needsYaml('{{parseYAML .x}}'), needsYaml('{{ toJSON . }}'), needsYaml('{{ .toYAMLish }}')]).toEqual([true, true, false, false]);
  });
});
