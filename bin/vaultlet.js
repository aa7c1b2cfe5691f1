#!/usr/bin/env node
// Entry for `npx vaultlet`. The sources are TypeScript run by Node 24's type stripping; `npx` and
// npm scripts put node_modules/.bin first on PATH, where the pinned Node 24 lives (docs/adr/0001).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `vaultlet needs Node.js 24 or newer (this is ${process.version}); run it through npx or npm, ` +
      'which use the Node 24 that `npm ci` installs into node_modules/.bin\n',
  );
  process.exit(2);
}
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
