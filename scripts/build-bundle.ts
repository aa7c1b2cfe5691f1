// Bundles one image's entry (cli/agent-image.ts or cli/webhook-image.ts) with esbuild into
// dist/<image>/vaultlet.js with every production dependency inlined, so the image needs no
// node_modules. Usage: node scripts/build-bundle.ts agent|webhook [--node=/path/to/node]
// (--node sets the shebang; the images use their own Node path since they have no /usr/bin/env).
//
// Both images are split at their dynamic imports (docs/benchmarks/agent.md, docs/benchmarks/webhook.md):
// dist/<image>/vaultlet.js is a small entry and dist/<image>/vaultlet-lib/ holds the chunks, so a
// start loads only what it runs (an init container with Go templates never parses Handlebars,
// `vaultlet ready` never parses the agent, a webhook with TLS from files never parses the
// Kubernetes client: 24 MiB less resident memory). The images copy both side by side.
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const IMAGES = { agent: 'cli/agent-image.ts', webhook: 'cli/webhook-image.ts' } as const;
/** Where the chunks go, next to the entry (the images keep the same layout). */
const CHUNK_DIR = 'vaultlet-lib';

const [image, ...flags] = process.argv.slice(2);
if (image !== 'agent' && image !== 'webhook') {
  process.stderr.write('usage: node scripts/build-bundle.ts agent|webhook [--node=PATH]\n');
  process.exit(2);
}
const nodePath = flags.find((f) => f.startsWith('--node='))?.slice('--node='.length);
const outdir = `dist/${image}`;
const outfile = `${outdir}/vaultlet.js`;

/**
 * pino requires thread-stream (its worker-thread transports) at load time; neither image uses
 * a transport (both log to fd 1 through sonic-boom), so they get a stand-in that fails loudly if
 * one were ever asked for, instead of 10 KB of code parsed on every start.
 */
const noThreadStream: Plugin = {
  name: 'no-thread-stream',
  setup(b) {
    b.onResolve({ filter: /^thread-stream$/ }, () => ({ path: 'thread-stream', namespace: 'vaultlet-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'vaultlet-stub' }, () => ({
      contents: 'module.exports = class ThreadStream { constructor() { throw new Error("pino transports are not available in the vaultlet agent") } }',
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: { vaultlet: IMAGES[image] },
  outdir,
  splitting: true,
  chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
  plugins: [noThreadStream],
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
// Stale chunks of an earlier build must not linger next to the new ones (removed after the
// build, not before: something running the previous build meanwhile keeps its files).
const chunkDir = join(outdir, CHUNK_DIR);
const fresh = new Set(Object.keys(result.metafile.outputs).map((f) => relative(chunkDir, f)));
for (const name of readdirSync(chunkDir)) if (name.endsWith('.js') && !fresh.has(name)) rmSync(join(chunkDir, name));
// The chunks are ES modules; saying so spares Node's module-syntax detection (a CommonJS parse
// attempt first) where no package.json above them says it (in the image).
mkdirSync(join(outdir, CHUNK_DIR), { recursive: true });
writeFileSync(join(outdir, CHUNK_DIR, 'package.json'), '{"type":"module"}\n');

if (nodePath !== undefined) {
  // esbuild keeps the entry's `#!/usr/bin/env node`; the images have no /usr/bin/env.
  writeFileSync(outfile, readFileSync(outfile, 'utf8').replace(/^#![^\n]*/, `#!${nodePath}`));
}
// The list of bundled source files, so tests can check what went into each image.
// (Stand-ins such as the thread-stream stub live in a plugin namespace, not in a file: left out.)
const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('vaultlet-stub:')).map((f) => relative('.', f)).sort();
writeFileSync(`${outdir}/inputs.json`, `${JSON.stringify(inputs, null, 1)}\n`);
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
const bytes = outputs.reduce((sum, f) => sum + statSync(f).size, 0);
process.stdout.write(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB in ${outputs.length} file(s) from ${inputs.length} modules\n`);
