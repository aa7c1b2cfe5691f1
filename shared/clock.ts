// Time behind a port so renewal and backoff logic can be tested with exact delays.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn after ms; the handle cancels it. Timers never keep the process alive on their own. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => { clearTimeout(t); } };
  },
});

/** A promise that resolves after ms on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });
}
