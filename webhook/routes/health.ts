// /health/ready: used by vault-k8s's chart for liveness, readiness and startup probes alike, with
// any method. 204 once a serving certificate is loaded, 503 before.
import type { FastifyInstance } from 'fastify';
import { sendHttpError } from './http-errors.ts';

export function registerHealthRoute(app: FastifyInstance, isReady: () => boolean): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/health/ready',
    logLevel: 'warn',
    handler: (_request, reply) => {
      if (isReady()) {
        void reply.code(204).send();
        return;
      }
      sendHttpError(reply, 503, 'WHK_NOT_READY', 'no serving certificate loaded yet');
    },
  });
}
