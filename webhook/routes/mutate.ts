// POST /mutate: the AdmissionReview endpoint. Shape checks and the envelope live in
// admission/review.ts, the decision in the injected admit function; this file only wires them to
// HTTP, metrics and the one log line per admission.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toError } from '../../shared/errors.ts';
import {
  AdmissionInputError,
  encodeAdmissionResponse,
  parseAdmissionReview,
  type AdmissionDecision,
  type AdmitFn,
  type ParsedReview,
} from '../admission/review.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import { sendHttpError } from './http-errors.ts';

export interface MutateRouteDeps {
  readonly admit: AdmitFn;
  readonly metrics: AdmissionMetrics;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  /** The root logger; the per-admission line is written through a child of it. */
  readonly log: Logger;
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

function recordOutcome(metrics: AdmissionMetrics, review: ParsedReview, decision: AdmissionDecision): void {
  if (!decision.allowed) metrics.failed(review.namespace);
  else if (decision.injection !== 'none' && decision.patch.length > 0) metrics.injected(review.namespace, decision.injection);
}

export function registerMutateRoute(app: FastifyInstance, deps: MutateRouteDeps): void {
  const startedAt = new WeakMap<FastifyRequest, number>();
  // The per-admission line skips the redaction pass (~10 µs a line with the wildcard paths, a tenth
  // of a cached admission): its fields are the fixed list below, clipped identifiers and enums
  // that never carry secrets. Every other line, the trace dump of a review included, is redacted.
  const admissionLog = deps.log.child({}, { redact: [] });

  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    let review: ParsedReview;
    try {
      review = parseAdmissionReview(request.body);
    } catch (err) {
      if (!(err instanceof AdmissionInputError)) throw err;
      request.log.info({ code: err.code, problem: err.message }, 'bad admission review');
      sendHttpError(reply, 400, err.code, err.message);
      return;
    }
    request.log.trace({ review: request.body }, 'admission review received');
    const decision = decide(deps.admit, review, request);
    recordOutcome(deps.metrics, review, decision);
    // Bytes, not an object: Fastify would otherwise JSON.stringify the ~9 KB response every time.
    void reply.code(200).type('application/json; charset=utf-8').send(encodeAdmissionResponse(review, decision));
    admissionLog.info(
      {
        reqId: request.id,
        uid: clip(review.uid),
        namespace: clip(review.namespace),
        pod: clip(review.podName),
        operation: clip(review.operation),
        apiVersion: review.apiVersion,
        allowed: decision.allowed,
        injection: decision.allowed ? decision.injection : 'none',
        ...(decision.allowed ? { reason: decision.reason } : { denialCode: decision.code }),
        warnings: decision.warnings.length,
        durationMs: Math.round((deps.now() - (startedAt.get(request) ?? deps.now())) * 1000) / 1000,
      },
      'admission reviewed',
    );
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
