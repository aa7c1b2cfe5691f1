// `vaultlet webhook`: config → logger → serving certificate → HTTPS server → wait for SIGTERM.
// Exit codes: 0 after a graceful stop, 1 when it cannot start (no certificate, port in use),
// 2 for configuration errors (every bad variable listed on stderr).
import type { Server as HttpsServer } from 'node:https';
import { setPriority } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { AppError, ConfigError, toError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { createReviewCache, DEFAULT_REVIEW_CACHE } from './admission/review-cache.ts';
import { buildApp } from './app.ts';
import { loadWebhookConfig, type WebhookConfig } from './config.ts';
import { admitPod } from './inject/admit.ts';
import type { CachedAdmission } from './admission/reviewer.ts';
import { createReviewWorker, serveReviews, type ReviewWorker } from './admission/review-worker.ts';
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
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_GRACE_MS);
  });
  await Promise.race([source.stop().catch(() => undefined), grace]);
  clearTimeout(timer);
  // A request still in flight (a hung API server connection) would keep the event loop alive:
  // once run() has returned, exit with its code anyway if the loop has not drained by itself.
  setTimeout(() => {
    process.exit();
  }, EXIT_GRACE_MS).unref();
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

const REVIEW_WORKER = 'vaultlet-review-worker';
// Larger reviews go to the review worker. Pods are a few KiB; the review cache keeps none above
// 64 KiB either, so a cached answer never needs the worker.
const OFFLOAD_MIN_BYTES = 64 * 1024;
// A legitimate review of the largest size takes ~100 ms; past this the worker is replaced.
const REVIEW_TIMEOUT_MS = 5_000;
// The worker's heap: deciding a 3 MiB review takes under 10 MiB of it; a review that needs more
// than this kills the worker (and is answered 500), which is then replaced.
const WORKER_HEAP_MIB = 48;
const WORKER_YOUNG_HEAP_MIB = 8;
// The worker thread's niceness: when the cores are busy, the main thread (every small review, the
// health probes) runs first; the worker still gets a share, never starved outright.
const WORKER_NICENESS = 10;

/**
 * The review worker runs this same program (the entry that started the process, with the same
 * arguments and environment, so the same configuration), marked by workerData.
 */
function startReviewWorker(): Worker {
  return new Worker(process.argv[1] ?? '', {
    argv: process.argv.slice(2),
    workerData: { role: REVIEW_WORKER },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MIB, maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MIB },
  });
}

/** Inside the review worker: decide the reviews the main thread posts, until it goes away. */
async function serveAsReviewWorker(config: WebhookConfig): Promise<number> {
  const port = parentPort;
  if (port === null) return 1;
  try {
    // On Linux, pid 0 is the calling thread: only the worker's priority drops.
    setPriority(0, WORKER_NICENESS);
  } catch {
    // Not allowed here (some sandboxes): the worker runs at normal priority.
  }
  serveReviews(port, (input) => admitPod(input, config));
  await new Promise((resolve) => port.once('close', resolve));
  return 0;
}

export async function run(argv: readonly string[]): Promise<number> {
  const config = configOrExit(argv);
  if (config === undefined) return 2;
  if (!isMainThread && (workerData as { role?: string } | null)?.role === REVIEW_WORKER) {
    return serveAsReviewWorker(config);
  }
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
  let reviewWorker: ReviewWorker | undefined;
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
    reviewWorker = createReviewWorker({
      start: startReviewWorker,
      minBytes: OFFLOAD_MIN_BYTES,
      timeoutMs: REVIEW_TIMEOUT_MS,
    });
    const app = buildApp({
      config,
      offload: reviewWorker,
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
    log.info(
      { address, tlsMinVersion: config.tlsMinVersion, telemetryPath: config.telemetryPath },
      'webhook listening',
    );
    const signal = await stopped;
    log.info({ signal }, 'shutting down');
    ready = false;
    await app.close();
    await reviewWorker.close();
    await stopSource(source);
    return 0;
  } catch (err) {
    log.fatal(startFailure(err), 'webhook failed to start');
    await reviewWorker?.close();
    await stopSource(source);
    return 1;
  }
}
