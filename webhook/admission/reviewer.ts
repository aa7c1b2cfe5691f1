// One AdmissionReview body in, one HTTP answer out: repeats from the review cache, the rest parsed,
// decided by the injected admit function and encoded; with the outcome metrics and the one log
// line per admission. No HTTP here: routes/mutate.ts moves the bytes.
import { toError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import type { ReviewCache } from './review-cache.ts';
import { ReviewBodyError, parseReviewJson } from './review-json.ts';
import {
  AdmissionInputError,
  encodeAdmissionResponse,
  parseAdmissionReview,
  type AdmissionDecision,
  type AdmitFn,
  type InjectionType,
  type ParsedReview,
} from './review.ts';

/** What a cached answer needs besides its bytes: the fields of its log line and metrics. */
export interface AdmissionSummary {
  readonly namespace: string;
  readonly pod: string;
  readonly operation: string;
  readonly apiVersion: string;
  readonly allowed: boolean;
  readonly injection: InjectionType;
  /** The decision's reason when allowed, its HTTP-style code when denied. */
  readonly reason?: string;
  readonly denialCode?: number;
  readonly warnings: number;
  /** Whether the answer counts as an injection in the metrics (allowed with a patch). */
  readonly injected: boolean;
}

export interface ReviewerDeps {
  readonly admit: AdmitFn;
  readonly metrics: AdmissionMetrics;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  /** The root logger. */
  readonly log: Logger;
  /** Answers repeats of a review from its bytes; absent: every review is decided in full. */
  readonly reviewCache?: ReviewCache<CachedAdmission> | undefined;
}

/** A review cache entry's detail: its summary, and a logger with the summary's fields bound. */
export interface CachedAdmission {
  readonly summary: AdmissionSummary;
  /** Writes the admission line with only reqId, uid and durationMs left to serialise. */
  readonly line: Logger;
}

/**
 * A 200 carries an AdmissionReview, in chunks to write in order (a cached response is not copied);
 * a 400 names what is wrong with the body, in words that never quote it.
 */
export type ReviewAnswer =
  | { readonly statusCode: 200; readonly body: readonly Buffer[] }
  | { readonly statusCode: 400; readonly code: string; readonly message: string };

export type Reviewer = (bytes: Buffer, reqId: string, startedAt: number) => ReviewAnswer;

// Request fields are attacker-sized (a 3 MiB generateName is valid JSON); log lines stay small.
const MAX_LOGGED_CHARS = 253;

function clip(value: string): string {
  return value.length <= MAX_LOGGED_CHARS ? value : `${value.slice(0, MAX_LOGGED_CHARS)}…`;
}

const INTERNAL_DENIAL = 'internal error while building the injection; see the injector logs';

/** The review's identifying fields, clipped: all that any log line says about the request. */
function summaryFields(review: ParsedReview): Pick<AdmissionSummary, 'namespace' | 'pod' | 'operation' | 'apiVersion'> {
  return {
    namespace: clip(review.namespace),
    pod: clip(review.podName),
    operation: clip(review.operation),
    apiVersion: review.apiVersion,
  };
}

function summarise(review: ParsedReview, decision: AdmissionDecision): AdmissionSummary {
  const common = { ...summaryFields(review), warnings: decision.warnings.length };
  if (!decision.allowed)
    return { ...common, allowed: false, injection: 'none', denialCode: decision.code, injected: false };
  const injected = decision.injection !== 'none' && decision.patch.length > 0;
  return { ...common, allowed: true, injection: decision.injection, reason: decision.reason, injected };
}

export function createReviewer(deps: ReviewerDeps): Reviewer {
  const { metrics, now, log } = deps;
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

  function decide(review: ParsedReview, reqId: string): AdmissionDecision {
    try {
      return deps.admit({ object: review.object, namespace: review.namespace, operation: review.operation });
    } catch (err) {
      // Fail closed: a pod that may have asked for secrets must not start without them.
      log.error({ reqId, err: toError(err), uid: clip(review.uid) }, 'admit failed');
      return { allowed: false, message: INTERNAL_DENIAL, warnings: [], code: 500 };
    }
  }

  return (bytes, reqId, startedAt) => {
    const hit = cache?.lookup(bytes);
    if (hit !== undefined) {
      if (log.isLevelEnabled('trace'))
        log.trace({ reqId, uid: clip(hit.uid), bytes: bytes.length, cached: true }, 'admission review received');
      record(hit.detail.summary, hit.detail.summary.namespace);
      hit.detail.line.info({ reqId, uid: clip(hit.uid), durationMs: durationMs(startedAt) }, 'admission reviewed');
      return { statusCode: 200, body: hit.response };
    }
    let review: ParsedReview;
    try {
      review = parseAdmissionReview(parseReviewJson(bytes));
    } catch (err) {
      if (!(err instanceof AdmissionInputError || err instanceof ReviewBodyError)) throw err;
      log.info({ reqId, code: err.code, problem: err.message }, 'bad admission review');
      return { statusCode: 400, code: err.code, message: err.message };
    }
    if (log.isLevelEnabled('trace')) {
      const fields = { reqId, uid: clip(review.uid), ...summaryFields(review), bytes: bytes.length, cached: false };
      log.trace(fields, 'admission review received');
    }
    const decision = decide(review, reqId);
    const summary = summarise(review, decision);
    record(summary, review.namespace);
    const response = encodeAdmissionResponse(review, decision);
    // An internal error is not a decision of the review: the next attempt must decide again.
    if (cache !== undefined && (decision.allowed || decision.code !== 500)) {
      cache.remember(bytes, review.uid, response, () => ({
        summary,
        line: admissionLog.child(lineFields(summary, true)),
      }));
    }
    admissionLog.info(
      { reqId, uid: clip(review.uid), ...lineFields(summary, false), durationMs: durationMs(startedAt) },
      'admission reviewed',
    );
    return { statusCode: 200, body: [response.bytes] };
  };
}
