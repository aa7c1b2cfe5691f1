// The AdmissionReview body's bytes to a value: JSON.parse plus the prototype-poisoning checks
// Fastify's own parser makes (secure-json-parse), done here because /mutate takes raw bytes (the
// review cache answers repeats from them without parsing), and a nesting depth limit. A large body
// is first skimmed (review-scan.ts): a pod whose annotations alone are over Kubernetes' limit is
// denied from the bytes, without parsing 3 MiB into a 47,000-key object only to refuse it. Messages
// never quote the body: a pod's env values can be secrets.
import secureJson from 'secure-json-parse';
import { AppError } from '../../shared/errors.ts';
import { MAX_ANNOTATIONS_CHARS } from '../annotations/limits.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';
import { scanReview, type ReviewFields, type Span } from './review-scan.ts';
import type { AdmissionDecision } from './review.ts';

/** A body that is not JSON at all, or JSON with a forbidden key: answered with HTTP 400. */
export class ReviewBodyError extends AppError {}

const POISON_CHECKS = { protoAction: 'error', constructorAction: 'error' } as const;

const tooDeep = (): ReviewBodyError =>
  new ReviewBodyError('WHK_BAD_JSON', `request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`);
const notJson = (): ReviewBodyError => new ReviewBodyError('WHK_BAD_JSON', 'request body is not valid JSON');
const forbiddenKey = (): ReviewBodyError =>
  new ReviewBodyError('WHK_BAD_JSON', 'request body holds a forbidden key (__proto__ or constructor.prototype)');

/**
 * The denial of a pod whose annotations are over the limit: the one the pod reader (inject/pod.ts)
 * makes when it meets them while reading the parsed pod, so a pod gets the same answer either way.
 */
export const ANNOTATIONS_OVER_CAP = Object.freeze({
  allowed: false,
  code: 400,
  message: `metadata.annotations are larger than ${MAX_ANNOTATIONS_CHARS} bytes together, the most Kubernetes allows`,
  warnings: Object.freeze<string[]>([]),
} as const satisfies AdmissionDecision);

/** The review's JSON: all of it, or (annotationsOverCap) only the fields its answer needs. */
export interface ReviewJson {
  readonly body: unknown;
  /**
   * The review is a CREATE whose pod's annotations (every entry as sent) are over
   * MAX_ANNOTATIONS_CHARS: `body` holds apiVersion, kind, and the request's uid, operation,
   * namespace and pod name, and the answer is ANNOTATIONS_OVER_CAP.
   */
  readonly annotationsOverCap: boolean;
}

/** The whole body parsed, with the depth and poisoning checks (`checkDepth`: not done already). */
function parseChecked(bytes: Buffer, checkDepth: boolean): unknown {
  if (checkDepth && nestsDeeperThan(bytes, MAX_JSON_DEPTH)) throw tooDeep();
  const text = bytes.toString('utf8');
  try {
    return secureJson.parse(text, null, POISON_CHECKS) as unknown;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  // Error path only: tell a forbidden key from text that is not JSON, in one pass rather than a
  // second parse (a 3 MiB body that breaks at its end would otherwise be parsed twice).
  throw scanReview(bytes, MAX_JSON_DEPTH).kind === 'forbidden' ? forbiddenKey() : notJson();
}

export function parseReviewJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new ReviewBodyError('WHK_EMPTY_BODY', 'empty request body');
  return parseChecked(bytes, true);
}

/** The JSON value at `span`, which a strict scan found valid. */
function valueAt(bytes: Buffer, span: Span): unknown {
  return JSON.parse(bytes.toString('utf8', span.start, span.end)) as unknown;
}

// "CREATE", escapes and all, is far shorter: a longer operation is not decoded to be compared.
const MAX_OPERATION_BYTES = 64;

function isCreate(bytes: Buffer, span: Span | undefined): boolean {
  if (span === undefined || span.end - span.start > MAX_OPERATION_BYTES) return false;
  try {
    return valueAt(bytes, span) === 'CREATE';
  } catch {
    return false; // a skimmed span is not yet validated
  }
}

/** The fields of the review that its answer and log line need, as parseAdmissionReview reads them. */
function envelope(bytes: Buffer, fields: ReviewFields): Record<string, unknown> {
  const put = (target: Record<string, unknown>, key: string, span: Span | undefined): void => {
    if (span !== undefined) target[key] = valueAt(bytes, span);
  };
  const metadata: Record<string, unknown> = {};
  put(metadata, 'name', fields.name);
  put(metadata, 'generateName', fields.generateName);
  const request: Record<string, unknown> = { object: { metadata } };
  put(request, 'uid', fields.uid);
  put(request, 'operation', fields.operation);
  put(request, 'namespace', fields.namespace);
  const body: Record<string, unknown> = { request };
  put(body, 'apiVersion', fields.apiVersion);
  put(body, 'kind', fields.kind);
  return body;
}

/**
 * The review body's JSON, with the same errors as parseReviewJson; a CREATE whose annotations are
 * over the limit is answered from a skim of the bytes and one strict pass, never parsed.
 */
export function readReviewJson(bytes: Buffer): ReviewJson {
  if (bytes.length === 0) throw new ReviewBodyError('WHK_EMPTY_BODY', 'empty request body');
  // A smaller body cannot hold that many annotations: parsed as it is.
  if (bytes.length <= MAX_ANNOTATIONS_CHARS) return { body: parseChecked(bytes, true), annotationsOverCap: false };
  const skim = scanReview(bytes, MAX_JSON_DEPTH, true);
  if (skim.kind === 'deep') throw tooDeep();
  if (
    skim.kind === 'json' &&
    skim.fields.annotationsChars > MAX_ANNOTATIONS_CHARS &&
    isCreate(bytes, skim.fields.operation)
  ) {
    // Answered without JSON.parse, so the whole body must first pass everything JSON.parse and
    // the poisoning checks would.
    const strict = scanReview(bytes, MAX_JSON_DEPTH);
    if (strict.kind === 'json') return { body: envelope(bytes, strict.fields), annotationsOverCap: true };
    if (strict.kind === 'forbidden') throw forbiddenKey();
    throw nestsDeeperThan(bytes, MAX_JSON_DEPTH) ? tooDeep() : notJson();
  }
  // The skim measured the depth of JSON it read to the end; otherwise the full check decides.
  return { body: parseChecked(bytes, skim.kind !== 'json'), annotationsOverCap: false };
}
