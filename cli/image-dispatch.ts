// Subcommand dispatch for the single-purpose image binaries (agent-image.ts, webhook-image.ts):
// only the listed programs are reachable, so each bundle holds only what its image runs.
type Program = () => Promise<{ run: (argv: readonly string[]) => Promise<number> }>;

export async function dispatch(binary: string, programs: Readonly<Record<string, Program>>, argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const usage = `usage: ${binary} <${Object.keys(programs).join('|')}> [flags]\n`;
  if (name === '-h' || name === '--help') {
    process.stdout.write(usage);
    return 0;
  }
  const program = name === undefined ? undefined : programs[name];
  if (program === undefined) {
    process.stderr.write(`${name === undefined ? '' : `${binary}: unknown command "${name}"\n`}${usage}`);
    return 2;
  }
  return (await program()).run(rest);
}
