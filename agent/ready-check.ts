// `vaultlet ready -file=PATH`: the startup probe of the agent's native sidecar. Exit 0 when the
// marker exists (every template rendered once), 1 when not, 2 on bad usage. Kept tiny: the
// kubelet runs it often, so it loads nothing beyond node:fs.
import { existsSync } from 'node:fs';

export function run(argv: readonly string[]): Promise<number> {
  return Promise.resolve(check(argv));
}

function check(argv: readonly string[]): number {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--?file(?:=(.*))?$/s.exec(arg);
    if (m === null) return usage(`unexpected argument "${arg}"`);
    file = m[1] ?? argv[++i];
  }
  if (file === undefined || file === '') return usage('missing -file=PATH');
  return existsSync(file) ? 0 : 1;
}

function usage(problem: string): number {
  process.stderr.write(`vaultlet ready: ${problem}\nusage: vaultlet ready -file=PATH\n`);
  return 2;
}
