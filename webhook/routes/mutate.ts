// POST /mutate, served straight from the node:http(s) request listener (app.ts puts it in front
// of Fastify's through serverFactory) instead of a Fastify route: Fastify's per-request request,
// reply and child-logger objects, hooks and body parser cost ~8 µs of main-thread CPU of the ~40 µs
// a repeated review takes (measured side by side), which the throughput target cannot spare (docs/adr/0003). What Fastify did for this route
// is done here: Content-Type check, body limit (413), 503 while closing, JSON errors with stable
// codes, request ids, the queue and duration metrics. The review itself is admission/reviewer.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { toError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Reviewer } from '../admission/reviewer.ts';
import type { AdmissionMetrics } from '../metrics/injector-metrics.ts';
import { httpErrorBody, sendHttpError } from './http-errors.ts';

export interface MutateListenerDeps {
  readonly review: Reviewer;
  readonly metrics: AdmissionMetrics;
  readonly log: Logger;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly maxBodyBytes: number;
  /** True once the server is shutting down: new reviews get 503 and the connection closes. */
  readonly isClosing: () => boolean;
}

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
  const { review, metrics, log, now, maxBodyBytes } = deps;
  let requests = 0;

  return (req, res) => {
    const startedAt = now();
    requests += 1;
    const reqId = `req-m${requests.toString(36)}`;
    metrics.requestStarted();
    res.once('close', () => {
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
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const tooLarge = (): void => {
      if (res.headersSent) return;
      log.info({ reqId, code: 'WHK_BODY_TOO_LARGE' }, 'request rejected');
      // Stop reading; the connection closes once the answer is out.
      req.removeAllListeners('data');
      sendError(res, 413, 'WHK_BODY_TOO_LARGE', 'request body is larger than the configured limit', true);
    };
    if (declared !== undefined && declared > maxBodyBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) tooLarge();
      else chunks.push(chunk);
    });
    req.once('end', () => {
      if (res.headersSent) return;
      if (declared !== undefined && declared !== received) {
        sendError(res, 400, 'WHK_BAD_BODY', 'request body length does not match Content-Length');
        return;
      }
      let answer;
      try {
        answer = review(
          chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received),
          reqId,
          startedAt,
        );
      } catch (err) {
        log.error({ reqId, err: toError(err) }, 'request failed');
        sendError(res, 500, 'WHK_INTERNAL', 'internal error');
        return;
      }
      if (answer.statusCode === 400) {
        sendError(res, 400, answer.code, answer.message);
        return;
      }
      let length = 0;
      for (const chunk of answer.body) length += chunk.length;
      res.writeHead(answer.statusCode, { 'content-type': JSON_TYPE, 'content-length': length });
      // Written in one tick: Node corks the socket, so headers and chunks leave in one writev.
      const last = answer.body.length - 1;
      for (let i = 0; i < last; i += 1) res.write(answer.body[i]);
      res.end(answer.body[last]);
    });
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
