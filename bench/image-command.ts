// The Node flags an image runs with, read from its Dockerfile's
// ENTRYPOINT [(init...,) "/usr/local/bin/node", FLAGS..., "/usr/local/bin/vaultlet"], so a benchmark runs the
// bundle with exactly the image's command line and cannot drift from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function imageNodeFlags(root: string, dockerfile: string): string[] {
  const line = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(root, dockerfile), 'utf8'))?.[1];
  const argv = line === undefined ? [] : (JSON.parse(line) as string[]);
  // An init process (the agent image's tini and its options) may come before node.
  const node = argv.findIndex((a) => a.endsWith('/node'));
  return node >= 0 ? argv.slice(node + 1, -1) : [];
}
