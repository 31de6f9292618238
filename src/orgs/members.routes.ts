// The members API: organisations (the directory), their users and invitations, operators,
// API tokens and hub settings. Each handler: decode, call the service, respond.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import { inviteOperator, inviteToOrganisation, listInvitations, revokeInvitation } from './invitations.service.js';
import {
  createOrganisation,
  getOrganisation,
  listDirectory,
  removeOrganisation,
  updateOrganisationProfile,
} from './organisations.service.js';
import {
  CreatedInvitationSchema,
  InviteSchema,
  OrganisationCreateSchema,
  OrganisationPatchSchema,
  OrganisationQuery,
  SettingsSchema,
  TokenCreateSchema,
  UserPatchSchema,
} from './orgs.schemas.js';
import { updateSettings } from './settings.service.js';
import { createToken, listTokens, revokeToken } from './tokens.service.js';
import { getUser, listUsers, updateUser } from './users.service.js';

const TokenIdParams = Type.Object({ id: Type.String({ pattern: '^tk[0-9a-f]{18}$' }) });

export const membersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const org = Type.Ref('Organisation');
  const user = Type.Ref('User');
  const invitation = Type.Ref('Invitation');
  const token = Type.Ref('Token');

  // Organisations
  app.get('/orgs', { schema: { tags: ['members'], summary: 'The member directory', querystring: OrganisationQuery, response: { 200: ListOf(org), ...errorResponses } } }, async (request) => ({
    items: await listDirectory(ctx, actorOf(request), request.query),
  }));

  app.post('/orgs', { schema: { tags: ['members'], summary: 'Add a member organisation (operator)', body: OrganisationCreateSchema, response: { 201: org, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(await createOrganisation(ctx, actorOf(request), request.body)),
  );

  app.get('/orgs/:id', { schema: { tags: ['members'], summary: 'One organisation', params: IdParams, response: { 200: org, ...errorResponses } } }, async (request) =>
    getOrganisation(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/orgs/:id',
    { schema: { tags: ['members'], summary: "Change an organisation (operator; its admins may change contact, region and assets)", params: IdParams, body: OrganisationPatchSchema, response: { 200: org, ...errorResponses } } },
    async (request) => updateOrganisationProfile(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete('/orgs/:id', { schema: { tags: ['members'], summary: 'Remove an organisation with no users (operator)', params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await removeOrganisation(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  // Users and invitations
  app.get('/orgs/:id/users', { schema: { tags: ['members'], summary: "An organisation's users (its admins, operator)", params: IdParams, response: { 200: ListOf(user), ...errorResponses } } }, async (request) => ({
    items: await listUsers(ctx, actorOf(request), { orgId: request.params.id }),
  }));

  app.get(
    '/users',
    { schema: { tags: ['members'], summary: 'All users, or only operators (operator)', querystring: Type.Object({ operators: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: { 200: ListOf(user), ...errorResponses } } },
    async (request) => ({ items: await listUsers(ctx, actorOf(request), { operators: request.query.operators }) }),
  );

  app.get('/users/:id', { schema: { tags: ['members'], summary: 'One user', params: IdParams, response: { 200: user, ...errorResponses } } }, async (request) =>
    getUser(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/users/:id',
    { schema: { tags: ['members'], summary: "Change a user's name, role, or disable them", params: IdParams, body: UserPatchSchema, response: { 200: user, ...errorResponses } } },
    async (request) => updateUser(ctx, actorOf(request), request.params.id, request.body),
  );

  app.get('/orgs/:id/invitations', { schema: { tags: ['members'], summary: "An organisation's invitations", params: IdParams, response: { 200: ListOf(invitation), ...errorResponses } } }, async (request) => ({
    items: await listInvitations(ctx, actorOf(request), request.params.id),
  }));

  app.post(
    '/orgs/:id/invitations',
    { schema: { tags: ['members'], summary: 'Invite someone to an organisation by email', params: IdParams, body: InviteSchema, response: { 201: CreatedInvitationSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await inviteToOrganisation(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.get('/operators/invitations', { schema: { tags: ['members'], summary: 'Operator invitations (operator)', response: { 200: ListOf(invitation), ...errorResponses } } }, async (request) => ({
    items: await listInvitations(ctx, actorOf(request), null),
  }));

  app.post(
    '/operators/invitations',
    { schema: { tags: ['members'], summary: 'Invite another hub operator (operator)', body: Type.Object({ email: Type.String({ maxLength: 254 }) }, { additionalProperties: false }), response: { 201: CreatedInvitationSchema, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await inviteOperator(ctx, actorOf(request), request.body)),
  );

  app.delete('/invitations/:id', { schema: { tags: ['members'], summary: 'Revoke an invitation', params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await revokeInvitation(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  // API tokens
  app.get(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "Your tokens; an organisation's (its admins); a user's (operator)",
        querystring: Type.Object({ orgId: Type.Optional(Type.String({ format: 'uuid' })), userId: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
        response: { 200: ListOf(token), ...errorResponses },
      },
    },
    async (request) => ({ items: await listTokens(ctx, actorOf(request), request.query) }),
  );

  app.post(
    '/tokens',
    { schema: { tags: ['tokens'], summary: 'Create an API token; the secret is in this response only', body: TokenCreateSchema, response: { 201: Type.Object({ token, secret: Type.String() }), ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await createToken(ctx, actorOf(request), request.body)),
  );

  app.delete('/tokens/:id', { schema: { tags: ['tokens'], summary: 'Revoke a token', params: TokenIdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await revokeToken(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.patch(
    '/settings',
    { schema: { tags: ['hub'], summary: 'Change hub-wide settings (operator)', body: Type.Object({ requireTotpForAdmins: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }), response: { 200: SettingsSchema, ...errorResponses } } },
    async (request) => updateSettings(ctx, actorOf(request), request.body),
  );
};
