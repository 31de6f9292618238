// The sharing-groups API, every route in one place. Each handler: decode, call the service, respond.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import { GroupCreateSchema, GroupMemberParams, GroupPatchSchema } from './groups.schemas.js';
import { addGroupMember, createGroup, deleteGroup, getGroup, listGroups, removeGroupMember, updateGroup } from './groups.service.js';

export const groupsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const group = Type.Ref('Group');
  const tags = ['groups'];

  app.get('/groups', { schema: { tags, summary: 'Sharing groups your organisation owns or belongs to (operator: all)', response: { 200: ListOf(group), ...errorResponses } } }, async (request) => ({
    items: await listGroups(ctx, actorOf(request)),
  }));

  app.post(
    '/groups',
    { schema: { tags, summary: 'Create a sharing group owned by your organisation (org admins; operator for any)', body: GroupCreateSchema, response: { 201: group, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await createGroup(ctx, actorOf(request), request.body)),
  );

  app.get('/groups/:id', { schema: { tags, summary: 'One sharing group', params: IdParams, response: { 200: group, ...errorResponses } } }, async (request) =>
    getGroup(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/groups/:id',
    { schema: { tags, summary: "Rename a group or change its description (owner's admins, operator)", params: IdParams, body: GroupPatchSchema, response: { 200: group, ...errorResponses } } },
    async (request) => updateGroup(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete('/groups/:id', { schema: { tags, summary: "Delete a sharing group (owner's admins, operator)", params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await deleteGroup(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.put(
    '/groups/:id/members/:orgId',
    { schema: { tags, summary: "Add an organisation to a group; adding a member again is harmless (owner's admins, operator)", params: GroupMemberParams, response: { 204: NoContent, ...errorResponses } } },
    async (request, reply) => {
      await addGroupMember(ctx, actorOf(request), request.params.id, request.params.orgId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/groups/:id/members/:orgId',
    { schema: { tags, summary: "Remove an organisation from a group (owner's admins, operator); an org admin may remove their own organisation (leave)", params: GroupMemberParams, response: { 204: NoContent, ...errorResponses } } },
    async (request, reply) => {
      await removeGroupMember(ctx, actorOf(request), request.params.id, request.params.orgId);
      return reply.status(204).send(null);
    },
  );
};
