// The one way to make a logger. Called once per process in main; the result is passed down.
// Redaction is a second line of defence: code must never hand secrets to the logger at all.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { batchLinesPerTurn } from './log-batch.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  readonly name: string;
  /** Base fields on every line (component, pod, ...). */
  readonly base?: Readonly<Record<string, string>>;
}

export const REDACT_PATHS: readonly string[] = Object.freeze([
  'token', '*.token', 'client_token', '*.client_token', 'jwt', '*.jwt', 'password', '*.password',
  'secret', '*.secret', 'data', '*.data', 'contents', '*.contents', 'rendered', '*.rendered',
  'authorization', '*.authorization', 'headers.authorization', 'headers["x-vault-token"]',
  'req.headers.authorization', 'req.headers["x-vault-token"]', 'private_key', '*.private_key',
]);

/**
 * pino's isoTime, with the text made once per millisecond: a busy webhook writes ~20 lines a
 * millisecond, and Date#toISOString showed as ~3 % of a cached admission's busy time in a profile.
 */
export function createIsoTime(now: () => number = Date.now): () => string {
  let last = Number.NaN;
  let text = '';
  return () => {
    const ms = now();
    if (ms !== last) {
      last = ms;
      text = `,"time":"${new Date(ms).toISOString()}"`;
    }
    return text;
  };
}

/**
 * Standard output: the lines of one event-loop turn in one synchronous write at the turn's end
 * (log-batch.ts), and lines still queued when the process exits written then. Asynchronous writes
 * (a thread-pool write and a wake-up of the event loop for each) cost the webhook about twice as
 * much per admission line, measured side by side; a synchronous write is what Go's log packages
 * do too: standard output that stops draining holds the process up rather than filling its memory.
 */
function stdoutDestination(): DestinationStream {
  const batch = batchLinesPerTurn(pino.destination({ dest: 1, sync: true }));
  process.once('exit', () => {
    try {
      batch.flushSync();
    } catch {
      // Standard output is closed or gone: nothing more can be written.
    }
  });
  return batch;
}

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { ...options.base },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      timestamp: createIsoTime(),
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? stdoutDestination(),
  );
}
