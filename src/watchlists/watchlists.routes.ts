// The watchlist API, every route in one place: the caller's organisation's assets and counts,
// its matches, and acknowledging one. Each handler: decode, call the service, respond.
// Assets are edited through PATCH /api/orgs/:id (the organisation's admins).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { WatchlistSchema, WatchMatchPageSchema, WatchMatchQuery, WatchMatchSchema } from './watchlists.schemas.js';
import { acknowledgeMatch, getWatchlist, listMatches } from './watchlists.service.js';

export const watchlistsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['watchlist'];

  app.get('/watchlist', { schema: { tags, summary: "Your organisation's watched assets and how many matches they have", response: { 200: WatchlistSchema, ...errorResponses } } }, async (request) =>
    getWatchlist(ctx, actorOf(request)),
  );

  app.get(
    '/watchlist/matches',
    { schema: { tags, summary: 'New intel that touched your assets, newest first', querystring: WatchMatchQuery, response: { 200: WatchMatchPageSchema, ...errorResponses } } },
    async (request) => listMatches(ctx, actorOf(request), request.query),
  );

  app.post(
    '/watchlist/matches/:id/acknowledge',
    { schema: { tags, summary: 'Mark a match as seen and handled (analysts and admins)', params: IdParams, response: { 200: WatchMatchSchema, ...errorResponses } } },
    async (request) => acknowledgeMatch(ctx, actorOf(request), request.params.id),
  );
};
