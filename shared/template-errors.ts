import { AppError } from './errors.ts';

/** Bad template syntax, with the 1-based position; the message never quotes secret data. */
export class TemplateSyntaxError extends AppError {
  readonly template: string;
  readonly line: number;
  readonly column: number;
  /** The name of a function the template calls that is not defined, when that is the error. */
  readonly undefinedFunction: string | undefined;
  constructor(template: string, line: number, column: number, detail: string, undefinedFunction?: string) {
    super('AGT_TEMPLATE_SYNTAX', `template ${template}:${line}:${column}: ${detail}`);
    this.template = template;
    this.line = line;
    this.column = column;
    this.undefinedFunction = undefinedFunction;
  }
}

/** A failure while executing a template (missing key with error_on_missing_key, bad function argument, ...). */
export class TemplateRenderError extends AppError {
  readonly template: string;
  constructor(template: string, detail: string, options?: ErrorOptions) {
    super('AGT_TEMPLATE_RENDER', `template ${template}: ${detail}`, options);
    this.template = template;
  }
}
