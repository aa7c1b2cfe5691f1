// The AdmissionReview envelope: checks an incoming review's shape once,
// at the boundary, and builds the response in the request's own API version. No pod logic here:
// the decision comes from the injected admit function (webhook/inject/admit.ts).
import type { AdmitResult } from '../inject/admit.ts';
import { AppError } from '../../shared/errors.ts';
import type { ResponseTemplate } from './review-cache.ts';

export const ADMISSION_V1 = 'admission.k8s.io/v1';
export const ADMISSION_V1BETA1 = 'admission.k8s.io/v1beta1';
export type AdmissionApiVersion = typeof ADMISSION_V1 | typeof ADMISSION_V1BETA1;

export type { InjectionType } from '../inject/admit.ts';

/** What the admit function decides: inject/admit.ts's AdmitResult, named for this layer. */
export type AdmissionDecision = AdmitResult;

export interface AdmitInput {
  readonly object: unknown;
  readonly namespace: string;
  readonly operation: string;
}

export type AdmitFn = (input: AdmitInput) => AdmissionDecision;

/** An AdmissionReview body that cannot be handled at all: answered with HTTP 400. */
export class AdmissionInputError extends AppError {
  constructor(message: string) {
    super('WHK_BAD_REVIEW', message);
  }
}

export interface ParsedReview {
  readonly apiVersion: AdmissionApiVersion;
  readonly uid: string;
  readonly namespace: string;
  readonly operation: string;
  readonly object: unknown;
  /** metadata.name, else metadata.generateName, else '' — for logs only. */
  readonly podName: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(obj: Record<string, unknown>, key: string, where: string): string {
  const value = obj[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new AdmissionInputError(`${where}.${key} must be a string`);
  return value;
}

function podNameOf(object: unknown): string {
  if (!isRecord(object) || !isRecord(object['metadata'])) return '';
  const { name, generateName } = object['metadata'];
  if (typeof name === 'string' && name !== '') return name;
  return typeof generateName === 'string' ? generateName : '';
}

export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isRecord(body)) throw new AdmissionInputError('body must be a JSON object (an AdmissionReview)');
  const apiVersion = optionalString(body, 'apiVersion', 'AdmissionReview') || ADMISSION_V1;
  if (apiVersion !== ADMISSION_V1 && apiVersion !== ADMISSION_V1BETA1) {
    throw new AdmissionInputError(`unsupported apiVersion; expected ${ADMISSION_V1} or ${ADMISSION_V1BETA1}`);
  }
  const kind = optionalString(body, 'kind', 'AdmissionReview');
  if (kind !== '' && kind !== 'AdmissionReview') throw new AdmissionInputError('kind must be AdmissionReview');
  const request = body['request'];
  if (!isRecord(request)) throw new AdmissionInputError('AdmissionReview.request is missing or not an object');
  const uid = optionalString(request, 'uid', 'request');
  if (uid === '') throw new AdmissionInputError('request.uid is missing');
  return {
    apiVersion,
    uid,
    namespace: optionalString(request, 'namespace', 'request'),
    operation: optionalString(request, 'operation', 'request'),
    object: request['object'],
    podName: podNameOf(request['object']),
  };
}

export interface AdmissionResponseBody {
  readonly uid: string;
  readonly allowed: boolean;
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  readonly warnings?: readonly string[];
  readonly status?: { readonly metadata: Record<string, never>; readonly code: number; readonly message: string };
}

export interface AdmissionReviewResponse {
  readonly apiVersion: AdmissionApiVersion;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponseBody;
}

/** The response fields after uid, which depend on the decision alone. */
type DecisionFields = Omit<AdmissionResponseBody, 'uid'>;

function decisionFields(decision: AdmissionDecision): DecisionFields {
  let fields: DecisionFields;
  if (!decision.allowed) {
    fields = { allowed: false, status: { metadata: {}, code: decision.code, message: decision.message } };
  } else if (decision.patch.length === 0) {
    fields = { allowed: true };
  } else {
    fields = {
      allowed: true,
      patch: Buffer.from(JSON.stringify(decision.patch)).toString('base64'),
      patchType: 'JSONPatch',
    };
  }
  return decision.warnings.length === 0 ? fields : { ...fields, warnings: [...decision.warnings] };
}

export function buildAdmissionResponse(review: ParsedReview, decision: AdmissionDecision): AdmissionReviewResponse {
  return {
    apiVersion: review.apiVersion,
    kind: 'AdmissionReview',
    response: { uid: review.uid, ...decisionFields(decision) },
  };
}

/**
 * The JSON after `"uid":"…"`, which depends on the decision alone: `text`, then the base64 patch
 * (ASCII, so written as one byte a character without a UTF-8 pass over ~7 KB), then `rest`.
 */
interface EncodedTail {
  readonly text: string;
  readonly patch: string;
  readonly rest: string;
}

function encodedTail(decision: AdmissionDecision): EncodedTail {
  if (decision.allowed && decision.patch.length > 0) {
    // Spelled out so that JSON.stringify does not scan the base64 text (which needs no escaping).
    // The patch's JSON text is the one the decision measured, when it kept it.
    const patch = Buffer.from(decision.patchJson ?? JSON.stringify(decision.patch)).toString('base64');
    const warnings = decision.warnings.length === 0 ? '' : `,"warnings":${JSON.stringify(decision.warnings)}`;
    return { text: ',"allowed":true,"patch":"', patch, rest: `","patchType":"JSONPatch"${warnings}}}` };
  }
  // `{"allowed":…}` → `,"allowed":…}}`: the rest of the response object, then the review's end.
  return { text: `,${JSON.stringify(decisionFields(decision)).slice(1)}}`, patch: '', rest: '' };
}

/**
 * The response body as bytes: exactly `JSON.stringify(buildAdmissionResponse(review, decision))`,
 * built from a head (API version, uid) and the decision's tail. uidStart and
 * uidEnd bound the uid's JSON text inside its quotes, for review-cache.ts to put another uid there.
 */
export function encodeAdmissionResponse(review: ParsedReview, decision: AdmissionDecision): ResponseTemplate {
  const lead = `{"apiVersion":${JSON.stringify(review.apiVersion)},"kind":"AdmissionReview","response":{"uid":`;
  const uid = JSON.stringify(review.uid);
  const tail = encodedTail(decision);
  const leadBytes = Buffer.byteLength(lead);
  const uidBytes = Buffer.byteLength(uid);
  const textBytes = Buffer.byteLength(tail.text);
  const out = Buffer.allocUnsafe(leadBytes + uidBytes + textBytes + tail.patch.length + Buffer.byteLength(tail.rest));
  let at = out.write(lead, 0);
  at += out.write(uid, at);
  at += out.write(tail.text, at);
  at += out.write(tail.patch, at, 'latin1');
  out.write(tail.rest, at);
  return { bytes: out, uidStart: leadBytes + 1, uidEnd: leadBytes + uidBytes - 1 };
}
