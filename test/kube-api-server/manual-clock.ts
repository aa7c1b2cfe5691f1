// A Clock that moves only when a test says so; timers fire in due order as it advances.
import type { Clock, TimerHandle } from '../../shared/clock.ts';

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
  /** Timers set and not yet fired or cancelled. */
  pending(): number;
}

export function manualClock(startMs: number): ManualClock {
  let now = startMs;
  let timers: { at: number; fn: () => void }[] = [];
  const fireDue = (): void => {
    const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
    timers = timers.filter((t) => t.at > now);
    for (const t of due) t.fn();
  };
  return {
    now: () => now,
    setTimer(ms: number, fn: () => void): TimerHandle {
      const timer = { at: now + Math.max(0, ms), fn };
      timers.push(timer);
      return { cancel: () => { timers = timers.filter((t) => t !== timer); } };
    },
    advance(ms: number) {
      now += ms;
      fireDue();
    },
    pending: () => timers.length,
    set(ms: number) {
      now = ms;
      fireDue();
    },
  };
}
