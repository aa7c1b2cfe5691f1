// `vaultlet agent` flags, parsed like Go's flag package (as `vault agent` does): `-name=value`,
// `-name value`, `--name` spellings; boolean flags need no value.
import { parseGoBool } from '../../shared/parse/go-bool.ts';
import type { Problems } from './problems.ts';

export interface AgentFlags {
  readonly configPaths: readonly string[];
  readonly revokeOnShutdown?: boolean;
  readonly exitAfterAuth?: boolean;
  readonly logLevel?: string;
  readonly logFormat?: string;
}

export const BOOL_FLAGS = ['revoke-on-shutdown', 'exit-after-auth'] as const;
export const VALUE_FLAGS = ['config', 'log-level', 'log-format'] as const;

export function parseAgentFlags(argv: readonly string[], problems: Problems): AgentFlags {
  const configPaths: string[] = [];
  const values = new Map<string, string>();
  const bools = new Map<string, boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    if (m === null) {
      problems.add(arg.startsWith('-') ? arg : 'arguments', 'unexpected argument (flags look like -config=FILE)');
      continue;
    }
    const name = m[1] ?? '';
    const inline = m[2];
    if ((BOOL_FLAGS as readonly string[]).includes(name)) {
      bools.set(name, readBool(name, inline, problems));
    } else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      let value = inline;
      if (value === undefined) {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined || value === '') {
        problems.add(`-${name}`, 'needs a value');
      } else if (name === 'config') {
        configPaths.push(value);
      } else {
        values.set(name, value);
      }
    } else {
      problems.add(`-${name}`, 'unknown flag');
    }
  }
  return {
    configPaths,
    ...optional('revokeOnShutdown', bools.get('revoke-on-shutdown')),
    ...optional('exitAfterAuth', bools.get('exit-after-auth')),
    ...optional('logLevel', values.get('log-level')),
    ...optional('logFormat', values.get('log-format')),
  };
}

function readBool(name: string, inline: string | undefined, problems: Problems): boolean {
  if (inline === undefined) return true;
  try {
    return parseGoBool(inline);
  } catch {
    problems.add(`-${name}`, 'must be true or false');
    return false;
  }
}

/** `{ key: value }` when value is defined, else `{}` (exactOptionalPropertyTypes-friendly spread). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
