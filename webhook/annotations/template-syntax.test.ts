import { describe, expect, it } from '@jest/globals';
import { AnnotationReader } from './reader.ts';
import { checkTemplateSyntax, newTemplateBudget, type TemplateCheck } from './template-syntax.ts';

const KEY = 'vault.hashicorp.com/agent-inject-template-db';

function problems(t: Omit<TemplateCheck, 'key'>): readonly { field: string; message: string }[] {
  const reader = new AnnotationReader(new Map());
  checkTemplateSyntax(reader, { key: KEY, ...t }, newTemplateBudget());
  return reader.errors;
}

describe('checkTemplateSyntax', () => {
  it('gives the same answer for the same template every time', () => {
    const bad = { source: '{{ with secret "db" }}{{ .Data.password }', engine: 'go', left: '{{', right: '}}' } as const;
    const first = problems(bad);
    expect(first).toHaveLength(1);
    expect(first[0]?.field).toBe(KEY);
    expect(first[0]?.message).toMatch(/^template syntax error at line 1, column \d+: /);
    expect(problems(bad)).toEqual(first);
    expect(problems({ ...bad, source: '{{ with secret "db" }}{{ .Data.password }}{{ end }}' })).toEqual([]);
  });

  it('keys the outcome by delimiters and engine, not by text alone', () => {
    const source = '[[ with secret "db" ]][[ .Data.password ]][[ end ]]';
    expect(problems({ source, engine: 'go', left: '[[', right: ']]' })).toEqual([]);
    // With the default delimiters the same text is plain output: valid as well.
    expect(problems({ source, engine: 'go', left: '{{', right: '}}' })).toEqual([]);
    const braces = '{{ .Data.password }';
    expect(problems({ source: braces, engine: 'go', left: '[[', right: ']]' })).toEqual([]);
    expect(problems({ source: braces, engine: 'go', left: '{{', right: '}}' })).toHaveLength(1);
    expect(problems({ source: '{{#if x}}', engine: 'handlebars', left: '{{', right: '}}' })[0]?.message).toMatch(
      /^Handlebars syntax error/,
    );
    expect(problems({ source: '{{#if x}}{{/if}}', engine: 'handlebars', left: '{{', right: '}}' })).toEqual([]);
  });

  it('says why a Sprig function Vault Agent 2.x dropped is not defined, and gives no reason for a mere typo', () => {
    const dropped = problems({ source: '{{ sprig_uuidv4 }}', engine: 'go', left: '{{', right: '}}' });
    expect(dropped[0]?.message).toMatch(
      /^template syntax error at line 1, column 4: function "sprig_uuidv4" not defined \(sprig_uuidv4 is not defined since consul-template 0\.41/,
    );
    const typo = problems({ source: '{{ sprig_uuidv5 }}', engine: 'go', left: '{{', right: '}}' });
    expect(typo[0]?.message).toBe('template syntax error at line 1, column 4: function "sprig_uuidv5" not defined');
  });

  it('returns the Go functions a template calls, also when nested too deep for the scanner', () => {
    const reader = new AnnotationReader(new Map());
    const check = (source: string): readonly string[] =>
      checkTemplateSyntax(reader, { key: KEY, source, engine: 'go', left: '{{', right: '}}' }, newTemplateBudget());
    expect(check('{{ with secret "p" }}{{ .Data | toJSON }}{{ end }}{{ define "d" }}{{ toYAML . }}{{ end }}')).toEqual([
      'toYAML',
      'secret',
      'toJSON',
    ]);
    // Past the scanner's depth the parser decides: the same calls, and problems with their position.
    const deep = (inner: string): string => `${'{{ if 1 }}'.repeat(150)}${inner}${'{{ end }}'.repeat(150)}`;
    expect(check(deep('{{ secret "p" | toJSON }}'))).toEqual(['secret', 'toJSON']);
    expect(reader.errors).toEqual([]);
    check(deep('{{ nope }}'));
    expect(reader.errors).toEqual([
      { field: KEY, message: 'template syntax error at line 1, column 1504: function "nope" not defined' },
    ]);
  });

  it('never puts template text in the message, also for a template too large to remember', () => {
    const secretText = 'SENTINEL-9f2c'.repeat(2000);
    const found = problems({ source: `{{ ${secretText}`, engine: 'go', left: '{{', right: '}}' });
    expect(found).toHaveLength(1);
    expect(found[0]?.message).not.toContain('SENTINEL');
  });

  it('charges a shared budget the same on every check of a template', () => {
    const t = { key: KEY, source: '{{ .a }}{{ .b }}{{ .c }}', engine: 'go', left: '{{', right: '}}' } as const;
    const run = (goTokens: number): { errors: readonly unknown[]; left: number } => {
      const reader = new AnnotationReader(new Map());
      const budget = { ...newTemplateBudget(), goTokens };
      checkTemplateSyntax(reader, t, budget);
      return { errors: reader.errors, left: budget.goTokens };
    };
    const tight = run(5); // too many tokens
    const full = run(1000);
    expect(full.errors).toEqual([]);
    const used = 1000 - full.left;
    expect(run(5)).toEqual(tight); // checked again after a success: the same answer
    expect(tight.errors).toEqual([
      {
        field: KEY,
        message: expect.stringContaining("the pod's templates hold more than") as unknown,
      },
    ]);
    expect(tight.left).toBe(0);
    expect(run(used)).toEqual({ errors: [], left: 0 });
  });
});
