// GET /api/stream: the live event stream (text/event-stream) for a signed-in browser
// (EventSource sends the cookie) or a script with an API token.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { actorOf, requestInfo } from '../http/auth.plugin.js';
import { errorResponses } from '../http/schemas.js';
import { resolveSession } from '../orgs/auth.service.js';
import { resolveToken } from '../orgs/tokens.service.js';
import { readerFor } from '../sharing/policy.js';
import type { StreamHub } from './stream.js';

export const streamRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; hub: StreamHub }> = async (app, { ctx, hub }) => {
  app.get(
    '/stream',
    {
      schema: {
        tags: ['push'],
        summary: 'Live events you are an audience of (Server-Sent Events). Reconnect with Last-Event-ID to replay what you missed.',
        querystring: Type.Object({ lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) }, { additionalProperties: false }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const raw = request.headers['last-event-id'] ?? request.query.lastEventId;
      if (raw !== undefined && !/^[0-9]{1,15}$/.test(String(raw))) throw new AppError('VALIDATION_FAILED', { detail: 'Last-Event-ID must be an event id' });
      const lastEventId = raw === undefined ? null : Number(raw);
      const reader = await readerFor(ctx.db, actor);
      const info = requestInfo(request);
      const session = request.session?.token;
      const token = request.tokenCredentials;
      // A stream outlives its request: the credential is checked again from time to time.
      const revalidate = async () => {
        if (session) return (await resolveSession(ctx, session, info))?.actor ?? null;
        if (token) return resolveToken(ctx, token.id, token.secret, info).catch(() => null);
        return null;
      };

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      res.write(`retry: 3000\n: connected\n\n`);
      const credentialKey = session ? `session:${request.session!.hash}` : `token:${token?.id ?? actor.userId}`;
      await hub.add({ actor, reader, res, revalidate, credentialKey }, lastEventId);
    },
  );
};
