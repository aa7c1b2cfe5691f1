// The Node flags and environment an image runs with, read from its Dockerfile: flags from
// ENTRYPOINT [(init...,) "/usr/local/bin/node", FLAGS..., "/usr/local/bin/vaultlet"], variables from
// the ENV lines of its last stage, so a benchmark runs the bundle exactly as the image does and
// cannot drift from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function imageNodeFlags(root: string, dockerfile: string): string[] {
  const line = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(root, dockerfile), 'utf8'))?.[1];
  const argv = line === undefined ? [] : (JSON.parse(line) as string[]);
  // An init process (the agent image's tini and its options) may come before node.
  const node = argv.findIndex((a) => a.endsWith('/node'));
  return node >= 0 ? argv.slice(node + 1, -1) : [];
}

/** The variables the image's last stage sets with `ENV KEY=VALUE ...` (unquoted values only). */
export function imageEnv(root: string, dockerfile: string): Record<string, string> {
  const text = readFileSync(join(root, dockerfile), 'utf8');
  const lastStage = text.slice(Math.max(0, text.lastIndexOf('\nFROM ')));
  const env: Record<string, string> = {};
  for (const line of lastStage.split('\n')) {
    if (!line.startsWith('ENV ')) continue;
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || /["'\\$]/.test(pair)) throw new Error(`${dockerfile}: cannot read ENV ${pair}`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}
