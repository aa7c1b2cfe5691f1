// Large reviews are decided in a worker thread: JSON.parse of a 3 MiB body of small objects alone
// takes ~45 ms, during which the main thread could answer no other review. One worker takes one
// review at a time (the rest wait in order); a review that runs past its time, or a worker that
// dies (out of memory: its heap is capped), is answered with an error and the worker replaced, so
// no input holds a thread or grows the heap without bound.
import type { MessagePort, Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors.ts';
import { decideReview, type ReviewOutcome } from './decide-review.ts';
import type { AdmitFn } from './review.ts';
import type { ReviewOffload } from './reviewer.ts';

/** What the worker posts back for each review, in order. */
type WorkerReply = { readonly ok: true; readonly outcome: ReviewOutcome } | { readonly ok: false };

export interface ReviewWorkerOptions {
  /** Starts a worker thread whose code calls serveReviews on its parent port. */
  readonly start: () => Worker;
  /** Reviews of more bytes than this go to the worker. */
  readonly minBytes: number;
  /** A review that takes longer is answered with an error, and its worker replaced. */
  readonly timeoutMs: number;
}

export interface ReviewWorker extends ReviewOffload {
  /** Stops the worker; reviews still waiting are rejected. */
  close(): Promise<void>;
}

/** Raised for a review the worker could not decide; the caller answers HTTP 500. */
export class ReviewWorkerError extends AppError {
  constructor(message: string, code = 'WHK_REVIEW_WORKER') {
    super(code, message);
  }
}

/** The code of a review dropped from the queue because its client had gone: nobody to answer. */
export const ABANDONED = 'WHK_REVIEW_ABANDONED';

interface Job {
  readonly bytes: Buffer;
  /** True once nobody waits for the answer (the client hung up): the job is then skipped. */
  readonly isGone: () => boolean;
  readonly resolve: (outcome: ReviewOutcome) => void;
  readonly reject: (err: Error) => void;
}

/** The response bytes arrive as a Uint8Array (structured clone); the writer wants a Buffer. */
function revive(outcome: ReviewOutcome): ReviewOutcome {
  if (outcome.kind !== 'decided') return outcome;
  const bytes = outcome.response.bytes as Uint8Array;
  return {
    ...outcome,
    response: { ...outcome.response, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
  };
}

export function createReviewWorker(options: ReviewWorkerOptions): ReviewWorker {
  const queue: Job[] = [];
  let worker: Worker | undefined;
  let current: { readonly job: Job; readonly timer: NodeJS.Timeout } | undefined;
  let closed = false;

  function settle(reply: WorkerReply | Error): void {
    if (current === undefined) return;
    const { job, timer } = current;
    current = undefined;
    clearTimeout(timer);
    if (reply instanceof Error) job.reject(reply);
    else if (reply.ok) job.resolve(revive(reply.outcome));
    else job.reject(new ReviewWorkerError('the review worker could not decide the review'));
    next();
  }

  /** Drops the worker (it died or ran out of time); the next job starts a new one. */
  function discard(w: Worker, reason: string): void {
    if (worker !== w) return;
    worker = undefined;
    void w.terminate();
    settle(new ReviewWorkerError(reason));
  }

  function ensureWorker(): Worker {
    if (worker !== undefined) return worker;
    const w = options.start();
    w.on('message', (reply: WorkerReply) => {
      if (worker === w) settle(reply);
    });
    w.on('error', () => {
      discard(w, 'the review worker failed');
    });
    w.on('exit', () => {
      discard(w, 'the review worker exited');
    });
    worker = w;
    return w;
  }

  function next(): void {
    if (current !== undefined || closed) return;
    let job = queue.shift();
    // Reviews whose clients hung up while they waited are not decided: a client cannot queue work
    // by sending large bodies and leaving.
    while (job?.isGone() === true) {
      job.reject(new ReviewWorkerError('the client left before its review was decided', ABANDONED));
      job = queue.shift();
    }
    if (job === undefined) return;
    const w = ensureWorker();
    const timer = setTimeout(() => {
      discard(w, 'the review took longer than its time');
    }, options.timeoutMs);
    current = { job, timer };
    // A buffer that owns its memory moves to the worker without a copy; a slice of a shared one is copied.
    const { bytes } = job;
    const owns =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    w.postMessage(bytes, owns ? [bytes.buffer] : []);
  }

  return {
    minBytes: options.minBytes,
    decide: (bytes, isGone = () => false) =>
      new Promise<ReviewOutcome>((resolve, reject) => {
        if (closed) {
          reject(new ReviewWorkerError('the review worker is stopped'));
          return;
        }
        queue.push({ bytes, isGone, resolve, reject });
        next();
      }),
    close: async () => {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new ReviewWorkerError('the review worker is stopped'));
      const w = worker;
      worker = undefined;
      settle(new ReviewWorkerError('the review worker is stopped'));
      if (w !== undefined) await w.terminate();
    },
  };
}

/** The worker thread's side: decides each review posted to `port` and posts the outcome back. */
export function serveReviews(port: MessagePort, admit: AdmitFn): void {
  port.on('message', (bytes: Uint8Array) => {
    let reply: WorkerReply;
    try {
      reply = { ok: true, outcome: decideReview(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), admit) };
    } catch {
      reply = { ok: false };
    }
    port.postMessage(reply);
  });
}
