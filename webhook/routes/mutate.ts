// POST /mutate, served straight from the node:http(s) request listener (app.ts puts it in front
// of Fastify's through serverFactory) instead of a Fastify route: Fastify's per-request request,
// reply and child-logger objects, hooks and body parser cost ~8 µs of main-thread CPU of the ~40 µs
// a repeated review takes (measured side by side), which the throughput target cannot spare (docs/adr/0003). What Fastify did for this route
// is done here: Content-Type check, body limit (413), 503 while closing, JSON errors with stable
// codes, request ids, the queue and duration metrics; and what it did not: a deadline for the body
// (408), a budget for the body bytes of all requests together (503), and answers that reach a client
// still sending (see answerThenLinger). The review itself is admission/reviewer.ts.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { toError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ReviewAnswer, Reviewer } from '../admission/reviewer.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import type { BodyBudget } from './body-budget.ts';
import { httpErrorBody, sendHttpError } from './http-errors.ts';
import { createReviewBatch } from './review-batch.ts';

export interface MutateListenerDeps {
  readonly review: Reviewer;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly maxBodyBytes: number;
  /**
   * Body bytes buffered across every request in flight, beyond each request's first
   * freeBytesPerRequest; a request that needs more than is left gets 503.
   */
  readonly bodyBudget: BodyBudget;
  /**
   * What every request may buffer without the shared budget: pods are a few KiB, so bodies made
   * large only to fill the budget never refuse an ordinary review. Bounded by the connection cap.
   */
  readonly freeBytesPerRequest: number;
  /** Milliseconds from a request's headers to the end of its body; past it, 408. */
  readonly bodyTimeoutMs: number;
  /** True once the server is shutting down: new reviews get 503 and the connection closes. */
  readonly isClosing: () => boolean;
}

// Reviews that complete in one turn of the event loop are decided together, then answered together
// (review-batch.ts); at most this many before their answers go out (~16 decisions' wait, a few ms).
const MAX_BATCH = 16;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const JSON_TYPE = 'application/json; charset=utf-8';

/** Whether a request is for this listener: POST to /mutate, with any query (the API server adds ?timeout=). */
export function isMutatePost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  return url === '/mutate' || url.startsWith('/mutate?');
}

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}

// After an early answer, how long and how much more of the body is read (and dropped) before the
// connection closes. Closing a socket with unread bytes makes the kernel send a reset, which can
// discard the answer still queued for the client: Go's net/http waits 500 ms for the same reason.
const LINGER_MS = 1_000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * Answers a request whose body is not (all) read, then closes: the answer goes straight to the
 * socket with `connection: close`, the socket half-closes, and what the client still sends is read
 * and dropped for LINGER_MS or LINGER_BYTES, whichever comes first. (Through the response object,
 * Node would destroy the socket as soon as the answer is written, unread bytes and all.)
 */
function answerThenLinger(req: IncomingMessage, statusCode: number, code: string, message: string): void {
  const socket = req.socket;
  const body = JSON.stringify(httpErrorBody(statusCode, code, message));
  const head =
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Error'}\r\ncontent-type: ${JSON_TYPE}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  socket.end(head + body);
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  req.resume();
  const timer = setTimeout(() => {
    socket.destroy();
  }, LINGER_MS);
  socket.once('close', () => {
    clearTimeout(timer);
  });
}

