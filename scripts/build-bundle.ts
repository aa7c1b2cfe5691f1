// Bundles one image's entry (cli/agent-image.ts or cli/webhook-image.ts) with esbuild into
// dist/<image>/vaultlet.js with every production dependency inlined, so the image needs no
// node_modules. Usage: node scripts/build-bundle.ts agent|webhook [--node=/path/to/node] [--outdir=DIR]
// (--node sets the shebang; the images use their own Node path since they have no /usr/bin/env).
//
// Both images are split at their dynamic imports (docs/benchmarks/agent.md, docs/benchmarks/webhook.md):
// dist/<image>/vaultlet.js is a small entry and dist/<image>/vaultlet-lib/ holds the chunks, so a
// start loads only what it runs (an init container with Go templates never parses Handlebars,
// `vaultlet ready` never parses the agent, a webhook with TLS from files never parses the
// Kubernetes client: 24 MiB less resident memory). The images copy both side by side.
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { COMPILE_CACHE_SUBDIR } from '../cli/image-compile-cache.ts';
import { hoistSharedChunks } from './hoist-shared-chunks.ts';

const IMAGES = { agent: 'cli/agent-image.ts', webhook: 'cli/webhook-image.ts' } as const;
/** Where the chunks go, next to the entry (the images keep the same layout). */
const CHUNK_DIR = 'vaultlet-lib';

const [image, ...flags] = process.argv.slice(2);
if (image !== 'agent' && image !== 'webhook') {
  process.stderr.write('usage: node scripts/build-bundle.ts agent|webhook [--node=PATH] [--outdir=DIR]\n');
  process.exit(2);
}
const nodePath = flags.find((f) => f.startsWith('--node='))?.slice('--node='.length);
// --outdir: a build elsewhere than dist/<image> (a test that must not race the other builds).
const outdir = flags.find((f) => f.startsWith('--outdir='))?.slice('--outdir='.length) ?? `dist/${image}`;
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
    b.onLoad({ filter: /^thread-stream$/, namespace: 'vaultlet-stub' }, () => ({
      contents:
        'module.exports = class ThreadStream { constructor() { throw new Error("pino transports are not available in the vaultlet agent") } }',
      loader: 'js',
    }));
  },
};

/**
 * Node built-ins reached through require() (the banner's), not an ESM import. An ESM import of a
 * built-in makes its ESM facade, which reads every export, lazy getters included: `node:fs` then
 * loads fs/promises, readline and the REPL history (31 internal modules, ~1.5 MiB of resident
 * memory and start-up time, docs/benchmarks/agent.md) that the agent never uses. Each
 * `import ... from 'node:x'` in our sources becomes a module that requires it and re-exports its
 * plain properties (getters are left out, so importing one fails the build instead of loading it).
 */
const requireBuiltins: Plugin = {
  name: 'require-builtins',
  setup(b) {
    const requireHere = createRequire(import.meta.url);
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'vaultlet-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'vaultlet-builtin' }, (args) => {
      const descriptors = Object.getOwnPropertyDescriptors(requireHere(args.path) as object);
      const names = Object.keys(descriptors).filter(
        (n) => 'value' in (descriptors[n] ?? {}) && n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n),
      );
      return {
        contents: `const m = require(${JSON.stringify(args.path)});\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`,
        loader: 'js',
      };
    });
  },
};

/**
 * Two built-ins pino's helpers require at load for one use each, that the agent never reaches:
 * sonic-boom asserts with node:assert when a destination closes (27 internal modules to load),
 * pino asks worker_threads whether it runs on the main thread (it always does in the agent, and
 * the agent's destination is synchronous, where pino does not ask). Small stand-ins instead.
 */
