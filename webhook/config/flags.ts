// Go `flag` package syntax, as vault-k8s's `agent-inject` command accepts it: `-name=value`,
// `--name=value`, `-name value`, and a bare `-name` for booleans. Stops at `--` or the first
// non-flag argument, like Go's FlagSet.Parse.
import type { FieldError } from '../../shared/errors.ts';

export interface FlagParseResult {
  readonly values: ReadonlyMap<string, string>;
  readonly errors: readonly FieldError[];
}

/**
 * @param known flag names (without dashes) mapped to whether they are boolean flags.
 */
export function parseGoFlags(argv: readonly string[], known: ReadonlyMap<string, boolean>): FlagParseResult {
  const values = new Map<string, string>();
  const errors: FieldError[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--' || !arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const isBool = known.get(name);
    if (isBool === undefined) {
      errors.push({ field: `-${name}`, message: 'flag provided but not defined' });
      continue;
    }
    if (eq !== -1) {
      values.set(name, body.slice(eq + 1));
    } else if (isBool) {
      values.set(name, 'true');
    } else if (i + 1 < argv.length) {
      values.set(name, argv[++i] ?? '');
    } else {
      errors.push({ field: `-${name}`, message: 'flag needs an argument' });
    }
  }
  return { values, errors };
}
