import { describe, expect, it } from '@jest/globals';
import { AGENT_AUTH_CONFIG_KEYS, AGENT_AUTH_FLAVOURS, AGENT_AUTH_METHODS } from './agent-capabilities.ts';

describe('the agent capability table', () => {
  it('lists the config keys of every auth method it implements, and flavours only of those methods', () => {
    for (const method of AGENT_AUTH_METHODS)
      expect([method, AGENT_AUTH_CONFIG_KEYS[method]]).toEqual([method, expect.any(Array)]);
    for (const method of Object.keys(AGENT_AUTH_FLAVOURS)) {
      expect(AGENT_AUTH_METHODS.has(method)).toBe(true);
      expect(AGENT_AUTH_CONFIG_KEYS[method]).toContain('type');
    }
  });
});