const pinoBuiltinStandIns: Plugin = {
  name: 'pino-builtin-stand-ins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(assert|worker_threads)$/ }, (args) =>
      /[\\/]node_modules[\\/](sonic-boom|pino)[\\/]/.test(args.importer)
        ? { path: args.path.replace(/^node:/, ''), namespace: 'vaultlet-stub' }
        : undefined,
    );
    b.onLoad({ filter: /^assert$/, namespace: 'vaultlet-stub' }, () => ({
      contents: 'module.exports = function assert(ok, message) { if (!ok) throw new Error(message) }',
      loader: 'js',
    }));
    b.onLoad({ filter: /^worker_threads$/, namespace: 'vaultlet-stub' }, () => ({
      contents: 'module.exports = { isMainThread: true }',
      loader: 'js',
    }));
  },
};

/** Defines `require` in every output file (esbuild's ESM output has none). */
const REQUIRE_BANNER = `import { createRequire as __vaultletCreateRequire } from 'node:module';\nconst require = __vaultletCreateRequire(import.meta.url);`;

const result = await build({
  entryPoints: { vaultlet: IMAGES[image] },
  outdir,
  splitting: true,
  chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
  // The agent's start-up and sidecar memory are measured targets (docs/benchmarks/agent.md).
  plugins: image === 'agent' ? [noThreadStream, pinoBuiltinStandIns, requireBuiltins] : [noThreadStream],
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
  banner: { js: REQUIRE_BANNER },
});
// Stale chunks of an earlier build must not linger next to the new ones (removed after the
// build, not before: something running the previous build meanwhile keeps its files).
const chunkDir = join(outdir, CHUNK_DIR);
const fresh = new Set(Object.keys(result.metafile.outputs).map((f) => relative(chunkDir, f)));
for (const name of readdirSync(chunkDir)) if (name.endsWith('.js') && !fresh.has(name)) rmSync(join(chunkDir, name));
// A V8 compile cache (scripts/agent-compile-cache.ts, a separate step) belongs to the chunks it
// was made from: a new build starts without one.
rmSync(join(chunkDir, COMPILE_CACHE_SUBDIR), { recursive: true, force: true });
// The chunks are ES modules; saying so spares Node's module-syntax detection (a CommonJS parse
// attempt first) where no package.json above them says it (in the image).
mkdirSync(join(outdir, CHUNK_DIR), { recursive: true });
writeFileSync(join(outdir, CHUNK_DIR, 'package.json'), '{"type":"module"}\n');

if (image === 'agent') {
  // Most of the agent's chunks never use `require` (built-ins reach them through the esbuild
  // runtime's chunk): their banner only cost each start a createRequire() per chunk loaded.
  for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(file, 'utf8');
    const body = text.slice(text.indexOf(REQUIRE_BANNER) + REQUIRE_BANNER.length);
    if (text.includes(REQUIRE_BANNER) && !/\brequire\b/.test(body))
      writeFileSync(file, text.replace(`${REQUIRE_BANNER}\n`, ''));
  }
  // Fewer files for a start to load (scripts/hoist-shared-chunks.ts).
  await hoistSharedChunks(result.metafile, outfile, 'agent/main.ts');
}

if (nodePath !== undefined) {
  // esbuild keeps the entry's `#!/usr/bin/env node`; the images have no /usr/bin/env.
  writeFileSync(outfile, readFileSync(outfile, 'utf8').replace(/^#![^\n]*/, `#!${nodePath}`));
}
// The list of bundled source files, so tests can check what went into each image.
// (Stand-ins such as the thread-stream stub and the built-in re-exports live in a plugin
// namespace, not in a file: left out.)
const inputs = Object.keys(result.metafile.inputs)
  .filter((f) => !/^vaultlet-(stub|builtin):/.test(f))
  .map((f) => relative('.', f))
  .sort();
writeFileSync(`${outdir}/inputs.json`, `${JSON.stringify(inputs, null, 1)}\n`);
const outputs = [
  outfile,
  ...readdirSync(chunkDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(chunkDir, f)),
];
const bytes = outputs.reduce((sum, f) => sum + statSync(f).size, 0);
process.stdout.write(
  `${outfile}: ${(bytes / 1024).toFixed(0)} KiB in ${outputs.length} file(s) from ${inputs.length} modules\n`,
);
