#!/usr/bin/env node
// Entry of the webhook image: `vaultlet webhook` only, bundled by `npm run build:webhook` into
// dist/webhook/vaultlet.js (the image's /usr/local/bin/vaultlet).
import { dispatch } from './image-dispatch.ts';

dispatch(
  'vaultlet',
  {
    webhook: { load: () => import('../webhook/main.ts'), help: async () => (await import('./help/webhook.ts')).help() },
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
