import { describe, expect, it } from '@jest/globals';
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
