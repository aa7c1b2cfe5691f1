// `vaultlet agent`: settings → logger → Vault client → Runner. Exit codes: 0 done (init) or
// stopped by SIGTERM/SIGINT (sidecar); 1 could not render / log in (message names the path or the
// login problem); 2 invalid configuration (every problem named).
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { ConfigError, toError } from '../shared/errors.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { systemClock } from '../shared/clock.ts';
import { loadAgentSettings, type AgentSettings } from './config.ts';
import { listConfigDir } from './config/hcl/config-dir.ts';
import { createHttpTransport } from './vault/http-transport.ts';
import { createTlsSource } from './vault/tls-files.ts';
import { VaultClient } from './vault/client.ts';
import { Runner } from './runner.ts';
import { nodeCredentialFiles } from './auth/credential-files.ts';
import { optional } from './config/flags.ts';
import { loadEngine } from './render/engines.ts';
import type { OutputPort } from './render/renderer.ts';
import { writeFileAtomic } from './output/atomic-write.ts';
import { resolveDestination } from './output/sandbox.ts';
import { sweepStaleTemps } from './output/temp-sweep.ts';
import { runCommand } from './output/command-runner.ts';
import { notifyReload } from './output/reload-notifier.ts';
import { markReady } from './output/ready-marker.ts';
import { crypto, v8 } from './lazy-builtins.ts';
import { saveMemoryOnceStarted } from './memory-saver.ts';

/** A graceful stop must end well inside the kubelet's grace period; past this we exit anyway. */
const SHUTDOWN_DEADLINE_MS = 1800;

const readText = (path: string): string => readFileSync(path, 'utf8');

export async function run(argv: readonly string[]): Promise<number> {
  let settings: AgentSettings;
  try {
    settings = loadAgentSettings(argv, process.env, readText, listConfigDir);
  } catch (err) {
    process.stderr.write(`vaultlet agent: ${toError(err).message}\n`);
    return err instanceof ConfigError ? 2 : 1;
  }
  const log = createLogger({ level: settings.logLevel, name: 'vaultlet-agent', base: { mode: settings.exitAfterAuth ? 'init' : 'sidecar' } }, pino.destination({ dest: 1, sync: true }));
  let client: VaultClient;
  let loginClient: VaultClient | undefined;
  try {
    client = makeClient(settings);
    loginClient = makeCertLoginClient(settings);
  } catch (err) {
    process.stderr.write(`vaultlet agent: ${toError(err).message}\n`);
    return 2;
  }
  const random = Math.random;
  // Temp files a crashed earlier run left beside the outputs (sinks and rendered files).
  sweepStaleTemps([...settings.sinks.map((s) => s.path), ...settings.templates.map((t) => t.destination)], settings.destinationRoots, log);
  if (settings.pidFile !== undefined) await writeFileAtomic(settings.pidFile, String(process.pid), { mode: 0o640 }).catch(() => undefined);
  const runner = new Runner({
    settings, client, clock: systemClock, random, log, readFile: readText, output: makeOutput(log), markReady: (p) => markReady(p),
    engines: loadEngine, env: (name) => process.env[name], credentialFiles: nodeCredentialFiles,
    ...(loginClient !== undefined ? { loginClient } : {}),
  });
  if (!settings.exitAfterAuth) {
    saveMemoryOnceStarted({ later: (fn, ms) => setTimeout(fn, ms).unref(), setV8Flags: (flags) => v8().setFlagsFromString(flags) });
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ event: 'signal', signal }, 'stopping');
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    runner.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  let listeners: { close(): Promise<void> } | undefined;
  if (settings.proxy !== undefined && settings.proxy.listeners.length > 0) {
    // Loaded only when configured: agents without a listener never load the proxy code.
    const { startAgentListeners } = await import('./listener/start.ts');
    try {
      listeners = await startAgentListeners({
        agent: settings, settings: settings.proxy, tokens: runner.tokens, client, clock: systemClock, random, log: log.child({ component: 'listener' }),
        quit: () => { log.info({ event: 'quit' }, 'quit requested on the agent API'); runner.stop(); }, readFile: readText,
      });
    } catch (err) {
      process.stderr.write(`vaultlet agent: ${toError(err).message}\n`);
      return 1;
    }
  }
  const outcome = await runner.run();
  await listeners?.close();
  client.close();
  loginClient?.close();
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGINT', onSignal);
  if (outcome.error !== undefined) {
    log.fatal({ event: 'exit', code: outcome.code, err: { type: outcome.error.name, message: outcome.error.message } }, 'agent stopped on an error');
    process.stderr.write(`vaultlet agent: ${outcome.error.message}\n`);
  }
  // Anything still pending (a reload POST retrying, a command) must not hold the process open.
  setTimeout(() => process.exit(outcome.code), SHUTDOWN_DEADLINE_MS).unref();
  return outcome.code;

  function makeOutput(l: Logger): OutputPort {
    return {
      resolveDestination,
      write: (path, content, options) => writeFileAtomic(path, content, { ...options, roots: settings.destinationRoots }),
      runCommand: (command, timeoutMs) => runCommand(command, { timeoutMs, log: l }),
      notifyReload: (url) => notifyReload(url, { clock: systemClock, random, log: l }),
    };
  }
}

