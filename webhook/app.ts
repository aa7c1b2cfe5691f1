// buildApp(deps): the Fastify instance with every route, over HTTPS when a serving certificate is
// given. It never listens (main.ts does; tests use app.inject()) and never reads the environment.
import type { SecureContextOptions } from 'node:tls';
import { LogController, fastify, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../shared/logger.ts';
import type { ReviewCache } from './admission/review-cache.ts';
import type { AdmitFn } from './admission/review.ts';
import { createAdmissionMetrics, noMetrics } from './metrics/injector-metrics.ts';
import { registerHealthRoute } from './routes/health.ts';
import { handleHttpError, sendHttpError } from './routes/http-errors.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerMutateRoute, type AdmissionSummary } from './routes/mutate.ts';

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
  readonly reviewCache?: ReviewCache<AdmissionSummary>;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const telemetryPath = config.telemetryPath ?? '';
  const app = fastify({
    loggerInstance: deps.log,
    // The mutate route writes its own single line per admission.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // The API server gives up after timeoutSeconds (30 s by default); so do we, on stuck clients.
    requestTimeout: 30_000,
    ...(deps.tls === undefined ? {} : { https: deps.tls }),
  }) as unknown as FastifyInstance;
  // Only JSON bodies: anything else is a 400 from the error handler, not a 415 or a string body.
  app.removeContentTypeParser('text/plain');
  // /mutate takes the body's bytes: the review cache answers repeats without parsing them, and
  // admission/review-json.ts parses the rest with the same prototype-poisoning checks.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.setErrorHandler(handleHttpError);
  app.setNotFoundHandler((_request, reply) => {
    sendHttpError(reply, 404, 'WHK_NOT_FOUND', 'not found');
  });

  const usingMetrics = telemetryPath !== '' && deps.registry !== undefined;
  const metrics = usingMetrics && deps.registry ? createAdmissionMetrics(deps.registry) : noMetrics;
  registerMutateRoute(app, {
    admit: deps.admit,
    metrics,
    now: deps.now ?? (() => performance.now()),
    log: deps.log,
    reviewCache: deps.reviewCache,
  });
  registerHealthRoute(app, deps.isReady ?? (() => true));
  if (usingMetrics && deps.registry) registerMetricsRoute(app, telemetryPath, deps.registry);
  return app;
}