function sendError(res: ServerResponse, statusCode: number, code: string, message: string, close = false): void {
  const body = Buffer.from(JSON.stringify(httpErrorBody(statusCode, code, message)));
  res.writeHead(statusCode, {
    'content-type': JSON_TYPE,
    'content-length': body.length,
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

export function createMutateListener(deps: MutateListenerDeps): RequestListener {
  const { review, metrics, log, now, maxBodyBytes, bodyBudget } = deps;
  let requests = 0;
  const batch = createReviewBatch({
    maxJobs: MAX_BATCH,
    schedule: setImmediate,
    onError: (err: unknown) => {
      log.error({ err: toError(err) }, 'response failed');
    },
  });

  return (req, res) => {
    const startedAt = now();
    requests += 1;
    const reqId = `req-m${requests.toString(36)}`;
    metrics.requestStarted();
    const chunks: Buffer[] = [];
    /** Bytes of this request received and kept. */
    let held = 0;
    /** Of those, the bytes taken from the shared budget. */
    let taken = 0;
    /** Set once refuse() has answered: the response object is then never used. */
    let refused = false;
    let deadline: NodeJS.Timeout | undefined = undefined;
    const release = (): void => {
      clearTimeout(deadline);
      chunks.length = 0;
      if (taken > 0) bodyBudget.give(taken);
      taken = 0;
      held = 0;
    };
    // The body's bytes stay counted until both the response is closed and a review still being
    // decided (in the worker) is done: a client that hangs up must not free budget for bytes
    // that are still queued, or hanging up would let bodies pile up without bound.
    let holders = 1;
    const letGo = (): void => {
      holders -= 1;
      if (holders === 0) release();
    };
    res.once('close', () => {
      letGo();
      metrics.requestFinished(now() - startedAt);
    });
    if (deps.isClosing()) {
      sendError(res, 503, 'WHK_CLOSING', 'the webhook is shutting down', true);
      return;
    }
    if (!isJson(req.headers['content-type'])) {
      log.info({ reqId, code: 'WHK_CONTENT_TYPE' }, 'request rejected');
      sendError(res, 400, 'WHK_CONTENT_TYPE', 'Content-Type must be application/json');
      return;
    }
    const onData = (chunk: Buffer): void => {
      if (held + chunk.length > maxBodyBytes) {
        refuse(413, 'WHK_BODY_TOO_LARGE', 'request body is larger than the configured limit');
      } else {
        const beyond = Math.min(chunk.length, held + chunk.length - deps.freeBytesPerRequest);
        if (beyond > 0 && !bodyBudget.take(beyond)) {
          refuse(503, 'WHK_BUSY', 'too many request bytes in flight; retry');
          return;
        }
        if (beyond > 0) taken += beyond;
        held += chunk.length;
        chunks.push(chunk);
      }
    };
    /** Answers before the body is in; the connection then closes (answerThenLinger). */
    const refuse = (statusCode: number, code: string, message: string): void => {
      if (refused || res.headersSent) return;
      refused = true;
      release();
      req.off('data', onData);
      log.info({ reqId, code }, 'request rejected');
      answerThenLinger(req, statusCode, code, message);
    };
    const send = (answer: ReviewAnswer): void => {
      // The client may have gone while the review worker decided.
      if (res.destroyed) return;
      if (answer.statusCode !== 200) {
        sendError(res, answer.statusCode, answer.code, answer.message);
        return;
      }
      let length = 0;
      for (const chunk of answer.body) length += chunk.length;
      res.writeHead(answer.statusCode, { 'content-type': JSON_TYPE, 'content-length': length });
      // Written in one tick: Node corks the socket, so headers and chunks leave in one writev.
      const last = answer.body.length - 1;
      for (let i = 0; i < last; i += 1) res.write(answer.body[i]);
      res.end(answer.body[last]);
    };
    const failed = (err: unknown): void => {
      log.error({ reqId, err: toError(err) }, 'request failed');
      if (!res.destroyed && !res.headersSent) sendError(res, 500, 'WHK_INTERNAL', 'internal error');
    };
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > maxBodyBytes) {
      refuse(413, 'WHK_BODY_TOO_LARGE', 'request body is larger than the configured limit');
      return;
    }
    // Refused at once, before reading, when the declared body cannot fit: the API server retries,
    // or applies failurePolicy.
    if (
      declared !== undefined &&
      declared > deps.freeBytesPerRequest &&
      !bodyBudget.fits(declared - deps.freeBytesPerRequest)
    ) {
      refuse(503, 'WHK_BUSY', 'too many request bytes in flight; retry');
      return;
    }
    deadline = setTimeout(() => {
      refuse(408, 'WHK_REQUEST_TIMEOUT', 'the request body did not arrive in time');
    }, deps.bodyTimeoutMs);
    req.on('data', onData);
    req.once('end', () => {
      clearTimeout(deadline);
      if (refused || res.headersSent) return;
      if (declared !== undefined && declared !== held) {
        sendError(res, 400, 'WHK_BAD_BODY', 'request body length does not match Content-Length');
        return;
      }
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, held);
      // The review owns the bytes now (a large one moves them to the worker): the pieces can go.
      chunks.length = 0;
      batch.add(() => decide(bytes));
    });
    /** Reviews the body; the answer is written by the step returned, once the batch is decided. */
    const decide = (bytes: Buffer): (() => void) | undefined => {
      let answer: ReviewAnswer | Promise<ReviewAnswer>;
      try {
        answer = review(bytes, reqId, startedAt, () => res.destroyed);
      } catch (err) {
        failed(err);
        return undefined;
      }
      if (answer instanceof Promise) {
        holders += 1;
        answer
          .then(send, failed)
          .catch((err: unknown) => {
            log.error({ reqId, err: toError(err) }, 'response failed');
            res.destroy();
          })
          .finally(letGo);
        return undefined;
      }
      const decided = answer;
      return () => {
        send(decided);
      };
    };
  };
}

/** The other methods on /mutate, through Fastify: 405 with Allow. */
export function registerMutateMethods(app: FastifyInstance): void {
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/mutate',
    handler: (_request, reply) => {
      void reply.header('allow', 'POST');
      sendHttpError(reply, 405, 'WHK_METHOD', 'use POST with an AdmissionReview body');
    },
  });
}
