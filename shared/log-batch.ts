// Log lines written in one turn of the event loop leave in one write of the stream below, instead of
// one write each (docs/adr/0007). A busy webhook writes a line per admission and decides several
// admissions in one turn (webhook/routes/review-batch.ts). Sixteen lines a turn to a file, in
// process: ~4 µs a line instead of ~6.5 (pino's own formatting is ~2 of either); the logger
// (logger.ts) makes that one write synchronous as well.

/** What the batch writes to: pino's destination (sonic-boom). */
export interface LineSink {
  write(text: string): boolean;
  /** Writes everything still queued, synchronously (at exit). */
  flushSync(): void;
}

/** Past this many characters queued in one turn, they go to the sink at once. */
export const MAX_BATCH_CHARS = 64 * 1024;

/** `schedule` runs the hand-over once the turn's other callbacks are done (setImmediate). */
export function batchLinesPerTurn(sink: LineSink, schedule: (run: () => void) => void = setImmediate): LineSink {
  let queued = '';
  let armed = false;
  const flush = (): void => {
    if (queued === '') return;
    const text = queued;
    queued = '';
    sink.write(text);
  };
  const scheduled = (): void => {
    armed = false;
    flush();
  };
  return {
    write(line) {
      queued += line;
      if (queued.length > MAX_BATCH_CHARS) flush();
      else if (!armed) {
        armed = true;
        schedule(scheduled);
      }
      return true;
    },
    flushSync() {
      flush();
      sink.flushSync();
    },
  };
}
