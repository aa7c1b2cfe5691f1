import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { createIsoTime } from './logger.ts';

describe('createIsoTime', () => {
  it("writes pino's isoTime text, made anew whenever the millisecond changes", () => {
    let now = Date.UTC(2026, 10, 25, 12, 0, 0, 1);
    const time = createIsoTime(() => now);
    expect(time()).toBe(',"time":"2026-11-25T12:00:00.001Z"');
    expect(time()).toBe(',"time":"2026-11-25T12:00:00.001Z"');
    now += 1;
    expect(time()).toBe(',"time":"2026-11-25T12:00:00.002Z"');
    now -= 1000; // a clock step back is a change too
    expect(time()).toBe(',"time":"2026-11-25T11:59:59.002Z"');
    expect(pino.stdTimeFunctions.isoTime()).toMatch(/^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
  });
});

describe('createLogger on standard output', () => {
  // Lines wait for the end of their event-loop turn (log-batch.ts): one logged just before
  // process.exit() must still be written.
  it('writes the lines of the last turn when the process exits in it', () => {
    const logger = fileURLToPath(new URL('./logger.ts', import.meta.url));
    const script = [
      `import { createLogger } from ${JSON.stringify(pathToFileURL(logger).href)};`,
      `const log = createLogger({ level: 'info', name: 'exit-test' });`,
      `for (let i = 0; i < 3; i += 1) log.info({ i }, 'line before exit');`,
      `process.exit(7);`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(7);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { i: number; msg: string });
    expect(lines.map((l) => [l.i, l.msg])).toEqual([
      [0, 'line before exit'],
      [1, 'line before exit'],
      [2, 'line before exit'],
    ]);
  });
});
