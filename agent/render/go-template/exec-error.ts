// Execution errors of the Go-template executor: the internal failure raised where execution
// stands, and the TemplateRenderError callers see, worded as Go's text/template words it.
import { TemplateRenderError } from '../../../shared/template-errors.ts';

/** Go's error context: `NAME:LINE:COL` with a 0-based byte column, as text/template prints it. */
export interface ErrorPosition {
  readonly line: number;
  readonly byteColumn: number;
}

/**
 * An execution error with its parts kept apart, so callers can redact the detail. With the
 * template source known, the message is Go's word for word:
 * `template: NAME:LINE:COL: executing "NAME" at <.Data.x>: map has no entry for key "x"`.
 */
export class GoTemplateExecError extends TemplateRenderError {
  /** Template source of the command or field that failed. */
  readonly at: string;
  /** What went wrong (may need redaction: function errors can echo arguments). */
  readonly detail: string;
  readonly position: ErrorPosition | undefined;
  constructor(name: string, at: string, detail: string, position: ErrorPosition | undefined) {
    super(name, `executing ${JSON.stringify(name)} at <${at}>: ${detail}`);
    this.at = at;
    this.detail = detail;
    this.position = position;
    if (position !== undefined) {
      this.message = `template: ${name}:${position.line}:${position.byteColumn}: executing ${JSON.stringify(name)} at <${at}>: ${detail}`;
    }
  }
}

export function positionIn(source: string, pos: number): ErrorPosition {
  const before = source.slice(0, pos);
  const lastNewline = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  return { line, byteColumn: Buffer.byteLength(before.slice(lastNewline + 1)) };
}

/** A failure at one pipeline, turned into a TemplateRenderError by the outermost executor. */
export class ExecFailure extends Error {
  readonly at: string;
  readonly pos: number;
  constructor(at: string, pos: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.at = at;
    this.pos = pos;
  }
}
