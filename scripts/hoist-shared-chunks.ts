// After esbuild's code splitting: moves the small shared chunks that only the agent's main chunk
// and the chunks it loads later import into the main chunk itself, and points those later chunks
// at the main chunk for them. Splitting at every dynamic import (auth methods, the listener, the
// template engines) leaves a dozen shared chunks of a few hundred bytes each; every ES module file
// a start loads costs a resolve, a read, a link and a compile-cache lookup (~0.3 ms each on the
// development machine, docs/benchmarks/agent.md), whatever its size. Each module still exists
// once (a chunk that imported a shared chunk now imports the same bindings from the main chunk,
// which is always loaded before it), so classes and module state stay single.
//
// Chunks that can load without the main chunk (the entry, `vaultlet ready`, the help texts) keep
// their own: `vaultlet ready` must not parse the agent.
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

interface Chunk {
  readonly file: string;
  readonly entryPoint: string | undefined;
  readonly staticImports: readonly string[];
  readonly dynamicImports: readonly string[];
  readonly exports: readonly string[];
}

function chunksOf(metafile: Metafile): Map<string, Chunk> {
  const chunks = new Map<string, Chunk>();
  for (const [file, out] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    const internal = out.imports.filter((i) => !i.external);
    chunks.set(resolve(file), {
      file: resolve(file),
      entryPoint: out.entryPoint,
      staticImports: internal.filter((i) => i.kind === 'import-statement').map((i) => resolve(i.path)),
      dynamicImports: internal.filter((i) => i.kind === 'dynamic-import').map((i) => resolve(i.path)),
      exports: out.exports,
    });
  }
  return chunks;
}

/** Files reachable from `roots` through static imports (and the dynamic ones `followDynamic` accepts). */
function closure(
  chunks: Map<string, Chunk>,
  roots: readonly string[],
  followDynamic: (file: string) => boolean,
): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const chunk = chunks.get(file);
    if (chunk === undefined) continue;
    queue.push(...chunk.staticImports, ...chunk.dynamicImports.filter(followDynamic));
  }
  return seen;
}

/** The name a hoisted chunk's export gets in the main chunk. */
const hoistedName = (index: number, name: string): string => `__hoisted${index}_${name}`;

/** Resolves relative imports between output files: `bundled` ones are inlined, the rest stay imports. */
function outputsPlugin(bundled: ReadonlySet<string>, virtual: ReadonlyMap<string, string>): Plugin {
  return {
    name: 'vaultlet-outputs',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const file = resolve(args.resolveDir, args.path);
        if (virtual.has(file)) return { path: file, namespace: 'vaultlet-hoisted' };
        if (bundled.has(file)) return { path: file };
        return { path: `./${basename(file)}`, external: true };
      });
      b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'vaultlet-hoisted' }, (args) => ({
        contents: virtual.get(args.path) ?? '',
        loader: 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
}

async function rebuild(entry: { file: string } | { contents: string; dir: string }, plugin: Plugin): Promise<string> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: entry.dir, loader: 'js' as const } }),
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    // Function and class names were fixed by the first build (keepNames); nothing to add.
    keepNames: false,
    legalComments: 'inline',
    logLevel: 'warning',
    plugins: [plugin],
  });
  return result.outputFiles[0]?.text ?? '';
}

/**
 * Hoists into the chunk of `mainSource` (e.g. agent/main.ts) the shared chunks that only it and
 * the chunks loaded after it import. Returns the files removed.
 */
export async function hoistSharedChunks(metafile: Metafile, entryFile: string, mainSource: string): Promise<string[]> {
  const chunks = chunksOf(metafile);
  const main = [...chunks.values()].find((c) => c.entryPoint === mainSource)?.file;
  if (main === undefined) return [];
  // What a start can load without the main chunk (`vaultlet ready`, the help texts) keeps its own.
  const withoutMain = closure(chunks, [resolve(entryFile)], (f) => f !== main);
  const hoisted = [...closure(chunks, [main], () => false)].filter((f) => f !== main && !withoutMain.has(f)).sort();
  if (hoisted.length === 0) return [];

  // The main chunk, with every hoisted chunk's exports re-exported under names of their own.
  const reExports = hoisted.map((file, i) => {
    const names = chunks.get(file)?.exports ?? [];
    return `export { ${names.map((n) => `${n} as ${hoistedName(i, n)}`).join(', ')} } from './${basename(file)}';`;
  });
  const mainText = await rebuild(
    {
      // `export *` leaves a default export out; the main chunk's own exports stay as they were.
      contents: [
        `export * from './${basename(main)}';`,
        ...(chunks.get(main)?.exports.includes('default') === true
          ? [`export { default } from './${basename(main)}';`]
          : []),
        ...reExports,
      ].join('\n'),
      dir: dirname(main),
    },
    outputsPlugin(new Set([main, ...hoisted]), new Map()),
  );
  // What the other chunks import from a hoisted chunk, they now import from the main chunk.
  const stand = new Map(
    hoisted.map((file, i) => {
      const names = chunks.get(file)?.exports ?? [];
      return [
        file,
        `export { ${names.map((n) => `${hoistedName(i, n)} as ${n}`).join(', ')} } from './${basename(main)}';`,
      ];
    }),
  );
  const users = [...chunks.values()].filter(
    (c) => c.file !== main && !hoisted.includes(c.file) && c.staticImports.some((f) => hoisted.includes(f)),
  );
  const rewritten = await Promise.all(
    users.map(async (c) => [c.file, await rebuild({ file: c.file }, outputsPlugin(new Set([c.file]), stand))] as const),
  );
  writeFileSync(main, mainText);
  for (const [file, text] of rewritten) writeFileSync(file, text);
  for (const file of hoisted) if (existsSync(file)) rmSync(file);
  return hoisted;
}
