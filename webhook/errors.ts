// Webhook error codes (WHK_*). A pod's own mistakes are AnnotationErrors (deny, 400, every key
// listed); anything else in a pod that asked for injection is a WebhookError (deny, fail closed).
import { AppError, type FieldError } from '../shared/errors.ts';

/** Every bad annotation of one pod, each with its key and why. */
export class AnnotationError extends AppError {
  readonly fieldErrors: readonly FieldError[];
  constructor(fieldErrors: readonly FieldError[]) {
    super('WHK_ANNOTATION', formatAnnotationErrors(fieldErrors));
    this.fieldErrors = Object.freeze([...fieldErrors]);
  }
}

/** The admitted object is not a Pod this webhook can read. */
export class InvalidObjectError extends AppError {
  constructor(message: string) {
    super('WHK_INVALID_OBJECT', message);
  }
}

/** A denial lists this many problems; the rest are counted (the message must stay readable). */
export const MAX_LISTED_ERRORS = 50;

export function formatAnnotationErrors(errors: readonly FieldError[]): string {
  const n = errors.length;
  const lines = errors.slice(0, MAX_LISTED_ERRORS).map((e) => `${e.field}: ${e.message}`);
  if (n > MAX_LISTED_ERRORS) lines.push(`and ${n - MAX_LISTED_ERRORS} more`);
  return `vault agent injection failed: ${n} problem${n === 1 ? '' : 's'} with the pod's annotations: ${lines.join('; ')}`;
}
