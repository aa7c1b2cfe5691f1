import { describe, expect, it } from '@jest/globals';
import { MEMORY_SAVER_DELAY_MS, saveMemoryOnceStarted } from './memory-saver.ts';

describe('saveMemoryOnceStarted', () => {
  it("turns V8's memory saver mode on after the start, not at it", () => {
    const pending: { fn: () => void; ms: number }[] = [];
    const flags: string[] = [];
    saveMemoryOnceStarted({ later: (fn, ms) => pending.push({ fn, ms }), setV8Flags: (f) => flags.push(f) });
    expect(flags).toEqual([]);
    expect(pending.map((p) => p.ms)).toEqual([MEMORY_SAVER_DELAY_MS]);
    pending[0]?.fn();
    expect(flags).toEqual(['--memory-saver-mode']);
  });

  it('names a flag this Node accepts', async () => {
    const { spawnSync } = await import('node:child_process');
    // Node rejects an unknown flag given on its command line; the same text is what the agent sets.
    const r = spawnSync(process.execPath, ['--memory-saver-mode', '-e', '0'], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
