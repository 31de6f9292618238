// Liveness, readiness and metrics: public by design (nothing in them is shared content),
// except that metrics from another machine need TOCSIN_METRICS_TOKEN.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { safeEqual } from '../orgs/secrets.js';
import { errorResponses } from './schemas.js';

const loopback = /^(127\.|::1$|::ffff:127\.)/;

export const systemRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; isReady: () => boolean }> = async (app, { ctx, isReady }) => {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { tags: ['system'], summary: 'Readiness: the database answers and the hub is not shutting down', response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), ...errorResponses } },
    },
    async () => {
      if (!isReady()) throw new AppError('UNAVAILABLE', { detail: 'shutting down' });
      try {
        await sql`select 1`.execute(ctx.db);
      } catch (err) {
        throw new AppError('UNAVAILABLE', { detail: `database: ${(err as Error).message}` });
      }
      return { status: 'ready' as const, database: ctx.dialect };
    },
  );

  app.get(
    '/metrics',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Prometheus metrics (loopback, or Bearer TOCSIN_METRICS_TOKEN)', hide: false } },
    async (request, reply) => {
      const auth = request.headers.authorization ?? '';
      const token = ctx.config.metricsToken;
      const allowed = loopback.test(request.ip) || (token !== undefined && safeEqual(auth, `Bearer ${token}`));
      if (!allowed) throw new AppError('FORBIDDEN', { action: 'read metrics from another machine without TOCSIN_METRICS_TOKEN' });
      return reply.type(app.metrics.contentType).send(await app.metrics.metrics());
    },
  );
};
