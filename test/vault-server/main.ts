// `vaultlet dev-vault [--seed FILE] [--port N] [--host H]`: the Vault test server as a process, for
// the demo and for trying the agent by hand. Like `vault server -dev`, it prints its address and
// root token (a development server's only credential), then serves until SIGINT or SIGTERM.
import { startVaultServer } from './server.ts';
import { loadSeedFile, type VaultSeed } from './seed.ts';
import { ConfigError } from '../../shared/errors.ts';

const USAGE = 'usage: vaultlet dev-vault [--seed FILE] [--port N] [--host H]\n';

interface Flags {
  readonly seed?: string;
  readonly port: number;
  readonly host: string;
}

export function parseFlags(argv: readonly string[]): Flags | string {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const m = /^--?(seed|port|host)(?:=(.*))?$/.exec(arg);
    if (m === null) return `unknown argument ${JSON.stringify(arg)}`;
    const value = m[2] ?? argv[i + 1];
    if (value === undefined) return `--${m[1]} needs a value`;
    if (m[2] === undefined) i += 1;
    values[m[1] ?? ''] = value;
  }
  const port = Number(values['port'] ?? '8200');
  if (!Number.isInteger(port) || port < 0 || port > 65535) return '--port must be 0-65535';
  return { ...(values['seed'] === undefined ? {} : { seed: values['seed'] }), port, host: values['host'] ?? '127.0.0.1' };
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const flags = parseFlags(argv);
  if (typeof flags === 'string') {
    process.stderr.write(`vaultlet dev-vault: ${flags}\n${USAGE}`);
    return 2;
  }
  let seed: VaultSeed | undefined;
  try {
    seed = flags.seed === undefined ? undefined : loadSeedFile(flags.seed);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : `cannot read seed: ${(err as Error).message}`;
    process.stderr.write(`vaultlet dev-vault: ${message}\n`);
    return 2;
  }
  const server = await startVaultServer({ ...(seed === undefined ? {} : { seed }), port: flags.port, host: flags.host });
  process.stdout.write(
    'vaultlet dev-vault: a Vault test server, for development only (in memory, no TLS)\n' +
      `VAULT_ADDR=${server.url}\nVAULT_TOKEN=${server.rootToken}\n`,
  );
  const signal = await waitForSignal();
  process.stdout.write(`vaultlet dev-vault: ${signal}, stopping\n`);
  await server.close();
  return 0;
}
