// The V8 compile cache the agent image carries: Dockerfile.agent fills it at build time
// (scripts/agent-compile-cache.ts), so a start deserializes the chunks' compiled code instead of
// parsing and compiling ~290 KB of JavaScript (docs/benchmarks/agent.md). Read-only in the image:
// Node only reads it. A cache that is missing (a bundle built without one), stale (another
// build's chunks: Node checks each entry against the file's contents) or made for another uid or
// Node (Node keys its subdirectory by version, V8 flags and uid) costs nothing but the compile
// it would have saved.
// The two built-ins come through process.getBuiltinModule, not imports: in the bundle an import
// would make each a chunk of its own that the entry, and so `vaultlet ready`, loads first.
const { existsSync } = process.getBuiltinModule('node:fs');
const { enableCompileCache } = process.getBuiltinModule('node:module');

/** The cache's directory in the bundle's chunk directory (vaultlet-lib/, beside the entry). */
export const COMPILE_CACHE_SUBDIR = 'compile-cache';

/** The cache directory of the bundle whose entry is `entryUrl` (a file: URL). */
export function compileCacheDir(entryUrl: string): string {
  return decodeURIComponent(new URL(`vaultlet-lib/${COMPILE_CACHE_SUBDIR}`, entryUrl).pathname);
}

/**
 * Uses the bundle's compile cache when there is one. Portable: entries are keyed by the path of
 * each chunk relative to the cache, so a cache made in the build stage holds in the image.
 */
export function useShippedCompileCache(entryUrl: string): void {
  const directory = compileCacheDir(entryUrl);
  if (existsSync(directory)) enableCompileCache({ directory, portable: true });
}
