// One budget for the request body bytes buffered across all connections. Per-request limits alone
// let many connections each hold a lot (2,000 × 3 MiB bodies): past the budget, new bytes are
// refused (the request gets 503) instead of growing the heap.

export interface BodyBudget {
  /** Takes n bytes; false, taking nothing, when that would pass the limit. */
  take(n: number): boolean;
  /** Gives back bytes taken earlier. */
  give(n: number): void;
  /** Whether n more bytes would fit now. */
  fits(n: number): boolean;
  inUse(): number;
}

export function createBodyBudget(limit: number): BodyBudget {
  let used = 0;
  return {
    take: (n) => {
      if (used + n > limit) return false;
      used += n;
      return true;
    },
    give: (n) => {
      used = Math.max(0, used - n);
    },
    fits: (n) => used + n <= limit,
    inUse: () => used,
  };
}
