import { describe, expect, it } from '@jest/globals';
import { editDistance, unknownKeyWarnings } from './suggest.ts';

describe('unknownKeyWarnings', () => {
  it.each([
    ['vault.hashicorp.com/agent-inject-secret-db', []],
    ['vault.hashicorp.com/auth-config-role', []],
    ['vault.hashicorp.com/agent-telemetry-disable-hostname', []],
    ['vaultlet.io/agent-inject-reload-url-db', []],
    ['example.com/agent-injct', []],
    [
      'vault.hashicorp.com/agent-injct',
      [
        'unknown annotation "vault.hashicorp.com/agent-injct" is ignored; did you mean "vault.hashicorp.com/agent-inject"?',
      ],
    ],
    [
      'vault.hashicorp.com/agent-inject-tempalte-cfg',
      [
        'unknown annotation "vault.hashicorp.com/agent-inject-tempalte-cfg" is ignored; did you mean "vault.hashicorp.com/agent-inject-template-cfg"?',
      ],
    ],
    [
      'vault.hashicorp.com/agent-limit-cpu',
      [
        'unknown annotation "vault.hashicorp.com/agent-limit-cpu" is ignored; did you mean "vault.hashicorp.com/agent-limits-cpu"?',
      ],
    ],
    [
      'vault.hashicorp.com/agent-inject-secret-',
      [
        'annotation "vault.hashicorp.com/agent-inject-secret-" is ignored: it needs a name after "agent-inject-secret-"',
      ],
    ],
    [
      'vault.hashicorp.com/' + 'x'.repeat(300),
      [`unknown annotation "${('vault.hashicorp.com/' + 'x'.repeat(300)).slice(0, 100)}…" is ignored`],
    ],
  ])('%s', (key, expected) => {
    expect(unknownKeyWarnings([key])).toEqual(expected);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['a', '', 1],
    ['kitten', 'sitting', 3],
    ['role', 'rolee', 1],
    ['flaw', 'lawn', 2],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
