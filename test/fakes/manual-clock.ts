// A Clock that only moves when the test says so. advance() fires due timers in time order and
// lets the promise chains they start settle before moving on, so async loops can be stepped.
import type { Clock, TimerHandle } from '../../shared/clock.ts';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  /** Every delay requested, in order (for exact-delay assertions). */
  readonly requested: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.requested.push(ms);
    this.#timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  /** Pending (not cancelled) timer delays from now, sorted. */
  pending(): number[] {
    return this.#timers.filter((t) => !t.cancelled).map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = target;
    this.#timers = this.#timers.filter((t) => !t.cancelled);
  }
}

/** Lets pending promise callbacks (several hops deep) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => { setImmediate(resolve); });
}
