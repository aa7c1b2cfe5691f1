// `vaultlet webhook`: config → logger → serving certificate → HTTPS server → wait for SIGTERM.
// Exit codes: 0 after a graceful stop, 1 when it cannot start (no certificate, port in use),
// 2 for configuration errors (every bad variable listed on stderr).
import type { Server as HttpsServer } from 'node:https';
import { Registry } from 'prom-client';
import { AppError, ConfigError, toError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { createReviewCache, DEFAULT_REVIEW_CACHE } from './admission/review-cache.ts';
import { buildApp } from './app.ts';
import { loadWebhookConfig, type WebhookConfig } from './config.ts';
import { admitPod } from './inject/admit.ts';
import type { CachedAdmission } from './admission/reviewer.ts';
import type { CertSource } from './tls/cert-source.ts';
import { selectCertSource } from './tls/select-cert-source.ts';
import { applyCertChanges, secureContextOptions, tlsPolicy } from './tls/server-tls.ts';

function configOrExit(argv: readonly string[]): WebhookConfig | undefined {
  try {
    return loadWebhookConfig(process.env, argv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`vaultlet webhook: ${err.message}\n`);
    return undefined;
  }
}

// After a stop signal, a certificate source gets this long to stop cleanly: an auto-TLS request
// to an API server that never answers must not keep a terminating pod alive.
const STOP_GRACE_MS = 2_000;
const EXIT_GRACE_MS = 500;

function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Stops the source, giving up after STOP_GRACE_MS; then nothing it left pending may hold the process. */
async function stopSource(source: CertSource): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_GRACE_MS); });
  await Promise.race([source.stop().catch(() => undefined), grace]);
  clearTimeout(timer);
  // A request still in flight (a hung API server connection) would keep the event loop alive:
  // once run() has returned, exit with its code anyway if the loop has not drained by itself.
  setTimeout(() => { process.exit(); }, EXIT_GRACE_MS).unref();
}

/**
 * What a start-up failure logs: an expected one (an AppError: a missing certificate file, a port in
 * use) by its code and message (with its cause's, which names the file), as one line that says
 * what to fix; only an unexpected one with its stack.
 */
function startFailure(err: unknown): Record<string, unknown> {
  if (!(err instanceof AppError)) return { err: toError(err) };
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return { code: err.code, error: `${err.message}${cause}` };
}

export async function run(argv: readonly string[]): Promise<number> {
  const config = configOrExit(argv);
  if (config === undefined) return 2;
  const log = createLogger({ level: config.logLevel, name: 'vaultlet-webhook' });
  // Listening from here on: a SIGTERM while the certificate source loads or waits for its first
  // certificate (an auto-TLS follower before the leader wrote one) stops start-up with exit 0.
  const stopped = waitForStopSignal();

  let source: CertSource;
  try {
    source = await selectCertSource(config, log);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vaultlet webhook: ${err.message}\n`);
      return 2;
    }
    log.fatal(startFailure(err), 'cannot set up the serving certificate');
    return 1;
  }
  const policy = tlsPolicy(config);
  let ready = false;
  const starting = source.start();
  starting.catch(() => undefined); // observed below; a late rejection after a stop signal is moot
  try {
    // Auto-TLS can wait a long time for its first certificate; a stop signal must still stop it.
    const first = await Promise.race([starting, stopped.then(() => undefined)]);
    if (first === undefined) {
      log.info({}, 'stopped before a serving certificate was available');
      await stopSource(source);
      return 0;
    }
    const app = buildApp({
      config,
      // admitPod is pure: a review that differs from an earlier one only in its uid gets its answer.
      admit: (input) => admitPod(input, config),
      reviewCache: createReviewCache<CachedAdmission>(DEFAULT_REVIEW_CACHE),
      log,
      registry: new Registry(),
      tls: secureContextOptions(policy, first),
      isReady: () => ready,
    });
    applyCertChanges(app.server as unknown as HttpsServer, source, policy, log);
    const address = await app.listen({ host: config.listen.host, port: config.listen.port });
    ready = true;
    log.info({ address, tlsMinVersion: config.tlsMinVersion, telemetryPath: config.telemetryPath }, 'webhook listening');
    const signal = await stopped;
    log.info({ signal }, 'shutting down');
    ready = false;
    await app.close();
    await stopSource(source);
    return 0;
  } catch (err) {
    log.fatal(startFailure(err), 'webhook failed to start');
    await stopSource(source);
    return 1;
  }
}
