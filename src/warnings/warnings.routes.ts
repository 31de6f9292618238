// The warnings API: preview (extract indicators, flag personal data), send, read, update,
// retract, and the STIX form. Handlers decode, call the service, respond.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { previewWarningText } from './preview.service.js';
import { PreviewResultSchema, PreviewSchema, WarningCreateSchema, WarningPatchSchema, WarningQuerySchema } from './warnings.schemas.js';
import { createWarning, getWarning, getWarningBundle, listWarnings, retractWarning, updateWarning } from './warnings.service.js';

export const warningsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const warning = Type.Ref('Warning');

  app.post(
    '/warnings/preview',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Extract, refang and type the indicators in pasted text, and flag personal data to redact (nothing is stored)',
        body: PreviewSchema,
        response: { 200: PreviewResultSchema, ...errorResponses },
      },
    },
    async (request) => previewWarningText(ctx, actorOf(request), request.body),
  );

  app.post(
    '/warnings',
    { schema: { tags: ['warnings'], summary: 'Report an attack: send a warning to an audience under a TLP', body: WarningCreateSchema, response: { 201: warning, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await createWarning(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/warnings',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Warnings you may see, newest first',
        querystring: WarningQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(warning), total: Type.Integer(), nextBefore: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
      },
    },
    async (request) => listWarnings(ctx, actorOf(request), request.query),
  );

  app.get('/warnings/:id', { schema: { tags: ['warnings'], summary: 'One warning', params: IdParams, response: { 200: warning, ...errorResponses } } }, async (request) =>
    getWarning(ctx, actorOf(request), request.params.id),
  );

  app.get(
    '/warnings/:id/stix',
    { schema: { tags: ['warnings'], summary: 'The warning as a STIX 2.1 bundle', params: IdParams, response: { 200: Type.Object({ type: Type.Literal('bundle'), id: Type.String(), objects: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), ...errorResponses } } },
    async (request, reply) => reply.type('application/stix+json;version=2.1').send(await getWarningBundle(ctx, actorOf(request), request.params.id)),
  );

  app.patch(
    '/warnings/:id',
    { schema: { tags: ['warnings'], summary: 'Update your warning; everyone who received it is told', params: IdParams, body: WarningPatchSchema, response: { 200: warning, ...errorResponses } } },
    async (request) => updateWarning(ctx, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/warnings/:id/retract',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Retract your warning: it stays on record, marked retracted, and everyone who received it is told',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: warning, ...errorResponses },
      },
    },
    async (request) => retractWarning(ctx, actorOf(request), request.params.id, request.body.reason),
  );
};
