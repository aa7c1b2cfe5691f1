// A logger whose lines are captured in memory, for log assertions (sentinel checks) in tests.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../shared/logger.ts';

export interface LogSink {
  readonly log: Logger;
  /** Raw JSON lines written so far. */
  readonly lines: string[];
  /** Parsed lines. */
  entries(): Record<string, unknown>[];
}

export function createLogSink(level: 'trace' | 'debug' | 'info' = 'trace'): LogSink {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      done();
    },
  });
  const log = createLogger({ level, name: 'test' }, stream);
  return { log, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
