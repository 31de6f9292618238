// The webhooks API, every route in one place. Each handler: decode, call the service, respond.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import {
  DeliveryPageSchema,
  DeliveryQuerySchema,
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookPatchSchema,
  WebhookSchema,
  WebhookSecretSchema,
  WebhookTestResultSchema,
} from './webhooks.schemas.js';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, rotateWebhookSecret, testWebhook, updateWebhook } from './webhooks.service.js';

export const webhooksRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['webhooks'];

  app.get(
    '/orgs/:id/webhooks',
    { schema: { tags, summary: "An organisation's webhooks (its admins, operator)", params: IdParams, response: { 200: ListOf(WebhookSchema), ...errorResponses } } },
    async (request) => ({ items: await listWebhooks(ctx, actorOf(request), request.params.id) }),
  );

  app.post(
    '/orgs/:id/webhooks',
    {
      schema: {
        tags,
        summary: 'Add a webhook: warnings the organisation receives are POSTed to the URL, signed. The answer holds the signing secret, shown only this once.',
        params: IdParams,
        body: WebhookCreateSchema,
        response: { 201: WebhookCreatedSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhook(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.get('/webhooks/:id', { schema: { tags, summary: 'One webhook', params: IdParams, response: { 200: WebhookSchema, ...errorResponses } } }, async (request) =>
    getWebhook(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    { schema: { tags, summary: 'Change a webhook (name, URL, format, filter, on/off; a connector\'s credential and options)', params: IdParams, body: WebhookPatchSchema, response: { 200: WebhookSchema, ...errorResponses } } },
    async (request) => updateWebhook(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete('/webhooks/:id', { schema: { tags, summary: 'Delete a webhook and its delivery log', params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await deleteWebhook(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post(
    '/webhooks/:id/rotate-secret',
    { schema: { tags, summary: 'Replace the signing secret; the old one stops working at once. The new one is shown only this once.', params: IdParams, response: { 200: WebhookSecretSchema, ...errorResponses } } },
    async (request) => rotateWebhookSecret(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/webhooks/:id/test',
    { schema: { tags, summary: 'Send a signed ping event now and report what the receiver answered', params: IdParams, response: { 200: WebhookTestResultSchema, ...errorResponses } } },
    async (request) => testWebhook(ctx, actorOf(request), request.params.id),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log, newest first: each event, its status, attempts and the last answer',
        params: IdParams,
        querystring: DeliveryQuerySchema,
        response: { 200: DeliveryPageSchema, ...errorResponses },
      },
    },
    async (request) => listDeliveries(ctx, actorOf(request), request.params.id, request.query),
  );
};
