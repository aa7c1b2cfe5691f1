// Fills the agent bundle's V8 compile cache (cli/image-compile-cache.ts reads it at start):
//   node <the image's Node flags> scripts/agent-compile-cache.ts [DIR]   (DIR: dist/agent)
// Dockerfile.agent runs it as the image's user with the ENTRYPOINT's Node flags, because Node
// keys the cache's subdirectory by uid and by a hash of V8's flags: a cache made under another
// uid or other flags is never read. It loads every chunk of DIR/vaultlet-lib/ (imports it: the
// chunks' top level only defines functions and tables) without running the agent, which needs
// a Vault; what V8 compiles while loading is what the cache holds.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { constants, enableCompileCache, flushCompileCache, getCompileCacheDir } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILE_CACHE_SUBDIR } from '../cli/image-compile-cache.ts';

const dir = resolve(process.argv[2] ?? 'dist/agent');
const lib = join(dir, 'vaultlet-lib');
const cacheDir = join(lib, COMPILE_CACHE_SUBDIR);
// A cache of an earlier build holds entries for chunks that no longer exist. Its contents go, not
// the directory: in the image build the directory is made for the image's user beforehand.
mkdirSync(cacheDir, { recursive: true });
for (const name of readdirSync(cacheDir)) rmSync(join(cacheDir, name), { recursive: true, force: true });
// The same options as the entry's (portable: entries keyed by path relative to the cache).
const enabled = enableCompileCache({ directory: cacheDir, portable: true });
if (enabled.status !== constants.compileCacheStatus.ENABLED) {
  process.stderr.write(
    `agent-compile-cache: cannot enable the compile cache in ${cacheDir}: ${enabled.message ?? 'unknown reason'}\n`,
  );
  process.exit(1);
}
const chunks = readdirSync(lib)
  .filter((f) => f.endsWith('.js'))
  .sort();
for (const chunk of chunks) await import(pathToFileURL(join(lib, chunk)).href);
flushCompileCache();
// Node's subdirectory for this Node version, V8 flag hash and uid.
const written = getCompileCacheDir() ?? cacheDir;
const entries = readdirSync(written).length;
if (entries < chunks.length) {
  process.stderr.write(`agent-compile-cache: ${entries} cache entries for ${chunks.length} chunks\n`);
  process.exit(1);
}
process.stdout.write(`${written}: ${entries} entries for ${chunks.length} chunks\n`);
