// The peer-hubs API (operators only), every route in one place. Each handler: decode, call
// the service, respond.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import { PeerCreateSchema, PeerPatchSchema, PeerRunQuerySchema, PeerRunResultSchema, PeerSchema, PeerTestResultSchema } from './peers.schemas.js';
import { createPeer, deletePeer, getPeer, listPeers, runPeerFor, testPeer, updatePeer } from './peers.service.js';

export const peersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['federation'];

  app.get('/peers', { schema: { tags, summary: 'Peer hubs this hub federates with over TAXII 2.1, with their health (operators)', response: { 200: ListOf(PeerSchema), ...errorResponses } } }, async (request) => ({
    items: await listPeers(ctx, actorOf(request)),
  }));

  app.post(
    '/peers',
    {
      schema: {
        tags,
        summary: 'Add a peer hub: its TAXII address, the credential this hub uses there, what to pull and push. Only TLP:CLEAR leaves, and GREEN to a peer of the same community.',
        body: PeerCreateSchema,
        response: { 201: PeerSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createPeer(ctx, actorOf(request), request.body)),
  );

  app.get('/peers/:id', { schema: { tags, summary: 'One peer hub and its health', params: IdParams, response: { 200: PeerSchema, ...errorResponses } } }, async (request) =>
    getPeer(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/peers/:id',
    { schema: { tags, summary: 'Change a peer hub; the stored secret stays unless a new one is given', params: IdParams, body: PeerPatchSchema, response: { 200: PeerSchema, ...errorResponses } } },
    async (request) => updatePeer(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete('/peers/:id', { schema: { tags, summary: 'Remove a peer hub (objects received from it stay)', params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await deletePeer(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post(
    '/peers/:id/test',
    { schema: { tags, summary: 'Call the peer now: find its API root, list its collections, check the configured ones', params: IdParams, response: { 200: PeerTestResultSchema, ...errorResponses } } },
    async (request) => testPeer(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/peers/:id/run',
    {
      schema: {
        tags,
        summary: 'Pull and/or push now, whatever the schedule and backoff; answers with what happened and the new health',
        params: IdParams,
        querystring: PeerRunQuerySchema,
        response: { 200: PeerRunResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const outcome = await runPeerFor(ctx, actor, request.params.id, request.query.what ?? 'both');
      return { ...outcome, peer: await getPeer(ctx, actor, request.params.id) };
    },
  );
};
