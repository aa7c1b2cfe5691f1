// Cancellable sleeps on the injected Clock. stop() cancels every pending timer at once, so a
// shutdown never waits for a renewal or backoff to come due; wake() cuts one sleep short.
import type { Clock, TimerHandle } from '../../shared/clock.ts';

export class Sleeper {
  readonly #clock: Clock;
  readonly #pending = new Map<TimerHandle, (completed: boolean) => void>();
  #stopped = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Resolves true after ms, or false at once when woken or stopped. */
  sleep(ms: number): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const handle = this.#clock.setTimer(ms, () => {
        this.#pending.delete(handle);
        resolve(true);
      });
      this.#pending.set(handle, resolve);
    });
  }

  /** Ends every current sleep early (they resolve false); later sleeps run normally. */
  wake(): void {
    for (const [handle, resolve] of this.#pending) {
      handle.cancel();
      resolve(false);
    }
    this.#pending.clear();
  }

  stop(): void {
    this.#stopped = true;
    this.wake();
  }
}
