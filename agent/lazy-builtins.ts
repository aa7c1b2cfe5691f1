// Node built-ins that cost start-up time to load and that most starts never use: loaded on first
// use with require() (cached by Node after that). node:crypto alone costs ~3 ms of CPU, paid
// before the first file is written if anything imports it (docs/benchmarks/agent.md). An ESM
// import would be hoisted to the top of the bundle and loaded on every start.
import { createRequire } from 'node:module';
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as V8 from 'node:v8';

const requireBuiltin = createRequire(import.meta.url);

export const crypto = (): typeof Crypto => requireBuiltin('node:crypto') as typeof Crypto;
export const childProcess = (): typeof ChildProcess => requireBuiltin('node:child_process') as typeof ChildProcess;
export const v8 = (): typeof V8 => requireBuiltin('node:v8') as typeof V8;
