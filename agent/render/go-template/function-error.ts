// How template functions report bad calls. The executor turns these into Go's wording:
//   ArgCountError -> `wrong number of args for NAME: want N got M`
//   ArgTypeError  -> `wrong type for value; expected T; got U`
//   anything else -> `error calling NAME: MESSAGE`
// Messages never quote argument values: they may be secrets.
import { typeName } from './values.ts';

export class ArgCountError extends Error {
  readonly want: string;
  readonly got: number;
  constructor(want: string, got: number) {
    super(`want ${want} got ${got}`);
    this.want = want;
    this.got = got;
  }
}

export class ArgTypeError extends Error {
  constructor(expected: string, got: unknown) {
    super(`wrong type for value; expected ${expected}; got ${typeName(got)}`);
  }
}

/** Throws unless there are exactly `n` arguments (or between min and max). */
export function arity(args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new ArgCountError(min === max ? String(min) : max === Infinity ? `at least ${min}` : `${min} to ${max}`, args.length);
  }
}
