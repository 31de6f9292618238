// The intel API, every route in one place: bulk and single lookup, search, the pivot from an
// observable, sightings, trend charts (JSON or CSV) and warning lists. Each handler: decode,
// call the service, respond. Services check scopes and roles; the policy filters every read.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, ListOf, NoContent } from '../http/schemas.js';
import { changeWarningListEntries, createWarningList, deleteWarningList, listWarningListEntries, listWarningLists, updateWarningList } from './intel-lists.service.js';
import { pivotObservable } from './intel-pivot.service.js';
import {
  LookupAnswerSchema,
  LookupBody,
  LookupItemSchema,
  LookupQuery,
  ObservableParams,
  PivotSchema,
  SearchAnswerSchema,
  SearchQuery,
  SightingBatchBody,
  SightingOneBody,
  SightingReportSchema,
  TrendQuery,
  TrendSchema,
  WarningListCreateBody,
  WarningListEntriesBody,
  WarningListEntriesQuery,
  WarningListEntryPage,
  WarningListParams,
  WarningListPatchBody,
  WarningListSchema,
} from './intel.schemas.js';
import { lookupValue, lookupValues, searchIntel } from './intel.service.js';
import { reportSightingOf, reportSightings } from './sightings.service.js';
import { toCsv } from './trends.csv.js';
import { trend } from './trends.service.js';

export const intelRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['intel'];

  app.post(
    '/intel/lookup',
    {
      // Room for the most values a lookup may carry, about a kilobyte each, whatever the general limit.
      bodyLimit: Math.max(ctx.config.bodyLimit, ctx.config.intelLookupMaxValues * 1024),
      // A SIEM's enrichment token is read-only; a lookup changes nothing.
      config: { readOnly: true },
      schema: { tags, summary: 'Look up to 10,000 values at once (SIEM/SOAR enrichment)', body: LookupBody, response: { 200: LookupAnswerSchema, ...errorResponses } },
    },
    async (request) => lookupValues(ctx, actorOf(request), request.body.values),
  );

  app.get('/intel/lookup', { schema: { tags, summary: 'Look up one value', querystring: LookupQuery, response: { 200: LookupItemSchema, ...errorResponses } } }, async (request) =>
    lookupValue(ctx, actorOf(request), request.query.value),
  );

  app.get(
    '/intel/search',
    { schema: { tags, summary: 'Search what you may see: detects IPs, ranges, domains, URLs, emails, hashes, CVEs, else free text', querystring: SearchQuery, response: { 200: SearchAnswerSchema, ...errorResponses } } },
    async (request) => searchIntel(ctx, actorOf(request), request.query),
  );

  app.get(
    '/intel/observables/:id',
    { schema: { tags, summary: 'Everything around one observable: sources, sightings, related values', params: ObservableParams, response: { 200: PivotSchema, ...errorResponses } } },
    async (request) => pivotObservable(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/intel/observables/:id/sightings',
    { schema: { tags, summary: 'Report that your organisation saw this value (or that it is a false positive)', params: ObservableParams, body: SightingOneBody, response: { 201: SightingReportSchema, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await reportSightingOf(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/intel/sightings',
    { schema: { tags, summary: 'Report up to 1000 sightings at once', body: SightingBatchBody, response: { 201: SightingReportSchema, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await reportSightings(ctx, actorOf(request), request.body.sightings, 'api')),
  );

  app.get(
    '/intel/trends',
    { schema: { tags, summary: 'One trend chart over a time range, as JSON or CSV (?format=csv)', querystring: TrendQuery, response: { 200: TrendSchema, ...errorResponses } } },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const table = await trend(ctx, actorOf(request), query);
      if (format !== 'csv') return table;
      const name = `tocsin-${table.chart}-${table.from.slice(0, 10)}-${table.to.slice(0, 10)}.csv`;
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(toCsv(table.columns, table.rows));
    },
  );

  app.get('/intel/warning-lists', { schema: { tags, summary: 'Warning lists against false positives, and whether each is on', response: { 200: ListOf(WarningListSchema), ...errorResponses } } }, async (request) => ({
    items: await listWarningLists(ctx, actorOf(request)),
  }));

  app.post(
    '/intel/warning-lists',
    { schema: { tags, summary: 'Create a custom warning list (operator)', body: WarningListCreateBody, response: { 201: WarningListSchema, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createWarningList(ctx, actorOf(request), request.body)),
  );

  app.patch(
    '/intel/warning-lists/:id',
    { schema: { tags, summary: 'Turn a warning list on or off, or rename a custom one (operator)', params: WarningListParams, body: WarningListPatchBody, response: { 200: WarningListSchema, ...errorResponses } } },
    async (request) => updateWarningList(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/intel/warning-lists/:id',
    { schema: { tags, summary: 'Delete a custom warning list (operator)', params: WarningListParams, response: { 204: NoContent, ...errorResponses } } },
    async (request, reply) => {
      await deleteWarningList(ctx, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/intel/warning-lists/:id/entries',
    { schema: { tags, summary: "A warning list's entries", params: WarningListParams, querystring: WarningListEntriesQuery, response: { 200: WarningListEntryPage, ...errorResponses } } },
    async (request) => listWarningListEntries(ctx, actorOf(request), request.params.id, request.query),
  );

  app.post(
    '/intel/warning-lists/:id/entries',
    { schema: { tags, summary: 'Add entries to a custom warning list (operator)', params: WarningListParams, body: WarningListEntriesBody, response: { 200: WarningListSchema, ...errorResponses } } },
    async (request) => changeWarningListEntries(ctx, actorOf(request), request.params.id, 'add', request.body.entries),
  );

  app.post(
    '/intel/warning-lists/:id/entries/remove',
    { schema: { tags, summary: 'Remove entries from a custom warning list (operator)', params: WarningListParams, body: WarningListEntriesBody, response: { 200: WarningListSchema, ...errorResponses } } },
    async (request) => changeWarningListEntries(ctx, actorOf(request), request.params.id, 'remove', request.body.entries),
  );
};

