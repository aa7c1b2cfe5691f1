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

export function formatAnnotationErrors(errors: readonly FieldError[]): string {
  const n = errors.length;
  const lines = errors.map((e) => `${e.field}: ${e.message}`);
  return `vault agent injection failed: ${n} problem${n === 1 ? '' : 's'} with the pod's annotations: ${lines.join('; ')}`;
}
