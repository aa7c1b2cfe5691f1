// A review's bytes to its outcome: parsed, decided by the admit function, encoded. Pure and free of
// logging, so that it runs the same on the main thread (small reviews) and in the review worker
// (large ones, admission/review-worker.ts); the caller logs and counts.
import { toError } from '../../shared/errors.ts';
import { ReviewBodyError, readReviewJson } from './review-json.ts';
import type { ResponseTemplate } from './review-cache.ts';
import {
  AdmissionInputError,
  encodeAdmissionResponse,
  parseAdmissionReview,
  type AdmissionDecision,
  type AdmitFn,
  type InjectionType,
  type ParsedReview,
} from './review.ts';

/** What a log line and the metrics need of an answered review. */
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

export type ReviewOutcome =
  /** Not an AdmissionReview at all: answered with HTTP 400, in words that never quote the body. */
  | { readonly kind: 'bad'; readonly code: string; readonly message: string }
  | {
      readonly kind: 'decided';
      /** The full uid (the summary's fields are clipped). */
      readonly uid: string;
      readonly summary: AdmissionSummary;
      readonly response: ResponseTemplate;
      /** Set when the admit function threw: the pod was denied, and the answer must not be cached. */
      readonly admitError?: Error;
    };

// Request fields are attacker-sized (a 3 MiB generateName is valid JSON); log lines stay small.
const MAX_LOGGED_CHARS = 253;

export function clip(value: string): string {
  return value.length <= MAX_LOGGED_CHARS ? value : `${value.slice(0, MAX_LOGGED_CHARS)}…`;
}

const INTERNAL_DENIAL = 'internal error while building the injection; see the injector logs';

function summarise(review: ParsedReview, decision: AdmissionDecision): AdmissionSummary {
  const common = {
    namespace: clip(review.namespace),
    pod: clip(review.podName),
    operation: clip(review.operation),
    apiVersion: review.apiVersion,
    warnings: decision.warnings.length,
  };
  if (!decision.allowed)
    return { ...common, allowed: false, injection: 'none', denialCode: decision.code, injected: false };
  const injected = decision.injection !== 'none' && decision.patch.length > 0;
  return { ...common, allowed: true, injection: decision.injection, reason: decision.reason, injected };
}

export function decideReview(bytes: Buffer, admit: AdmitFn): ReviewOutcome {
  let review: ParsedReview;
  let answer: AdmissionDecision | undefined;
  try {
    const json = readReviewJson(bytes);
    answer = json.answer;
    review = parseAdmissionReview(json.body);
  } catch (err) {
    if (!(err instanceof AdmissionInputError || err instanceof ReviewBodyError)) throw err;
    return { kind: 'bad', code: err.code, message: err.message };
  }
  let decision: AdmissionDecision;
  let admitError: Error | undefined;
  try {
    // A CREATE over a limit was not parsed: its answer came from the bytes (review-json.ts).
    decision = answer ?? admit({ object: review.object, namespace: review.namespace, operation: review.operation });
  } catch (err) {
    // Fail closed: a pod that may have asked for secrets must not start without them.
    admitError = toError(err);
    decision = { allowed: false, message: INTERNAL_DENIAL, warnings: [], code: 500 };
  }
  return {
    kind: 'decided',
    uid: review.uid,
    summary: summarise(review, decision),
    response: encodeAdmissionResponse(review, decision),
    ...(admitError === undefined ? {} : { admitError }),
  };
}
