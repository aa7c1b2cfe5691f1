// Help text in the shape of Go's flag.PrintDefaults (what vault-k8s's `agent-inject -h` prints):
// each flag on its own line, its description indented below with the environment variable and
// the default, so every flag reads the same way in every command's help.
export interface FlagHelp {
  /** Flag name without dashes. */
  readonly name: string;
  /** Placeholder for the value (`string`, `duration`, …); absent for a boolean flag. */
  readonly value?: string;
  readonly description: string;
  /** Environment variable that sets the same thing, if any. */
  readonly env?: string;
  /** Default as the user would write it; '' for none. */
  readonly default: string;
}

export interface EnvHelp {
  readonly env: string;
  readonly description: string;
  readonly default: string;
}

function suffix(env: string | undefined, def: string): string {
  const parts = [
    ...(env === undefined ? [] : [`env ${env}`]),
    ...(def === '' ? [] : [`default ${JSON.stringify(def)}`]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

export function formatFlags(flags: readonly FlagHelp[]): string {
  return flags
    .map(
      (f) =>
        `  -${f.name}${f.value === undefined ? '' : ` ${f.value}`}\n        ${f.description}${suffix(f.env, f.default)}\n`,
    )
    .join('');
}

export function formatEnv(vars: readonly EnvHelp[]): string {
  return vars.map((v) => `  ${v.env}\n        ${v.description}${suffix(undefined, v.default)}\n`).join('');
}

/** True when the arguments (before a `--`) ask for help, in any of the spellings Go and GNU tools accept. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '-h' || arg === '-help' || arg === '--help') return true;
  }
  return false;
}
