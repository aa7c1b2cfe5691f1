// The template stanza's sandboxing keys: sandbox_path, function_denylist and its older spelling
// function_blacklist, read where Vault Agent reads them (each `template` block).
import { describe, expect, it } from '@jest/globals';
import { Problems } from './problems.ts';
import { resolveTemplates } from './templates.ts';

function resolve(extra: Record<string, unknown>) {
  const problems = new Problems();
  const templates = resolveTemplates([{ destination: '/vault/secrets/a', contents: 'x', ...extra }], [], problems);
  return { templates, problems: problems.list };
}

describe('template sandboxing keys', () => {
  it('reads sandbox_path and merges function_denylist with function_blacklist', () => {
    const { templates, problems } = resolve({
      sandbox_path: '/vault/files',
      function_denylist: ['env', 'file'],
      function_blacklist: ['file', 'plugin'],
    });
    expect(problems).toEqual([]);
    expect(templates[0]?.sandboxPath).toBe('/vault/files');
    expect(templates[0]?.functionDenylist).toEqual(['env', 'file', 'plugin']);
  });

  it('leaves both unset by default and for an empty sandbox_path', () => {
    const { templates } = resolve({ sandbox_path: '' });
    expect(templates[0]?.sandboxPath).toBeUndefined();
    expect(templates[0]?.functionDenylist).toBeUndefined();
    expect(resolve({ function_blacklist: 'env' }).templates[0]?.functionDenylist).toEqual(['env']);
  });

  it('names the key of a bad value', () => {
    expect(resolve({ sandbox_path: 'relative/dir' }).problems.map((p) => p.field)).toEqual([
      'template[0].sandbox_path',
    ]);
    expect(resolve({ function_denylist: [1] }).problems).toEqual([
      { field: 'template[0].function_denylist', message: 'must be a list of function names' },
    ]);
    expect(resolve({ function_blacklist: ['env; rm'] }).problems.map((p) => p.field)).toEqual([
      'template[0].function_blacklist',
    ]);
  });
});
