// Errors of the output side: where a rendered file may go and writing it. Messages name the
// destination path (not secret), never the content.
import { AppError } from '../../shared/errors.ts';

export type WriteErrorCode = 'AGT_DESTINATION' | 'AGT_WRITE';

export class WriteError extends AppError {
  readonly destination: string;
  constructor(code: WriteErrorCode, destination: string, detail: string, options?: ErrorOptions) {
    super(code, `${destination}: ${detail}`, options);
    this.destination = destination;
  }
}
