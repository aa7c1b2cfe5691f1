// buildApp(deps): the Fastify instance with every route, over HTTPS when a serving certificate is
// given. It never listens (main.ts does; tests use app.inject()) and never reads the environment.
import type { SecureContextOptions } from 'node:tls';
import { LogController, fastify, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../shared/logger.ts';
import type { AdmitFn } from './admission/review.ts';
import { createAdmissionMetrics, noMetrics } from './metrics/injector-metrics.ts';
import { registerHealthRoute } from './routes/health.ts';
import { handleHttpError, sendHttpError } from './routes/http-errors.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerMutateRoute } from './routes/mutate.ts';

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
  app.setErrorHandler(handleHttpError);
  app.setNotFoundHandler((_request, reply) => {
    sendHttpError(reply, 404, 'WHK_NOT_FOUND', 'not found');
  });

  const usingMetrics = telemetryPath !== '' && deps.registry !== undefined;
  const metrics = usingMetrics && deps.registry ? createAdmissionMetrics(deps.registry) : noMetrics;
  registerMutateRoute(app, { admit: deps.admit, metrics, now: deps.now ?? (() => performance.now()), log: deps.log });
  registerHealthRoute(app, deps.isReady ?? (() => true));
  if (usingMetrics && deps.registry) registerMetricsRoute(app, telemetryPath, deps.registry);
  return app;
}
