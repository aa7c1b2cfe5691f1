// The AdmissionReview body's bytes to a value: JSON.parse plus the prototype-poisoning checks
// Fastify's own parser makes (secure-json-parse), done here because /mutate takes raw bytes (the
// review cache answers repeats from them without parsing), and a nesting depth limit. A large body
// is first scanned (review-scan.ts): a pod whose annotations alone are over Kubernetes' limit, or
// whose JSON holds more values than the webhook reads, is answered from the bytes, without parsing
// 3 MiB into a 47,000-key object or a million empty ones only to refuse them. Messages
// never quote the body: a pod's env values can be secrets.
import secureJson from 'secure-json-parse';
import { AppError } from '../../shared/errors.ts';
import { parseWeakBool } from '../../shared/parse/go-bool.ts';
import { INJECT_FALSE, NOT_ASKING } from '../inject/admit.ts';
import { MAX_ANNOTATIONS_CHARS } from '../annotations/limits.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan, screenJson, type JsonScreen } from './json-depth.ts';
import { isPlainJsonValue } from './plain-json-value.ts';
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

/**
 * The most JSON structure (`{`, `[`, `,` and `:` outside strings, about one per value and key) a
 * review's pod may have for the webhook to parse it. JSON.parse's cost grows with the values it
 * builds: 3 MiB of empty objects is a million of them, ~0.25 s of CPU and ~100 MiB of heap. A
 * quarter of a million is far beyond any real pod (one of 5,000 environment variables has ~25,000)
 * and parses in well under the 50 ms a review may cost. A body of 256 KiB or less is never counted:
 * it cannot hold many more.
 */
export const MAX_REVIEW_STRUCTURE = 131_072;

/** A CREATE over MAX_REVIEW_STRUCTURE whose pod asks for injection: denied, naming the limit. */
export const REVIEW_OVER_CAP = Object.freeze({
  allowed: false,
  code: 400,
  message: `the pod is too large for the injector to read: more than ${MAX_REVIEW_STRUCTURE} JSON values and keys (its objects, arrays and lists of environment variables, volumes and the like); the injector reads at most that many for one pod`,
  warnings: Object.freeze<string[]>([]),
} as const satisfies AdmissionDecision);

// A CREATE over MAX_REVIEW_STRUCTURE whose pod asks for no agent gets admitPod's own answer.
export { INJECT_FALSE, NOT_ASKING };

/**
 * The review's JSON: all of it, or (when `answer` is set) only the fields its answer needs: apiVersion,
 * kind, and the request's uid, operation, namespace and pod name.
 */
export interface ReviewJson {
  readonly body: unknown;
  /**
   * Set for a CREATE answered from its bytes: ANNOTATIONS_OVER_CAP when the pod's annotations
   * (every entry as sent) are over MAX_ANNOTATIONS_CHARS; else, when the body is over
   * MAX_REVIEW_STRUCTURE, NOT_ASKING for a pod without the agent-inject annotation and
   * REVIEW_OVER_CAP for one with it.
   */
  readonly answer: AdmissionDecision | undefined;
}

/**
 * The whole body parsed, with the depth and poisoning checks; `screen` is what is known of it
 * already: screenJson's answer, or 'plain' once the strict scan has ruled the forbidden keys out.
 * `unread` (from `unread[0]` to `unread[1]`, when set) is an array parsed as `[]`: see parseBody.
 */
function parseChecked(bytes: Buffer, screen: JsonScreen, unread?: Int32Array): unknown {
  if (screen === 'deep') throw tooDeep();
  try {
    if (screen === 'plain') {
      // Text with neither key spelled out and no escape cannot hold either: the checks' regular
      // expressions (two passes over the text) would find nothing.
      const text =
        unread === undefined
          ? bytes.toString('utf8')
          : `${bytes.toString('utf8', 0, unread[0])}[]${bytes.toString('utf8', unread[1])}`;
      // (secure-json-parse also drops a leading byte order mark, which JSON.parse refuses.)
      if (text.charCodeAt(0) !== 0xfeff) return JSON.parse(text) as unknown;
    }
    return secureJson.parse(bytes.toString('utf8'), null, POISON_CHECKS) as unknown;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  // Error path only: tell a forbidden key from text that is not JSON, in one pass rather than a
  // second parse (a 3 MiB body that breaks at its end would otherwise be parsed twice).
  throw scanReview(bytes, MAX_JSON_DEPTH).kind === 'forbidden' ? forbiddenKey() : notJson();
}

// Where the last screened body's managedFields lie (screenJson writes it; read at once, never kept).
const managedFields = new Int32Array(2);

/**
 * The body parsed, the pod's managedFields (request.object.metadata.managedFields) read as `[]`
 * when they are plain JSON. Nothing in the webhook reads them, and a pod a controller creates
 * reaches admission with them: the field manager's record of every field set, a third of the
 * review's bytes and half of JSON.parse's time, their keys (the pod's own annotation keys and
 * container names among them) built into hidden classes and strings that only a full collection
 * frees. Every check sees the whole body first: the depth and the keys are screened on all of it,
 * and the stretch left out is checked to be one valid JSON value, so the text is valid exactly when
 * it was; anything else parses the body as sent.
 */
function parseBody(bytes: Buffer): unknown {
  const screen = screenJson(bytes, MAX_JSON_DEPTH, managedFields);
  const from = managedFields[0] as number;
  const to = managedFields[1] as number;
  const skip = screen === 'plain' && from >= 0 && isPlainJsonValue(bytes, from, to, MAX_JSON_DEPTH);
  return parseChecked(bytes, screen, skip ? managedFields : undefined);
}

export function parseReviewJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new ReviewBodyError('WHK_EMPTY_BODY', 'empty request body');
  return parseBody(bytes);
}

