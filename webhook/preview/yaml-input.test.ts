import { describe, expect, it } from '@jest/globals';
import { PreviewInputError, parseManifests } from './yaml-input.ts';

const SECRET = 'S3NT1NEL-value';

function errorOf(text: string): string {
  try {
    parseManifests(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PreviewInputError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('parseManifests', () => {
  it('reads every document of a stream, skipping empty ones', () => {
    expect(parseManifests('---\nkind: A\n---\n# c\n---\nkind: B\n')).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('names a duplicate key, its line and document, not its value', () => {
    const message = errorOf(
      `kind: Pod\n---\nkind: Pod\nmetadata:\n  annotations:\n    vault.hashicorp.com/role: a\n    vault.hashicorp.com/role: ${SECRET}\n`,
    );
    expect(message).toBe('document 2: duplicate key "vault.hashicorp.com/role" at line 7, column 5');
    expect(message).not.toContain(SECRET);
  });

  it.each([
    [
      'a value',
      'kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n',
      /document 1: a mapping used as a key at line 3: this looks like an unrendered Helm template/,
    ],
    [
      'a control line',
      '{{- if .Values.enabled }}\nkind: Deployment\n{{- end }}\n',
      /document 1: not valid YAML at line 1, column \d+: this looks like an unrendered Helm template/,
    ],
    [
      'an include',
      'kind: Pod\nmetadata:\n  labels:\n    {{- include "x.labels" . | nindent 4 }}\n',
      /unrendered Helm template.*helm template RELEASE CHART \| vaultlet preview -f -/,
    ],
  ])('reports an unrendered Helm template (%s) without a Node warning', (_name, text, want) => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      expect(errorOf(text)).toMatch(want);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('keeps Go templates inside annotation values (block scalars) as strings', () => {
    const text = 'kind: Pod\nmetadata:\n  annotations:\n    t: |\n      {{ with secret "s" }}{{ .Data }}{{ end }}\n';
    expect(parseManifests(text)).toEqual([
      { kind: 'Pod', metadata: { annotations: { t: '{{ with secret "s" }}{{ .Data }}{{ end }}\n' } } },
    ]);
  });

  it('reports other YAML errors by code, document and line, never quoting the text', () => {
    const message = errorOf(`kind: Pod\n---\nkind: [unclosed, ${SECRET}\n`);
    expect(message).toMatch(/^document 2: not valid YAML \(\w+\) at line \d+, column \d+$/);
  });
});
