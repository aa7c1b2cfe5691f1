// One error base for the whole project. Subclasses are categories, not call sites; structured
// context lives in typed fields, never parsed back out of the message.

export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem with one named input (an env var, a flag, an annotation, a config key). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Every problem with a configuration, reported together. */
export class ConfigError extends AppError {
  readonly fieldErrors: readonly FieldError[];
  constructor(fieldErrors: readonly FieldError[], options?: ErrorOptions) {
    super('CFG_INVALID', formatFieldErrors(fieldErrors), options);
    this.fieldErrors = Object.freeze([...fieldErrors]);
  }
}

export function formatFieldErrors(errors: readonly FieldError[]): string {
  const lines = errors.map((e) => `  ${e.field}: ${e.message}`);
  return `invalid configuration (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Narrows anything thrown into an Error without losing it. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : 'non-error value thrown', { cause: value });
}
