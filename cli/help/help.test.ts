import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../../webhook/config/settings.ts';
import { BOOL_FLAGS, VALUE_FLAGS } from '../../agent/config/flags.ts';
import { VERSION } from '../version.ts';
import { help as webhookHelp, WEBHOOK_SETTING_HELP } from './webhook.ts';
import { help as agentHelp } from './agent.ts';
import { wantsHelp } from './flag-table.ts';

describe('vaultlet webhook -h', () => {
  const text = webhookHelp();
  it.each(Object.entries(SETTINGS))('describes %s with its flag, variable and default', (key, setting) => {
    expect(WEBHOOK_SETTING_HELP[key as keyof typeof WEBHOOK_SETTING_HELP]?.description ?? '').not.toBe('');
    const entry = 'flag' in setting ? `  -${setting.flag}` : `  ${setting.env}`;
    const at = text.search(new RegExp(`^${entry}[ \n]`, 'm'));
    expect(at).toBeGreaterThan(-1);
    // The entry's two lines: the flag (or variable), then its indented description.
    const block = text.slice(at).split('\n').slice(0, 2).join('\n');
    if ('flag' in setting) expect(block).toContain(`env ${setting.env}`);
    if (setting.default !== '') expect(block).toContain(`default ${JSON.stringify(setting.default)}`);
  });
});

describe('vaultlet agent -h', () => {
  const text = agentHelp();
  it.each([...VALUE_FLAGS, ...BOOL_FLAGS])('lists -%s', (flag) => {
    expect(text).toMatch(new RegExp(`^  -${flag}( \\w+)?\\n {8}\\S`, 'm'));
  });
  it('lists the environment variables Vault Agent honours', () => {
    for (const env of ['VAULT_CONFIG', 'VAULT_ADDR', 'VAULT_CACERT', 'VAULT_NAMESPACE', 'VAULT_LOG_LEVEL'])
      expect(text).toContain(env);
  });
});

describe('wantsHelp', () => {
  it.each([
    [['-h'], true],
    [['-config=x', '--help'], true],
    [['-help'], true],
    [['--', '-h'], false],
    [['-config=-h'], false],
    [[], false],
  ])('%p → %p', (argv, want) => {
    expect(wantsHelp(argv)).toBe(want);
  });
});

describe('version', () => {
  it('is the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
