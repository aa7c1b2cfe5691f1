// POST /mutate: the AdmissionReview endpoint. Shape checks and the envelope live in
// admission/review.ts, the decision in the injected admit function, repeats in the review cache;
// this file only wires them to HTTP, metrics and the one log line per admission.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ReviewCache } from '../admission/review-cache.ts';
import { ReviewBodyError, parseReviewJson } from '../admission/review-json.ts';
import {
  AdmissionInputError,
  encodeAdmissionResponse,
  parseAdmissionReview,
  type AdmissionDecision,
  type AdmitFn,
  type InjectionType,
  type ParsedReview,
} from '../admission/review.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import { sendHttpError } from './http-errors.ts';

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

export interface MutateRouteDeps {
  readonly admit: AdmitFn;
  readonly metrics: AdmissionMetrics;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  /** The root logger; the per-admission line is written through a child of it. */
  readonly log: Logger;
  /** Answers repeats of a review from its bytes; absent: every review is decided in full. */
  readonly reviewCache?: ReviewCache<AdmissionSummary> | undefined;
}

// Request fields are attacker-sized (a 3 MiB generateName is valid JSON); log lines stay small.
const MAX_LOGGED_CHARS = 253;

function clip(value: string): string {
  return value.length <= MAX_LOGGED_CHARS ? value : `${value.slice(0, MAX_LOGGED_CHARS)}…`;
}

const INTERNAL_DENIAL = 'internal error while building the injection; see the injector logs';

function decide(admit: AdmitFn, review: ParsedReview, request: FastifyRequest): AdmissionDecision {
  try {
    return admit({ object: review.object, namespace: review.namespace, operation: review.operation });
  } catch (err) {
    // Fail closed: a pod that may have asked for secrets must not start without them.
    request.log.error({ err: toError(err), uid: clip(review.uid) }, 'admit failed');
    return { allowed: false, message: INTERNAL_DENIAL, warnings: [], code: 500 };
  }
}

function summarise(review: ParsedReview, decision: AdmissionDecision): AdmissionSummary {
  const common = {
    namespace: clip(review.namespace),
    pod: clip(review.podName),
    operation: clip(review.operation),
    apiVersion: review.apiVersion,
    warnings: decision.warnings.length,
  };
  if (!decision.allowed) return { ...common, allowed: false, injection: 'none', denialCode: decision.code, injected: false };
  const injected = decision.injection !== 'none' && decision.patch.length > 0;
  return { ...common, allowed: true, injection: decision.injection, reason: decision.reason, injected };
}

function recordOutcome(metrics: AdmissionMetrics, namespace: string, summary: AdmissionSummary): void {
  if (!summary.allowed) metrics.failed(namespace);
  else if (summary.injected && summary.injection !== 'none') metrics.injected(namespace, summary.injection);
}

export function registerMutateRoute(app: FastifyInstance, deps: MutateRouteDeps): void {
  const startedAt = new WeakMap<FastifyRequest, number>();
  const cache = deps.reviewCache;
  // The per-admission line skips the redaction pass (~10 µs a line with the wildcard paths, a tenth
  // of a cached admission): its fields are the fixed list below, clipped identifiers and enums
  // that never carry secrets. Every other line, the trace dump of a review included, is redacted.
  const admissionLog = deps.log.child({}, { redact: [] });
  const traceOn = (): boolean => deps.log.isLevelEnabled('trace');

  function logAdmission(request: FastifyRequest, uid: string, summary: AdmissionSummary, cached: boolean): void {
    const { namespace, pod, operation, apiVersion, allowed, injection, reason, denialCode, warnings } = summary;
    admissionLog.info(
      {
        reqId: request.id,
        uid: clip(uid),
        namespace,
        pod,
        operation,
        apiVersion,
        allowed,
        injection,
        ...(allowed ? { reason } : { denialCode }),
        warnings,
        cached,
        durationMs: Math.round((deps.now() - (startedAt.get(request) ?? deps.now())) * 1000) / 1000,
      },
      'admission reviewed',
    );
  }

  function send(reply: FastifyReply, bytes: Buffer): void {
    // Bytes, not an object: Fastify would otherwise JSON.stringify the ~9 KB response every time.
    void reply.code(200).type('application/json; charset=utf-8').send(bytes);
  }

  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const hit = cache?.lookup(bytes);
    if (hit !== undefined) {
      if (traceOn()) request.log.trace({ review: parseReviewJson(bytes) }, 'admission review received');
      recordOutcome(deps.metrics, hit.detail.namespace, hit.detail);
      send(reply, hit.response);
      logAdmission(request, hit.uid, hit.detail, true);
      return;
    }
    let body: unknown;
    let review: ParsedReview;
    try {
      body = parseReviewJson(bytes);
      review = parseAdmissionReview(body);
    } catch (err) {
      if (!(err instanceof AdmissionInputError || err instanceof ReviewBodyError)) throw err;
      request.log.info({ code: err.code, problem: err.message }, 'bad admission review');
      sendHttpError(reply, 400, err.code, err.message);
      return;
    }
    request.log.trace({ review: body }, 'admission review received');
    const decision = decide(deps.admit, review, request);
    const summary = summarise(review, decision);
    recordOutcome(deps.metrics, review.namespace, summary);
    const response = encodeAdmissionResponse(review, decision);
    send(reply, response.bytes);
    // An internal error is not a decision of the review: the next attempt must decide again.
    if (cache !== undefined && (decision.allowed || decision.code !== 500)) cache.remember(bytes, review.uid, response, summary);
    logAdmission(request, review.uid, summary, false);
  };

  app.route({
    method: 'POST',
    url: '/mutate',
    onRequest: (request, _reply, done) => {
      startedAt.set(request, deps.now());
      deps.metrics.requestStarted();
      done();
    },
    onResponse: (request, _reply, done) => {
      deps.metrics.requestFinished(deps.now() - (startedAt.get(request) ?? deps.now()));
      done();
    },
    handler,
  });
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/mutate',
    handler: (_request, reply) => {
      void reply.header('allow', 'POST');
      sendHttpError(reply, 405, 'WHK_METHOD', 'use POST with an AdmissionReview body');
    },
  });
}
