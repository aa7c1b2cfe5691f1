// Seed files: YAML and JSON load, every problem is reported with its field.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeedFile, parseSeed, seedSeconds } from './seed.ts';
import { ConfigError } from '../../shared/errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-seed-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadSeedFile', () => {
  it('loads the sample seed', () => {
    const seed = loadSeedFile(new URL('../fixtures/vault-seed.yaml', import.meta.url).pathname);
    expect(Object.keys(seed.secrets ?? {})).toEqual(['secret', 'kv', 'database', 'pki']);
    expect(seed.auth?.['kubernetes']?.roles?.['app']?.token_ttl).toBe(60);
  });

  it('loads JSON', () => {
    const path = tempFile('seed.json', JSON.stringify({ secrets: { s: { type: 'kv', version: 1, data: { a: { b: 'c' } } } } }));
    expect(loadSeedFile(path)).toEqual({ secrets: { s: { type: 'kv', version: 1, data: { a: { b: 'c' } } } } });
  });

  it('reports every problem with its field', () => {
    const raw = {
      root_token: '',
      colour: 'blue',
      policies: { p: { 'a/*': ['read', 'fly'] } },
      secrets: {
        'a/b': { type: 'kv' },
        s: { type: 'kv', version: 3 },
        d: { type: 'database', roles: { r: { default_ttl: 'soon' } } },
        x: { type: 'consul' },
      },
      auth: { kubernetes: { type: 'kubernetes', roles: { r: { bound_service_account_names: 'app', token_ttl: -1 } } } },
    };
    let error: unknown;
    try {
      parseSeed(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).fieldErrors).toEqual([
      { field: 'seed.colour', message: 'unknown field' },
      { field: 'root_token', message: 'must be a non-empty string' },
      { field: 'policies.p.a/*', message: 'unknown capability "fly"' },
      { field: 'secrets.a/b', message: 'mount path must be one segment, not sys or auth' },
      { field: 'secrets.s.version', message: 'must be 1 or 2' },
      { field: 'secrets.d.roles.r.default_ttl', message: 'must be seconds or a duration such as "90s" or "1h"' },
      { field: 'secrets.x.type', message: 'must be kv, database or pki' },
      { field: 'auth.kubernetes.roles.r.bound_service_account_names', message: 'must be a list of strings' },
      { field: 'auth.kubernetes.roles.r.bound_service_account_namespaces', message: 'is required' },
      { field: 'auth.kubernetes.roles.r.token_ttl', message: 'must be seconds or a duration such as "90s" or "1h"' },
    ]);
  });

  it('reports a file that is not YAML', () => {
    const path = tempFile('bad.yaml', 'a: [');
    expect(() => loadSeedFile(path)).toThrow(ConfigError);
  });
});

describe('seedSeconds', () => {
  it.each([[undefined, 7], [0, 7], [90, 90], ['90s', 90], ['1h', 3600], ['2m', 120]])('%p → %p', (v, want) => {
    expect(seedSeconds(v, 7)).toBe(want);
  });
});
