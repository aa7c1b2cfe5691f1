#!/usr/bin/env node
// Entry for `npx vaultlet`. The sources are TypeScript run by Node 24's type stripping. `npm ci`
// installs Node 24 for this machine's platform into node_modules/.bin (an optional dependency per
// platform; docs/adr/0004), and `npx` and npm scripts put that directory first on PATH. Started by
// an older Node (`node bin/vaultlet.js` with the system's node), this re-runs itself with that
// Node 24 when it is installed, passing signals on so that stopping it stops the program; else it
// explains what is needed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  const node24 = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(node24)) {
    process.stderr.write(
      `vaultlet needs Node.js 24 or newer (this is ${process.version}). On linux x64, linux arm64 and ` +
        'Intel macOS, `npm ci` installs it into node_modules/.bin; elsewhere install Node.js 24 (e.g. ' +
        'brew install node@24) and put it first on PATH\n',
    );
    process.exit(2);
  }
  const child = spawn(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))));
}
