// The `vaultlet` command: one binary, several programs. Each subcommand (and its help) is loaded
// lazily so that `vaultlet agent` never loads the webhook's modules and the reverse (smaller,
// faster start-up).
import { wantsHelp } from './help/flag-table.ts';
import { versionLine } from './version.ts';

export interface Subcommand {
  readonly summary: string;
  readonly load: () => Promise<{ run: (argv: readonly string[]) => Promise<number> }>;
  readonly help: () => Promise<string>;
}

export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object.freeze({
  webhook: {
    summary: 'run the mutating admission webhook (HTTPS)',
    load: () => import('../webhook/main.ts'),
    help: async () => (await import('./help/webhook.ts')).help(),
  },
  preview: {
    summary: 'show offline what the webhook would do to a manifest',
    load: () => import('../webhook/preview/main.ts'),
    help: async () => (await import('../webhook/preview/usage.ts')).PREVIEW_USAGE,
  },
  agent: {
    summary: 'run the agent (init container or sidecar)',
    load: () => import('../agent/main.ts'),
    help: async () => (await import('./help/agent.ts')).help(),
  },
  ready: {
    summary: 'exit 0 when the agent has rendered once (startup probe)',
    load: () => import('../agent/ready-check.ts'),
    help: async () => (await import('./help/commands.ts')).readyHelp(),
  },
  'dev-vault': {
    summary: 'run the Vault test server (development only)',
    load: () => import('../test/vault-server/main.ts'),
    help: async () => (await import('./help/commands.ts')).devVaultHelp(),
  },
  demo: {
    summary: 'end-to-end demo on this machine',
    load: () => import('./demo/main.ts'),
    help: async () => (await import('./help/commands.ts')).demoHelp(),
  },
});

function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, cmd]) => `  ${name.padEnd(10)} ${cmd.summary}`);
  return (
    `usage: vaultlet <command> [flags]\n\ncommands:\n${lines.join('\n')}\n  ${'version'.padEnd(10)} print the version\n\n` +
    'Run "vaultlet <command> -h" for the flags of a command.\n'
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === '-help' || name === 'help') {
    const helpOf = name === 'help' && rest[0] !== undefined ? SUBCOMMANDS[rest[0]] : undefined;
    if (helpOf !== undefined) {
      process.stdout.write(await helpOf.help());
      return 0;
    }
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === 'version' || name === '--version' || name === '-version' || name === '-v') {
    process.stdout.write(versionLine());
    return 0;
  }
  const cmd = SUBCOMMANDS[name];
  if (cmd === undefined) {
    process.stderr.write(`vaultlet: unknown command "${name.slice(0, 64)}"\n\n${usage()}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(await cmd.help());
    return 0;
  }
  const mod = await cmd.load();
  return mod.run(rest);
}
