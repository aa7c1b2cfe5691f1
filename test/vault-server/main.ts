// `vaultlet dev-vault [--seed FILE] [--port N] [--host H] [--jwt-file PATH]`: the Vault test server
// as a process, for the demo and for trying the agent by hand. Like `vault server -dev`, it prints
// its address and root token (a development server's only credential); it also writes a
// service-account JWT its Kubernetes auth accepts to a file (never to the terminal), the agent's
// `token_path`. Then it serves until SIGINT or SIGTERM.
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeServiceAccountJwt } from './jwt.ts';
import { startVaultServer } from './server.ts';
import { loadSeedFile, type VaultSeed } from './seed.ts';
import { ConfigError } from '../../shared/errors.ts';

const USAGE =
  'usage: vaultlet dev-vault [--seed FILE] [--port N] [--host H] [--jwt-file PATH] [--service-account NAME] [--namespace NS]\n';

/** A day: long enough for a development session; the test server checks `exp`. */
const JWT_TTL_SECONDS = 86_400;

interface Flags {
  readonly seed?: string;
  readonly port: number;
  readonly host: string;
  readonly jwtFile?: string;
  readonly serviceAccount: string;
  readonly namespace: string;
}

export function parseFlags(argv: readonly string[]): Flags | string {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const m = /^--?(seed|port|host|jwt-file|service-account|namespace)(?:=(.*))?$/.exec(arg);
    if (m === null) return `unknown argument ${JSON.stringify(arg)}`;
    const value = m[2] ?? argv[i + 1];
    if (value === undefined) return `--${m[1]} needs a value`;
    if (m[2] === undefined) i += 1;
    values[m[1] ?? ''] = value;
  }
  const port = Number(values['port'] ?? '8200');
  if (!Number.isInteger(port) || port < 0 || port > 65535) return '--port must be 0-65535';
  return {
    ...(values['seed'] === undefined ? {} : { seed: values['seed'] }),
    ...(values['jwt-file'] === undefined ? {} : { jwtFile: values['jwt-file'] }),
    port,
    host: values['host'] ?? '127.0.0.1',
    // The sample seed's Kubernetes role `app` is bound to service account app in namespace default.
    serviceAccount: values['service-account'] ?? 'app',
    namespace: values['namespace'] ?? 'default',
  };
}

/** Writes the JWT with mode 0600, refusing to follow a symlink planted at the path. */
async function writeJwt(path: string, jwt: string): Promise<void> {
  const file = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    await file.writeFile(`${jwt}\n`);
  } finally {
    await file.close();
  }
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
  const ownDir = flags.jwtFile === undefined ? await mkdtemp(join(tmpdir(), 'vaultlet-dev-vault-')) : undefined;
  const jwtFile = flags.jwtFile ?? join(ownDir ?? '', 'token');
  try {
    await writeJwt(
      jwtFile,
      makeServiceAccountJwt({
        namespace: flags.namespace,
        serviceAccount: flags.serviceAccount,
        ttlSeconds: JWT_TTL_SECONDS,
      }),
    );
  } catch (err) {
    process.stderr.write(
      `vaultlet dev-vault: cannot write the JWT to ${jwtFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`,
    );
    return 2;
  }
  const server = await startVaultServer({
    ...(seed === undefined ? {} : { seed }),
    port: flags.port,
    host: flags.host,
  });
  // Listening for the stop signal before the address is printed: whoever reads it may stop us at once.
  const stopped = waitForSignal();
  process.stdout.write(
    'vaultlet dev-vault: a Vault test server, for development only (in memory, no TLS)\n' +
      `VAULT_ADDR=${server.url}\nVAULT_TOKEN=${server.rootToken}\n` +
      `JWT_FILE=${jwtFile}\n` +
      `(a service-account JWT for ${flags.namespace}/${flags.serviceAccount}: the agent's auto_auth token_path)\n`,
  );
  const signal = await stopped;
  process.stdout.write(`vaultlet dev-vault: ${signal}, stopping\n`);
  await server.close();
  if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
  return 0;
}
