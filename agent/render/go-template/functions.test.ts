import { describe, expect, it } from '@jest/globals';
import { CONSUL_TEMPLATE_FUNCTIONS, PARSE_ONLY_FUNCTIONS, RENDERED_FUNCTIONS } from '../../../shared/go-template/function-names.ts';
import { functionTable, loadSprigTable, needsSprigTable } from './functions.ts';
import { goTemplateEngine } from './engine.ts';

describe('the function table', () => {
  // Before loadSprigTable(): what every start has without loading sprig-table.ts.
  it('starts without the Sprig names and sockaddr, and a template naming one of those says so', () => {
    const core = functionTable();
    const lazy = [...CONSUL_TEMPLATE_FUNCTIONS].filter((name) => !core.has(name));
    expect(lazy.length).toBeGreaterThan(50);
    expect(lazy).toContain('sockaddr');
    expect(lazy.filter((name) => name !== 'sockaddr' && !name.startsWith('sprig_'))).toEqual([]);
    // Every name left out is one a template's text is recognised as needing.
    for (const name of lazy) expect([name, needsSprigTable(`{{ ${name} "x" }}`)]).toEqual([name, true]);
    for (const name of ['secret', 'toJSON', 'printf', 'base64Decode', 'sprigs', 'mysockaddr']) {
      expect([name, needsSprigTable(`{{ ${name} "x" }}`)]).toEqual([name, false]);
    }
    expect(goTemplateEngine.compile('{{ with secret "kv/a" }}{{ .Data.v }}{{ end }}', { name: 'plain' }).ready).toBeUndefined();
    expect(goTemplateEngine.compile('{{ "a" | sprig_upper }}', { name: 'sprig' }).ready).toBeInstanceOf(Promise);
  });

  it('has exactly the names the webhook parses with once the Sprig table is loaded', async () => {
    await loadSprigTable();
    expect([...functionTable().keys()].sort()).toEqual([...CONSUL_TEMPLATE_FUNCTIONS].sort());
  });

  it('renders every RENDERED name and only marks PARSE_ONLY names unsupported', () => {
    const parseOnly = new Set<string>(PARSE_ONLY_FUNCTIONS);
    for (const name of RENDERED_FUNCTIONS) expect(parseOnly.has(name)).toBe(false);
    expect(RENDERED_FUNCTIONS.size + parseOnly.size).toBe(CONSUL_TEMPLATE_FUNCTIONS.size);
  });

  it('has no plain Sprig names (they exist only with the sprig_ prefix)', () => {
    for (const name of ['default', 'upper', 'quote', 'b64enc', 'list', 'dict']) expect(CONSUL_TEMPLATE_FUNCTIONS.has(name)).toBe(false);
  });
});
