import { describe, expect, it } from '@jest/globals';
import { batchLinesPerTurn, MAX_BATCH_CHARS, type LineSink } from './log-batch.ts';

function recordingSink(): LineSink & { writes: string[]; syncFlushes: number } {
  const sink = {
    writes: [] as string[],
    syncFlushes: 0,
    write(text: string) {
      sink.writes.push(text);
      return true;
    },
    flushSync() {
      sink.syncFlushes += 1;
    },
  };
  return sink;
}

function manualSchedule(): { schedule: (run: () => void) => void; runAll: () => void; pending: () => number } {
  let queue: (() => void)[] = [];
  return {
    schedule: (run) => queue.push(run),
    runAll: () => {
      const now = queue;
      queue = [];
      for (const run of now) run();
    },
    pending: () => queue.length,
  };
}

describe('batchLinesPerTurn', () => {
  it('hands the lines of one turn to the sink in one write, in order, once the turn is done', () => {
    const sink = recordingSink();
    const turn = manualSchedule();
    const batch = batchLinesPerTurn(sink, turn.schedule);
    batch.write('a\n');
    batch.write('b\n');
    batch.write('c\n');
    expect(sink.writes).toEqual([]);
    expect(turn.pending()).toBe(1);
    turn.runAll();
    expect(sink.writes).toEqual(['a\nb\nc\n']);
    batch.write('d\n');
    turn.runAll();
    expect(sink.writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('writes at once when a turn queues more than the cap, so a burst is never held whole', () => {
    const sink = recordingSink();
    const turn = manualSchedule();
    const batch = batchLinesPerTurn(sink, turn.schedule);
    const line = `${'x'.repeat(1023)}\n`;
    const lines = Math.ceil(MAX_BATCH_CHARS / line.length) + 1;
    for (let i = 0; i < lines; i += 1) batch.write(line);
    expect(sink.writes.length).toBe(1);
    expect(sink.writes[0]?.length).toBeGreaterThan(MAX_BATCH_CHARS);
    turn.runAll();
    expect(sink.writes.join('')).toBe(line.repeat(lines));
  });

  it('flushSync writes what is queued, then flushes the sink synchronously (at exit)', () => {
    const sink = recordingSink();
    const turn = manualSchedule();
    const batch = batchLinesPerTurn(sink, turn.schedule);
    batch.write('last words\n');
    batch.flushSync();
    expect(sink.writes).toEqual(['last words\n']);
    expect(sink.syncFlushes).toBe(1);
    turn.runAll(); // the scheduled hand-over finds nothing left
    expect(sink.writes).toEqual(['last words\n']);
  });

  it('runs with setImmediate by default', async () => {
    const sink = recordingSink();
    const batch = batchLinesPerTurn(sink);
    batch.write('x\n');
    batch.write('y\n');
    expect(sink.writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.writes).toEqual(['x\ny\n']);
  });
});
