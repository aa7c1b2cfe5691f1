// Reviews whose bodies arrive in the same turn of the event loop are decided one after the other,
// then answered one after the other, instead of each decision sitting between TLS reads and
// writes. Deciding a pod is branchy code over many small objects; run between a socket's
// decryption and another's encryption it finds its caches and branch history cold, and costs
// about twice what it costs run back to back. Measured side by side under the varied benchmark
// load (docs/adr/0006): about a quarter less CPU a review and 40 % more reviews a second; answering
// each review as soon as it was decided (the decisions still batched) kept well under half of that.

/** One review: decide() runs it and returns the step that writes its answer (none: answered already). */
export type BatchJob = () => (() => void) | undefined;

export interface ReviewBatchOptions {
  /**
   * The most reviews decided before their answers go out: bounds how long the first of a batch
   * waits for the others (about maxJobs decisions).
   */
  readonly maxJobs: number;
  /** Runs the drain once the current I/O callbacks are done (setImmediate in the server). */
  readonly schedule: (drain: () => void) => void;
  /** A job or an answer step that threw: the others still run. */
  readonly onError: (err: unknown) => void;
}

export interface ReviewBatch {
  add(job: BatchJob): void;
}

export function createReviewBatch(options: ReviewBatchOptions): ReviewBatch {
  const { maxJobs, schedule, onError } = options;
  const queue: BatchJob[] = [];
  let scheduled = false;

  function drain(): void {
    scheduled = false;
    const jobs = queue.splice(0, maxJobs);
    // Reviews that complete while these are answered wait for the next turn, after the reads.
    if (queue.length > 0) arm();
    const answers: (() => void)[] = [];
    for (const job of jobs) {
      try {
        const answer = job();
        if (answer !== undefined) answers.push(answer);
      } catch (err) {
        onError(err);
      }
    }
    for (const answer of answers) {
      try {
        answer();
      } catch (err) {
        onError(err);
      }
    }
  }

  function arm(): void {
    if (scheduled) return;
    scheduled = true;
    schedule(drain);
  }

  return {
    add(job) {
      queue.push(job);
      arm();
    },
  };
}
