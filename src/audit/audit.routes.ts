// Reading the audit trail.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Nullable, Timestamp } from '../http/schemas.js';
import { listAudit } from './audit.service.js';

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  action: Type.String(),
  actorKind: Type.String(),
  actorLabel: Nullable(Type.String()),
  actorUserId: Nullable(Type.String()),
  actorTokenId: Nullable(Type.String()),
  orgId: Nullable(Type.String()),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: "The audit trail, newest first: an org admin reads their organisation's, the operator everything",
        querystring: Type.Object(
          {
            orgId: Type.Optional(Type.String({ format: 'uuid' })),
            action: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z_.]+$' })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), nextBefore: Nullable(Type.Integer()) }), ...errorResponses },
      },
    },
    async (request) => listAudit(ctx, actorOf(request), request.query),
  );
};
