// A sidecar lives as long as its pod and is idle almost all that time. V8's memory saver mode
// (a smaller heap, collected more often) takes ~2 MiB off its resident memory
// (docs/benchmarks/agent.md). As a node flag the mode would cost every start, the init
// container's included, ~8 ms: Node's built-in modules carry a V8 code cache that is only used
// under the V8 flags it was made with, so with the flag set http, net and the streams are compiled
// from source. The sidecar turns the mode on once it has started instead.

/** Long enough for a sidecar's first login and render; the mode only changes how V8 collects. */
export const MEMORY_SAVER_DELAY_MS = 10_000;
export const MEMORY_SAVER_FLAG = '--memory-saver-mode';

export interface MemorySaverDeps {
  /** Runs `fn` once after `ms`, without keeping the process alive for it. */
  readonly later: (fn: () => void, ms: number) => void;
  /** v8.setFlagsFromString. */
  readonly setV8Flags: (flags: string) => void;
}

export function saveMemoryOnceStarted(deps: MemorySaverDeps): void {
  deps.later(() => {
    deps.setV8Flags(MEMORY_SAVER_FLAG);
  }, MEMORY_SAVER_DELAY_MS);
}
