// buildApp(deps): the Fastify instance with every route, over HTTPS when a serving certificate is
// given. It never reads the environment. POST /mutate is answered by routes/mutate.ts from the
// server's request listener, ahead of Fastify (docs/adr/0003); everything else goes to Fastify.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { LogController, fastify, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../shared/logger.ts';
import type { ReviewCache } from './admission/review-cache.ts';
import type { AdmitFn } from './admission/review.ts';
import { createReviewer, type CachedAdmission, type ReviewOffload } from './admission/reviewer.ts';
import { createAdmissionMetrics, noMetrics } from './metrics/injector-metrics.ts';
import { registerHealthRoute } from './routes/health.ts';
import { createBodyBudget } from './routes/body-budget.ts';
import { handleHttpError, sendHttpError } from './routes/http-errors.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { createMutateListener, isMutatePost, registerMutateMethods } from './routes/mutate.ts';

export interface AppConfig {
  readonly maxBodyBytes: number;
  /** Connection hygiene (config.ts has the defaults; absent here: those same defaults). */
  readonly maxConnections?: number;
  readonly maxInflightBodyBytes?: number;
  readonly requestTimeoutMs?: number;
  readonly tlsHandshakeTimeoutMs?: number;
  /** '' (or absent) serves no metrics. */
  readonly telemetryPath?: string | undefined;
}

export interface AppDeps {
  readonly config: AppConfig;
  readonly admit: AdmitFn;
  readonly log: Logger;
  /** Where the vault-k8s metrics go when config.telemetryPath is set. */
  readonly registry?: Registry;
  /** The first serving pair plus TLS policy; absent = plain HTTP (tests only). */
  readonly tls?: SecureContextOptions;
  readonly isReady?: () => boolean;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
  /** Answers repeated reviews from their bytes (admission/review-cache.ts); absent: no cache. */
  readonly reviewCache?: ReviewCache<CachedAdmission>;
  /** Decides large reviews off the main thread (admission/review-worker.ts); absent: all here. */
  readonly offload?: ReviewOffload;
}

// Defaults for tests that build the app without a WebhookConfig; the same values as config.ts.
const DEFAULT_MAX_CONNECTIONS = 512;
const DEFAULT_INFLIGHT_BODY_BYTES = 32 * 1024 * 1024;
// The API server sends a review in one go, within milliseconds; only a stuck or hostile client
// needs more than a few seconds.
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
// What each request may buffer outside the shared body budget (a pod is a few KiB): with the
// connection cap, at most 512 × 64 KiB = 32 MiB by default.
const FREE_BODY_BYTES_PER_REQUEST = 64 * 1024;
// The most body a route other than POST /mutate reads (health probes, metrics, 404s, 405s).
const OTHER_ROUTES_BODY_LIMIT = 1024;
// Longer than the API server's idle keep-alive, so that it, not we, closes idle connections.
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

interface ServerLimits {
  readonly maxConnections: number;
  readonly requestTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
}

/**
 * Node's own timeouts, around the /mutate listener's body deadline (which answers a JSON 408 when
 * the body has not arrived within the request timeout of its headers): headers must arrive within
 * the request timeout, and any whole request (every route) within it plus a second, so a client
 * that sends its headers slowly and then its body slowly is still cut near the timeout. Node
 * checks them every connectionsCheckingInterval (30 s by default, which let a body sent a byte a
 * time live 90 s), so the check runs a few times per timeout.
 */
function serverOptions(limits: ServerLimits): {
  connectionsCheckingInterval: number;
  headersTimeout: number;
  requestTimeout: number;
} {
  return {
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(limits.requestTimeoutMs / 4))),
    headersTimeout: limits.requestTimeoutMs,
    requestTimeout: limits.requestTimeoutMs + 1_000,
  };
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const telemetryPath = config.telemetryPath ?? '';
  const usingMetrics = telemetryPath !== '' && deps.registry !== undefined;
  const metrics = usingMetrics && deps.registry ? createAdmissionMetrics(deps.registry) : noMetrics;
  const now = deps.now ?? (() => performance.now());
  const limits: ServerLimits = {
    maxConnections: config.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    handshakeTimeoutMs: config.tlsHandshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
  };
  let closing = false;
  const mutate = createMutateListener({
    review: createReviewer({
      admit: deps.admit,
      metrics,
      now,
      log: deps.log,
      reviewCache: deps.reviewCache,
      offload: deps.offload,
    }),
    metrics,
    log: deps.log,
    now,
    maxBodyBytes: config.maxBodyBytes,
    bodyBudget: createBodyBudget(config.maxInflightBodyBytes ?? DEFAULT_INFLIGHT_BODY_BYTES),
    freeBytesPerRequest: FREE_BODY_BYTES_PER_REQUEST,
    bodyTimeoutMs: limits.requestTimeoutMs,
    isClosing: () => closing,
  });
  const serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      if (isMutatePost(req)) mutate(req, res);
      else fastifyHandler(req, res);
    };
    const options = serverOptions(limits);
    // A socket that never finishes its TLS handshake is closed after handshakeTimeout (Node's
    // default, 120 s, kept silent connections open for minutes).
    const server =
      deps.tls === undefined
        ? createHttpServer(options, listener)
        : createHttpsServer({ ...deps.tls, ...options, handshakeTimeout: limits.handshakeTimeoutMs }, listener);
    // Every open connection costs memory whatever it sends: past the cap, new ones are dropped.
    server.maxConnections = limits.maxConnections;
    // A new connection that stays silent this long after its handshake is closed (Node would keep
    // it open for good: its header timeout starts with the first byte of a request). After a
    // response, Node replaces this with keepAliveTimeout for the idle time between requests.
    server.timeout = limits.requestTimeoutMs;
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    return server;
  };
  const app = fastify({
    loggerInstance: deps.log,
    // Routes log what matters themselves; the admission line is written by admission/reviewer.ts.
    logController: new LogController({ disableRequestLogging: true }),
    // Only /mutate takes a body, and it is read outside Fastify (under the shared body budget);
    // every route here refuses more than a token one instead of parsing it unbudgeted.
    bodyLimit: OTHER_ROUTES_BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    serverFactory,
    // Not used to make the server (serverFactory does) but for Fastify's own view of it (its logs).
    ...(deps.tls === undefined ? {} : { https: deps.tls }),
  }) as unknown as FastifyInstance;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.setErrorHandler(handleHttpError);
  app.setNotFoundHandler((_request, reply) => {
    sendHttpError(reply, 404, 'WHK_NOT_FOUND', 'not found');
  });

  registerMutateMethods(app);
  registerHealthRoute(app, deps.isReady ?? (() => true));
  if (usingMetrics && deps.registry) registerMetricsRoute(app, telemetryPath, deps.registry);
  return app;
}
