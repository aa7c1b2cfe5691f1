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
import { createReviewer, type CachedAdmission } from './admission/reviewer.ts';
import { createAdmissionMetrics, noMetrics } from './metrics/injector-metrics.ts';
import { registerHealthRoute } from './routes/health.ts';
import { handleHttpError, sendHttpError } from './routes/http-errors.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { createMutateListener, isMutatePost, registerMutateMethods } from './routes/mutate.ts';

export interface AppConfig {
  readonly maxBodyBytes: number;
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
}

// The API server gives up after timeoutSeconds (30 s at most); so do we, on stuck clients.
const REQUEST_TIMEOUT_MS = 30_000;
// Longer than the API server's idle keep-alive, so that it, not we, closes idle connections.
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const telemetryPath = config.telemetryPath ?? '';
  const usingMetrics = telemetryPath !== '' && deps.registry !== undefined;
  const metrics = usingMetrics && deps.registry ? createAdmissionMetrics(deps.registry) : noMetrics;
  const now = deps.now ?? (() => performance.now());
  let closing = false;
  const mutate = createMutateListener({
    review: createReviewer({ admit: deps.admit, metrics, now, log: deps.log, reviewCache: deps.reviewCache }),
    metrics,
    log: deps.log,
    now,
    maxBodyBytes: config.maxBodyBytes,
    isClosing: () => closing,
  });
  const serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      if (isMutatePost(req)) mutate(req, res);
      else fastifyHandler(req, res);
    };
    const server = deps.tls === undefined ? createHttpServer(listener) : createHttpsServer(deps.tls, listener);
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    return server;
  };
  const app = fastify({
    loggerInstance: deps.log,
    // Routes log what matters themselves; the admission line is written by admission/reviewer.ts.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
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
