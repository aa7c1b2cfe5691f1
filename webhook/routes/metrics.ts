// The Prometheus exposition, served only when AGENT_INJECT_TELEMETRY_PATH is set.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function registerMetricsRoute(app: FastifyInstance, path: string, registry: Registry): void {
  app.get(path, { logLevel: 'warn' }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
