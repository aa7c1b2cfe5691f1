// One AdmissionReview body in, one HTTP answer out: repeats from the review cache, the rest parsed,
// decided by the injected admit function and encoded; with the outcome metrics and the one log
// line per admission. No HTTP here: routes/mutate.ts moves the bytes.
import type { Logger } from '../../shared/logger.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import { clip, decideReview, type AdmissionSummary, type ReviewOutcome } from './decide-review.ts';
import type { ReviewCache } from './review-cache.ts';
import { ABANDONED, ReviewWorkerError } from './review-worker.ts';
import type { AdmitFn } from './review.ts';

export type { AdmissionSummary } from './decide-review.ts';

export interface ReviewerDeps {
  readonly admit: AdmitFn;
  readonly metrics: AdmissionMetrics;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  /** The root logger. */
  readonly log: Logger;
  /** Answers repeats of a review from its bytes; absent: every review is decided in full. */
  readonly reviewCache?: ReviewCache<CachedAdmission> | undefined;
  /**
   * Decides large reviews off the main thread (admission/review-worker.ts), so that one costly
   * review never holds up the others; absent: every review is decided here.
   */
  readonly offload?: ReviewOffload | undefined;
}

/** Where large reviews are decided: bodies of more than minBytes go to decide(). */
export interface ReviewOffload {
  readonly minBytes: number;
  /** isGone: true once the client no longer waits, so that a queued review can be skipped. */
  decide(bytes: Buffer, isGone?: () => boolean): Promise<ReviewOutcome>;
}

/** A review cache entry's detail: its summary, and a logger with the summary's fields bound. */
export interface CachedAdmission {
  readonly summary: AdmissionSummary;
  /** Writes the admission line with only reqId, uid and durationMs left to serialise. */
  readonly line: Logger;
}

/**
 * A 200 carries an AdmissionReview, in chunks to write in order (a cached response is not copied);
 * a 400 names what is wrong with the body, in words that never quote it; a 500 says only that the
 * review could not be decided (the review worker failed or ran out of time).
 */
export type ReviewAnswer =
  | { readonly statusCode: 200; readonly body: readonly Buffer[] }
  | { readonly statusCode: 400; readonly code: string; readonly message: string }
  | { readonly statusCode: 500; readonly code: string; readonly message: string };

export type Reviewer = (
  bytes: Buffer,
  reqId: string,
  startedAt: number,
  /** True once the client has gone (checked only before a queued large review starts). */
  isGone?: () => boolean,
) => ReviewAnswer | Promise<ReviewAnswer>;

export function createReviewer(deps: ReviewerDeps): Reviewer {
  const { metrics, now, log, offload } = deps;
  const cache = deps.reviewCache;
  // The per-admission line skips the redaction pass (~10 µs a line with the wildcard paths, a fifth
  // of a cached admission's CPU): its fields are the fixed list below, clipped identifiers and enums
  // that never carry secrets. Every other line is redacted. No line, at any level, holds the review
  // or the pod: env values and annotations can be secrets, and a 3 MiB body makes a 3 MiB line.
  const admissionLog = log.child({}, { redact: [] });

  function record(summary: AdmissionSummary, namespace: string): void {
    if (!summary.allowed) metrics.failed(namespace);
    else if (summary.injected && summary.injection !== 'none') metrics.injected(namespace, summary.injection);
  }

  /** The admission line's fixed fields, in its order; cached entries bind them to a child logger. */
  function lineFields(summary: AdmissionSummary, cached: boolean): Record<string, unknown> {
    const { namespace, pod, operation, apiVersion, allowed, injection, reason, denialCode, warnings } = summary;
    return {
      namespace,
      pod,
      operation,
      apiVersion,
      allowed,
      injection,
      ...(allowed ? { reason } : { denialCode }),
      warnings,
      cached,
    };
  }

  const durationMs = (startedAt: number): number => Math.round((now() - startedAt) * 1000) / 1000;

  /**
   * Logs, counts and caches a decided review; the answer to send. `bytes` is absent for a review
   * decided in the worker (its buffer moved there; large reviews are never cached anyway).
   */
  function answer(
    outcome: ReviewOutcome,
    bytes: Buffer | undefined,
    size: number,
    reqId: string,
    startedAt: number,
  ): ReviewAnswer {
    if (outcome.kind === 'bad') {
      log.info({ reqId, code: outcome.code, problem: outcome.message }, 'bad admission review');
      return { statusCode: 400, code: outcome.code, message: outcome.message };
    }
    const { summary, response } = outcome;
    const uid = clip(outcome.uid);
    if (log.isLevelEnabled('trace')) {
      const { namespace, pod, operation, apiVersion } = summary;
      const fields = { reqId, uid, namespace, pod, operation, apiVersion, bytes: size, cached: false };
      log.trace(fields, 'admission review received');
    }
    if (outcome.admitError !== undefined) log.error({ reqId, err: outcome.admitError, uid }, 'admit failed');
    record(summary, summary.namespace);
    // An internal error is not a decision of the review: the next attempt must decide again.
    const decided = outcome.admitError === undefined && (summary.allowed || summary.denialCode !== 500);
    if (cache !== undefined && bytes !== undefined && decided) {
      cache.remember(bytes, outcome.uid, response, () => ({
        summary,
        line: admissionLog.child(lineFields(summary, true)),
      }));
    }
    admissionLog.info(
      { reqId, uid, ...lineFields(summary, false), durationMs: durationMs(startedAt) },
      'admission reviewed',
    );
    return { statusCode: 200, body: [response.bytes] };
  }

  return (bytes, reqId, startedAt, isGone) => {
    const hit = cache?.lookup(bytes);
    if (hit !== undefined) {
      if (log.isLevelEnabled('trace'))
        log.trace({ reqId, uid: clip(hit.uid), bytes: bytes.length, cached: true }, 'admission review received');
      record(hit.detail.summary, hit.detail.summary.namespace);
      hit.detail.line.info({ reqId, uid: clip(hit.uid), durationMs: durationMs(startedAt) }, 'admission reviewed');
      return { statusCode: 200, body: hit.response };
    }
    if (offload !== undefined && bytes.length > offload.minBytes) {
      const size = bytes.length;
      return offload.decide(bytes, isGone).then(
        (outcome) => answer(outcome, undefined, size, reqId, startedAt),
        (err: unknown) => {
          if (err instanceof ReviewWorkerError && err.code === ABANDONED) {
            log.info({ reqId, code: ABANDONED, bytes: size }, 'review skipped');
          } else {
            log.error({ reqId, err, bytes: size }, 'review worker failed');
          }
          return { statusCode: 500, code: 'WHK_INTERNAL', message: 'the review could not be decided' };
        },
      );
    }
    return answer(decideReview(bytes, deps.admit), bytes, bytes.length, reqId, startedAt);
  };
}
