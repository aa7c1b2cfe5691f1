// The AdmissionReview body's bytes to a value: JSON.parse plus the prototype-poisoning checks
// Fastify's own parser makes (secure-json-parse), done here because /mutate takes raw bytes (the
// review cache answers repeats from them without parsing), and a nesting depth limit. Messages
// never quote the body: a pod's env values can be secrets.
import secureJson from 'secure-json-parse';
import { AppError } from '../../shared/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

/** A body that is not JSON at all, or JSON with a forbidden key: answered with HTTP 400. */
export class ReviewBodyError extends AppError {}

const POISON_CHECKS = { protoAction: 'error', constructorAction: 'error' } as const;

export function parseReviewJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new ReviewBodyError('WHK_EMPTY_BODY', 'empty request body');
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new ReviewBodyError(
      'WHK_BAD_JSON',
      `request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  const text = bytes.toString('utf8');
  try {
    return secureJson.parse(text, null, POISON_CHECKS) as unknown;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  // Error path only: tell a forbidden key from text that is not JSON.
  try {
    JSON.parse(text);
  } catch {
    throw new ReviewBodyError('WHK_BAD_JSON', 'request body is not valid JSON');
  }
  throw new ReviewBodyError('WHK_BAD_JSON', 'request body holds a forbidden key (__proto__ or constructor.prototype)');
}
