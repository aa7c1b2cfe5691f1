// The chart renderer's errors: one class, the code says which step failed.
import { AppError } from '../../shared/errors.ts';

export type ChartErrorCode =
  | 'CHT_RENDER' // a template failed (`fail`, `required`, a bad call)
  | 'CHT_VALUES' // a values file or a --set expression could not be read
  | 'CHT_USAGE' // the command line
  | 'CHT_SEMVER'; // a version or constraint that is not semantic versioning

export class ChartError extends AppError {
  constructor(code: ChartErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