/**
 * cert auth with its own TLS files (`client_cert`/`client_key`/`ca_cert` in the method config):
 * logins go through a client presenting that certificate; everything else keeps the vault stanza's.
 */
function makeCertLoginClient(settings: AgentSettings): VaultClient | undefined {
  const auth = settings.auth;
  if (auth.type !== 'cert' || (auth.clientCertPath === undefined && auth.caCertPath === undefined)) return undefined;
  const { caCertPem, caPath, caCertPath, clientCertPath, clientKeyPath, ...connection } = settings.vault;
  // The method's ca_cert replaces the vault stanza's CA settings, as Vault Agent's cert method does.
  const ca = auth.caCertPath !== undefined
    ? { caCertPath: auth.caCertPath }
    : { ...optional('caCertPem', caCertPem), ...optional('caPath', caPath), ...optional('caCertPath', caCertPath) };
  const pair = auth.clientCertPath !== undefined
    ? { clientCertPath: auth.clientCertPath, ...optional('clientKeyPath', auth.clientKeyPath) }
    : { ...optional('clientCertPath', clientCertPath), ...optional('clientKeyPath', clientKeyPath) };
  return makeClient({ ...settings, vault: { ...connection, ...ca, ...pair } });
}

function makeClient(settings: AgentSettings): VaultClient {
  const v = settings.vault;
  // TLS files are checked before every request and re-read when rotated; read once here so a
  // missing or unreadable file is a start-up error.
  const tls = createTlsSource({
    ...(v.caCertPem !== undefined ? { caPem: v.caCertPem } : {}),
    ...(v.caCertPath !== undefined ? { caCertPath: v.caCertPath } : {}),
    ...(v.caPath !== undefined ? { caPath: v.caPath } : {}),
    ...(v.clientCertPath !== undefined ? { clientCertPath: v.clientCertPath } : {}),
    ...(v.clientKeyPath !== undefined ? { clientKeyPath: v.clientKeyPath } : {}),
  });
  tls();
  const transport = createHttpTransport({
    address: v.address,
    tls,
    skipVerify: v.skipVerify,
    ...(v.tlsServerName !== undefined ? { tlsServerName: v.tlsServerName } : {}),
    ...(v.proxyUrl !== undefined ? { proxyUrl: v.proxyUrl } : {}),
    timeoutMs: v.timeoutMs,
    maxConnectionsPerHost: settings.templateConfig.maxConnectionsPerHost,
    // One connection pool serves auth and templating, so either opt-out turns keep-alive off.
    keepAlive: !settings.disableKeepAlives.some((s) => s === 'auto-auth' || s === 'templating'),
  });
  return new VaultClient({ transport, clock: systemClock, random: () => crypto().randomInt(1_000_000) / 1_000_000, ...(v.namespace !== undefined ? { namespace: v.namespace } : {}) });
}