/** The JSON value at `span`, which a strict scan found valid. */
function valueAt(bytes: Buffer, span: Span): unknown {
  return JSON.parse(bytes.toString('utf8', span.start, span.end)) as unknown;
}

// "CREATE", escapes and all, is far shorter: a longer operation is not decoded to be compared.
const MAX_OPERATION_BYTES = 64;

function isCreate(bytes: Buffer, span: Span | undefined): boolean {
  if (span === undefined || span.end - span.start > MAX_OPERATION_BYTES) return false;
  return valueAt(bytes, span) === 'CREATE';
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
 * The review body's JSON, with the same errors as parseReviewJson; a CREATE over a limit (its
 * annotations, its structure) is answered from one strict scan of the bytes, never parsed.
 */
export function readReviewJson(bytes: Buffer): ReviewJson {
  if (bytes.length === 0) throw new ReviewBodyError('WHK_EMPTY_BODY', 'empty request body');
  // A smaller body cannot hold that many annotations: parsed as it is.
  if (bytes.length <= MAX_ANNOTATIONS_CHARS) return { body: parseBody(bytes), answer: undefined };
  // One strict pass: it checks everything JSON.parse, the depth limit and the poisoning checks
  // would, counts the structure and the annotations, and finds the fields an answer needs.
  const scan = scanReview(bytes, MAX_JSON_DEPTH);
  if (scan.kind === 'forbidden') throw forbiddenKey();
  if (scan.kind === 'deep') throw tooDeep();
  if (scan.kind === 'invalid') throw nestsDeeperThan(bytes, MAX_JSON_DEPTH) ? tooDeep() : notJson();
  const fields = scan.fields;
  if (
    (fields.annotationsChars > MAX_ANNOTATIONS_CHARS || fields.structure > MAX_REVIEW_STRUCTURE) &&
    isCreate(bytes, fields.operation)
  ) {
    return { body: envelope(bytes, fields), answer: answerOf(bytes, fields) };
  }
  // Valid, within the depth limit, free of forbidden keys (by a rule stricter than the poisoning
  // checks'): parsed without checking them again.
  return { body: parseChecked(bytes, 'plain'), answer: undefined };
}

/** The answer to a CREATE over one of the caps, from what the strict scan found. */
function answerOf(bytes: Buffer, fields: ReviewFields): AdmissionDecision {
  if (fields.annotationsChars > MAX_ANNOTATIONS_CHARS) return ANNOTATIONS_OVER_CAP;
  // Only a pod that plainly does not ask (metadata an object; annotations absent, null, or an object
  // without the key, or with the key false) is let through unread, as admitPod would let it through;
  // anything else is denied.
  const annotations = fields.annotations;
  const plain =
    annotations === undefined ||
    fields.annotationsChars >= 0 ||
    bytes.toString('latin1', annotations.start, annotations.end) === 'null';
  if (!(fields.object && fields.metadata && plain)) return REVIEW_OVER_CAP;
  if (!fields.asksInjection) return NOT_ASKING;
  // agent-inject: "false" (or any Go spelling of false) lets the pod through unchanged, as admitPod does.
  const value = fields.injectValue === undefined ? undefined : valueAt(bytes, fields.injectValue);
  return typeof value === 'string' && saysFalse(value) ? INJECT_FALSE : REVIEW_OVER_CAP;
}

function saysFalse(value: string): boolean {
  try {
    return !parseWeakBool(value);
  } catch {
    return false; // not a boolean at all: admitPod denies it, and so does the limit
  }
}
