// `npm run bench`: runs every benchmark in turn, each as its own process (so one's heap and JIT
// state never colour another's figures), then gathers their reports into docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = ['webhook', 'webhook-hostile', 'agent', 'agent-proxy', 'templates'] as const;

const only = process.argv.slice(2);
const selected = only.length > 0 ? BENCHES.filter((b) => only.includes(b)) : BENCHES;
let failed = 0;
for (const name of selected) {
  const script = join(root, 'bench', `${name}.ts`);
  if (!existsSync(script)) {
    console.log(`\n== ${name}: missing (${script})`);
    failed += 1;
    continue;
  }
  console.log(`\n== ${name}`);
  const res = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) failed += 1;
}

const sections = BENCHES.map((name) => {
  const file = join(root, 'docs', 'benchmarks', `${name}.md`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : `## ${name}\n\n(not run yet)`;
});
writeFileSync(
  join(root, 'docs', 'benchmarks.md'),
  `# Benchmarks\n\nLatest figures from \`npm run bench\` on the development machine (2 cores). Each\nfigure is a ratio against a floor measured in the same run. Per-area details: docs/benchmarks/.\n\n${sections.join('\n\n')}\n`,
);
process.exitCode = failed === 0 ? 0 : 1;
