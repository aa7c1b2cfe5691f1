// The `vaultlet` command: one binary, several programs. Each subcommand is loaded lazily so that
// `vaultlet agent` never loads the webhook's modules and the reverse (smaller, faster start-up).
export interface Subcommand {
  readonly summary: string;
  readonly load: () => Promise<{ run: (argv: readonly string[]) => Promise<number> }>;
}

export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object.freeze({
  webhook: { summary: 'run the mutating admission webhook (HTTPS)', load: () => import('../webhook/main.ts') },
  preview: { summary: 'show offline what the webhook would do to a manifest', load: () => import('../webhook/preview/main.ts') },
  agent: { summary: 'run the agent (init container or sidecar)', load: () => import('../agent/main.ts') },
  ready: { summary: 'exit 0 when the agent has rendered once (startup probe)', load: () => import('../agent/ready-check.ts') },
  'dev-vault': { summary: 'run the Vault test server (development only)', load: () => import('../test/vault-server/main.ts') },
  demo: { summary: 'end-to-end demo on this machine', load: () => import('./demo/main.ts') },
});

function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, cmd]) => `  ${name.padEnd(10)} ${cmd.summary}`);
  return `usage: vaultlet <command> [flags]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = SUBCOMMANDS[name];
  if (cmd === undefined) {
    process.stderr.write(`vaultlet: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await cmd.load();
  return mod.run(rest);
}
