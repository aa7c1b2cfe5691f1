// A config file that is not valid HCL, or whose HCL cannot map onto Vault Agent's config shape.
// The message holds the 1-based position and a reason; it never quotes the text at fault, because
// agent configs carry tokens and template contents.
import { AppError } from '../../../shared/errors.ts';

export class HclError extends AppError {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(line: number, column: number, reason: string) {
    super('CFG_HCL', `line ${line}, column ${column}: ${reason}`);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** The text being parsed, turning offsets into line:column only when an error is raised. */
export class HclSource {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  fail(offset: number, reason: string): never {
    const before = this.text.slice(0, offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    // Columns count characters (code points), as HCL's own scanner does, not UTF-16 units.
    const column = [...before.slice(lineStart)].length + 1;
    throw new HclError(line, column, reason);
  }
}
