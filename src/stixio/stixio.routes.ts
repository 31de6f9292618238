// /api/stix/…: import a bundle by upload (the body is the file, streamed to disk and imported
// in the background), follow the import's progress, and download a collection as a bundle.
import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { requireScope } from '../orgs/actor.js';
import { exportBundle, exportFilters } from './export.service.js';
import { getImport, listCollectionChoices, listImportJobs, startImport } from './imports.service.js';
import { ImportRunner } from './runner.js';
import { CollectionChoiceSchema, ExportQuerySchema, ImportJobSchema, ImportQuerySchema } from './stixio.schemas.js';
import { resolveCollection } from './target.js';

/** Bundle uploads: JSON by any of the names tools give it. */
const bundleTypes = ['application/json', 'application/stix+json', 'application/vnd.oasis.stix+json', 'application/taxii+json'];

export const stixioRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; runner?: ImportRunner }> = async (app, { ctx, runner: given }) => {
  const runner = given ?? new ImportRunner(ctx);
  app.addHook('onClose', async () => runner.close());

  // The body is the file itself: handed to the route as a stream, never parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(bundleTypes, (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(new AppError('STIX_IMPORT_UNSUPPORTED_TYPE', { type: String(request.headers['content-type'] ?? '(none)').slice(0, 100) }), undefined);
  });

  app.get(
    '/stix/collections',
    {
      schema: {
        tags: ['stix'],
        summary: 'Your TAXII collections, with the TLPs each may carry (to choose where to import), and the upload size limit',
        response: { 200: Type.Object({ items: Type.Array(CollectionChoiceSchema), maxUploadBytes: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listCollectionChoices(ctx, actorOf(request)), maxUploadBytes: ctx.config.stixImportMaxBytes }),
  );

  app.post(
    '/stix/imports',
    {
      schema: {
        tags: ['stix'],
        summary: 'Upload a STIX 2.1 bundle (the body is the file, up to TOCSIN_STIX_IMPORT_MAX_BYTES); it is imported in the background — follow it at GET /api/stix/imports/{id}',
        querystring: ImportQuerySchema,
        response: { 202: ImportJobSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const length = request.headers['content-length'];
      const job = await startImport(ctx, actorOf(request), runner, {
        body: request.body as Readable,
        contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : null,
        collectionId: request.query.collection,
        tlp: request.query.tlp,
        fileName: request.query.name,
      });
      return reply.status(202).header('location', `/api/stix/imports/${job.id}`).send(job);
    },
  );

  app.get(
    '/stix/imports',
    { schema: { tags: ['stix'], summary: 'Your organisation’s latest imports, newest first', response: { 200: Type.Object({ items: Type.Array(ImportJobSchema) }), ...errorResponses } } },
    async (request) => ({ items: await listImportJobs(ctx, actorOf(request)) }),
  );

  app.get(
    '/stix/imports/:id',
    { schema: { tags: ['stix'], summary: 'One import: progress, counts and the objects that failed, with why', params: IdParams, response: { 200: ImportJobSchema, ...errorResponses } } },
    async (request) => getImport(ctx, actorOf(request), request.params.id),
  );

  app.get(
    '/stix/export',
    {
      schema: {
        tags: ['stix'],
        summary: 'Download what you may read in a collection as one STIX 2.1 bundle (streamed; oldest first)',
        querystring: ExportQuerySchema,
        produces: ['application/stix+json'],
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      requireScope(actor, 'read');
      const q = request.query;
      const collection = await resolveCollection(ctx, actor, q.collection);
      const options = { collection, types: q.type ? q.type.split(',') : [], since: q.since ?? null, allVersions: q.versions === 'all' };
      exportFilters(options); // a bad filter is a 400, before the download starts
      const day = ctx.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'application/stix+json;version=2.1')
        .header('content-disposition', `attachment; filename="tocsin-${collection.alias}-${day}.json"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exportBundle(ctx, actor, options)));
    },
  );
};
