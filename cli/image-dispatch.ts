// Subcommand dispatch for the single-purpose image binaries (agent-image.ts, webhook-image.ts):
// only the listed programs are reachable, so each bundle holds only what its image runs.
import { wantsHelp } from './help/flag-table.ts';
import { versionLine } from './version.ts';

export interface Program {
  readonly load: () => Promise<{ run: (argv: readonly string[]) => Promise<number> }>;
  readonly help: () => Promise<string>;
}

export async function dispatch(
  binary: string,
  programs: Readonly<Record<string, Program>>,
  argv: readonly string[],
): Promise<number> {
  const [name, ...rest] = argv;
  const usage = `usage: ${binary} <${[...Object.keys(programs), 'version'].join('|')}> [flags]\n`;
  if (name === '-h' || name === '--help' || name === '-help') {
    process.stdout.write(usage);
    return 0;
  }
  if (name === 'version' || name === '--version' || name === '-version' || name === '-v') {
    process.stdout.write(versionLine());
    return 0;
  }
  const program = name === undefined ? undefined : programs[name];
  if (program === undefined) {
    process.stderr.write(`${name === undefined ? '' : `${binary}: unknown command "${name.slice(0, 64)}"\n`}${usage}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(await program.help());
    return 0;
  }
  return (await program.load()).run(rest);
}
