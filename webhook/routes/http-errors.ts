// Every non-AdmissionReview answer is a small JSON object with a stable code; messages are
// constants or our own validation text, never an echo of the request body (pod env values).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

const REASONS: Readonly<Record<number, string>> = Object.freeze({
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
});

export interface HttpErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: string;
  readonly message: string;
}

export function httpErrorBody(statusCode: number, code: string, message: string): HttpErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', code, message };
}

export function sendHttpError(reply: FastifyReply, statusCode: number, code: string, message: string): void {
  void reply
    .code(statusCode)
    .type('application/json')
    .send(httpErrorBody(statusCode, code, message));
}

// Fastify's own errors, reworded: JSON parse errors quote the body, which can hold secrets.
const FASTIFY_ERRORS: Readonly<Record<string, { statusCode: number; code: string; message: string }>> = Object.freeze({
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    statusCode: 400,
    code: 'WHK_CONTENT_TYPE',
    message: 'Content-Type must be application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    statusCode: 400,
    code: 'WHK_BAD_BODY',
    message: 'request body length does not match Content-Length',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'WHK_EMPTY_BODY', message: 'empty request body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'WHK_BAD_JSON', message: 'request body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    statusCode: 413,
    code: 'WHK_BODY_TOO_LARGE',
    message: 'request body is larger than the configured limit',
  },
});

function classify(error: FastifyError): { statusCode: number; code: string; message: string } {
  const known = FASTIFY_ERRORS[error.code];
  if (known !== undefined) return known;
  // secure-json-parse's prototype-poisoning rejection is a SyntaxError with status 400.
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return {
      statusCode: 400,
      code: 'WHK_BAD_JSON',
      message: 'request body is not valid JSON or holds a forbidden key (__proto__, constructor.prototype)',
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { statusCode: status, code: 'WHK_BAD_REQUEST', message: 'bad request' };
  return { statusCode: 500, code: 'WHK_INTERNAL', message: 'internal error' };
}

export function handleHttpError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { statusCode, code, message } = classify(error);
  if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code, fastifyCode: error.code, url: request.url }, 'request rejected');
  sendHttpError(reply, statusCode, code, message);
}
