// Bundles one image's entry (cli/agent-image.ts or cli/webhook-image.ts) with esbuild into
// dist/<image>/vaultlet.js: one ESM file with every production dependency inlined, so the image
// needs no node_modules. Usage: node scripts/build-bundle.ts agent|webhook [--node=/path/to/node]
// (--node sets the shebang; the images use their own Node path since they have no /usr/bin/env).
import { build } from 'esbuild';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const IMAGES = { agent: 'cli/agent-image.ts', webhook: 'cli/webhook-image.ts' } as const;

const [image, ...flags] = process.argv.slice(2);
if (image !== 'agent' && image !== 'webhook') {
  process.stderr.write('usage: node scripts/build-bundle.ts agent|webhook [--node=PATH]\n');
  process.exit(2);
}
const nodePath = flags.find((f) => f.startsWith('--node='))?.slice('--node='.length);
const outfile = `dist/${image}/vaultlet.js`;

const result = await build({
  entryPoints: [IMAGES[image]],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  metafile: true,
  // Same input, same bytes: no timestamps, no absolute paths in the output.
  sourcemap: false,
  logLevel: 'warning',
  // CommonJS dependencies (fastify, pino) call require() for Node built-ins.
  banner: {
    js: `import { createRequire as __vaultletCreateRequire } from 'node:module';\nconst require = __vaultletCreateRequire(import.meta.url);`,
  },
});
if (nodePath !== undefined) {
  // esbuild keeps the entry's `#!/usr/bin/env node`; the images have no /usr/bin/env.
  writeFileSync(outfile, readFileSync(outfile, 'utf8').replace(/^#![^\n]*/, `#!${nodePath}`));
}
// The list of bundled source files, so tests can check what went into each image.
const inputs = Object.keys(result.metafile.inputs).map((f) => relative('.', f)).sort();
writeFileSync(`dist/${image}/inputs.json`, `${JSON.stringify(inputs, null, 1)}\n`);
const bytes = statSync(outfile).size;
process.stdout.write(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB from ${inputs.length} modules\n`);
