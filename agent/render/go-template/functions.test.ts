import { describe, expect, it } from '@jest/globals';
import { CONSUL_TEMPLATE_FUNCTIONS, PARSE_ONLY_FUNCTIONS, RENDERED_FUNCTIONS } from '../../../shared/go-template/function-names.ts';
import { CONSUL_TEMPLATE_FUNCTION_TABLE } from './functions.ts';

describe('the function table', () => {
  it('has exactly the names the webhook parses with', () => {
    expect([...CONSUL_TEMPLATE_FUNCTION_TABLE.keys()].sort()).toEqual([...CONSUL_TEMPLATE_FUNCTIONS].sort());
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
