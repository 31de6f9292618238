// The feeds API, every route in one place. Each handler: decode, call the service, respond.
// Members read the feeds they may see and their runs; the operator (and an organisation's
// admins, for its own feeds) add, change, run and remove them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import { FeedCreateSchema, FeedPatchSchema, FeedRunQuerySchema, FeedRunSchema, FeedRunsQuerySchema, FeedSchema, RunIdParams, RunStartedSchema } from './feeds.schemas.js';
import { createFeed, deleteFeed, getFeed, getFeedRun, listFeedRuns, listFeeds, runFeedNow, updateFeed } from './feeds.service.js';

export const feedsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['feeds'];

  app.get('/feeds', { schema: { tags, summary: 'The outside feeds you may see, with their health', response: { 200: ListOf(FeedSchema), ...errorResponses } } }, async (request) => ({
    items: await listFeeds(ctx, actorOf(request)),
  }));

  app.post(
    '/feeds',
    {
      schema: {
        tags,
        summary: "Add a feed: a list, CSV, text, MISP feed or STIX bundle by URL or file, or a TAXII collection (operators; org admins for their organisation's own feeds)",
        body: FeedCreateSchema,
        response: { 201: FeedSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createFeed(ctx, actorOf(request), request.body)),
  );

  // Before /feeds/:id so that "runs" is never read as an id.
  app.get(
    '/feeds/runs/:runId',
    { schema: { tags, summary: 'One run: its status, counts, bytes read and samples of refused lines (poll it for progress)', params: RunIdParams, response: { 200: FeedRunSchema, ...errorResponses } } },
    async (request) => getFeedRun(ctx, actorOf(request), request.params.runId),
  );

  app.get('/feeds/:id', { schema: { tags, summary: 'One feed and its health', params: IdParams, response: { 200: FeedSchema, ...errorResponses } } }, async (request) =>
    getFeed(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/feeds/:id',
    { schema: { tags, summary: 'Change a feed; a stored TAXII secret stays unless a new one is given', params: IdParams, body: FeedPatchSchema, response: { 200: FeedSchema, ...errorResponses } } },
    async (request) => updateFeed(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete('/feeds/:id', { schema: { tags, summary: 'Remove a feed: its values are withdrawn, its run history goes', params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await deleteFeed(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post(
    '/feeds/:id/run',
    {
      schema: {
        tags,
        summary: 'Start a run now, whatever the schedule; answers at once with the run id to follow',
        params: IdParams,
        querystring: FeedRunQuerySchema,
        response: { 202: RunStartedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const started = await runFeedNow(ctx, actorOf(request), request.params.id, 'manual', { force: request.query.force === true });
      return reply.status(202).send({ runId: started.runId, feedId: request.params.id, status: 'running' as const });
    },
  );

  app.get(
    '/feeds/:id/runs',
    { schema: { tags, summary: "A feed's runs, newest first", params: IdParams, querystring: FeedRunsQuerySchema, response: { 200: ListOf(FeedRunSchema), ...errorResponses } } },
    async (request) => ({ items: await listFeedRuns(ctx, actorOf(request), request.params.id, request.query.limit) }),
  );
};
