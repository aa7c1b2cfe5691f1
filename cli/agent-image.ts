#!/usr/bin/env node
// Entry of the agent image: `vaultlet agent` and `vaultlet ready` only, bundled by
// `npm run build:agent` into dist/agent/vaultlet.js (the image's /usr/local/bin/vaultlet). The
// startup probe execs `vaultlet ready -file=...` directly, so no shell is needed in the image.
import { dispatch } from './image-dispatch.ts';
import { useShippedCompileCache } from './image-compile-cache.ts';

// Before the agent's chunks load: they are what the cache holds (this small entry is not in it).
useShippedCompileCache(import.meta.url);
dispatch(
  'vaultlet',
  {
    agent: { load: () => import('../agent/main.ts'), help: async () => (await import('./help/agent.ts')).help() },
    ready: {
      load: () => import('../agent/ready-check.ts'),
      help: async () => (await import('./help/commands.ts')).readyHelp(),
    },
  },
  process.argv.slice(2),
).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`vaultlet: ${err instanceof Error ? err.message : 'unexpected failure'}\n`);
    process.exitCode = 1;
  },
);
