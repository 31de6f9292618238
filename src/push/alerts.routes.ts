// The email-alert preferences API, every route in one place. Each handler: decode, call the service, respond.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { AlertPrefsInputSchema, AlertPrefsSchema } from './alerts.schemas.js';
import { getAlertPrefs, setAlertPrefs } from './alerts.service.js';

export const alertsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['alerts'];

  app.get('/me/alerts', { schema: { tags, summary: 'Your email alert settings (default: immediate, every warning you may see)', response: { 200: AlertPrefsSchema, ...errorResponses } } }, async (request) =>
    getAlertPrefs(ctx, actorOf(request)),
  );

  app.put(
    '/me/alerts',
    { schema: { tags, summary: 'Set your email alerts: immediate, an hourly digest, or none, and which warnings', body: AlertPrefsInputSchema, response: { 200: AlertPrefsSchema, ...errorResponses } } },
    async (request) => setAlertPrefs(ctx, actorOf(request), undefined, request.body),
  );

  app.get(
    '/users/:id/alerts',
    { schema: { tags, summary: "A user's email alert settings (the user, their org's admins, operator)", params: IdParams, response: { 200: AlertPrefsSchema, ...errorResponses } } },
    async (request) => getAlertPrefs(ctx, actorOf(request), request.params.id),
  );

  app.put(
    '/users/:id/alerts',
    { schema: { tags, summary: "Set a user's email alerts (the user, their org's admins, operator)", params: IdParams, body: AlertPrefsInputSchema, response: { 200: AlertPrefsSchema, ...errorResponses } } },
    async (request) => setAlertPrefs(ctx, actorOf(request), request.params.id, request.body),
  );
};
