// The exports API (under /api: definitions, device tokens, preview, fetch history) and the
// fetch route devices call (/exports/:id/<file>): token by Bearer, Basic or ?token=, ETag and
// Last-Modified with 304, gzip when asked, and a streamed body, so memory stays flat — rendered
// once per ETag and then sent from the body cache (body-cache.ts) to every other device.
import { pipeline, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import { ExportCreateSchema, ExportPatchSchema, ExportSchema, FetchParams, FetchQuery, FetchSchema, FormatSchema, PreviewSchema, TokenCreatedSchema, TokenCreateSchema, TokenParams } from './exports.schemas.js';
import {
  authoriseFetch,
  createExport,
  createExportToken,
  deleteExport,
  getExport,
  listExportFetches,
  listExports,
  previewExport,
  recordExportFetch,
  renderExport,
  revokeToken,
  updateExport,
} from './exports.service.js';
import { describeFormats } from './format-registry.js';
import { bodyCacheDir, cachingTee, openCachedBody } from './body-cache.js';

export const exportsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['exports'];

  app.get('/exports/formats', { schema: { tags, summary: 'The formats an export can take, and the types each carries', response: { 200: ListOf(FormatSchema), ...errorResponses } } }, async (request) => {
    actorOf(request);
    return { items: describeFormats() };
  });

  app.get('/exports', { schema: { tags, summary: "Your organisation's exports, with their devices and when each last fetched", response: { 200: ListOf(ExportSchema), ...errorResponses } } }, async (request) => ({
    items: await listExports(ctx, actorOf(request)),
  }));

  app.post('/exports', { schema: { tags, summary: 'Save an export for a firewall, IDS, DNS resolver or SIEM (organisation admins)', body: ExportCreateSchema, response: { 201: ExportSchema, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(await createExport(ctx, actorOf(request), request.body)),
  );

  app.get('/exports/:id', { schema: { tags, summary: 'One export', params: IdParams, response: { 200: ExportSchema, ...errorResponses } } }, async (request) => getExport(ctx, actorOf(request), request.params.id));

  app.patch('/exports/:id', { schema: { tags, summary: 'Change an export (its URL and tokens stay)', params: IdParams, body: ExportPatchSchema, response: { 200: ExportSchema, ...errorResponses } } }, async (request) =>
    updateExport(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete('/exports/:id', { schema: { tags, summary: 'Remove an export and its device tokens', params: IdParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await deleteExport(ctx, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/exports/:id/tokens', { schema: { tags, summary: 'A read-only token for one device; the secret is shown once', params: IdParams, body: TokenCreateSchema, response: { 201: TokenCreatedSchema, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(await createExportToken(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.delete('/exports/:id/tokens/:tokenId', { schema: { tags, summary: "Revoke one device's token", params: TokenParams, response: { 204: NoContent, ...errorResponses } } }, async (request, reply) => {
    await revokeToken(ctx, actorOf(request), request.params.id, request.params.tokenId);
    return reply.status(204).send(null);
  });

  app.get('/exports/:id/preview', { schema: { tags, summary: 'The first lines and the counts per type, as a device would get them now', params: IdParams, response: { 200: PreviewSchema, ...errorResponses } } }, async (request) =>
    previewExport(ctx, actorOf(request), request.params.id),
  );

  app.get('/exports/:id/fetches', { schema: { tags, summary: 'Who fetched this export, when, and how many values', params: IdParams, response: { 200: ListOf(FetchSchema), ...errorResponses } } }, async (request) => ({
    items: await listExportFetches(ctx, actorOf(request), request.params.id),
  }));
};

/** Chunks of about 64 KiB: many small writes would be slow, and the whole body would not be flat. */
async function* chunked(texts: AsyncIterable<string>): AsyncGenerator<Buffer> {
  let parts: string[] = [];
  let size = 0;
  for await (const text of texts) {
    parts.push(text);
    size += text.length;
    if (size >= 65_536) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield Buffer.from(parts.join(''), 'utf8');
}

/** The device token: Bearer, Basic (the whole token as password, or its id and secret), or ?token=. */
function exportCredential(request: FastifyRequest, query: { token?: string | undefined }): string | null {
  const header = request.headers.authorization;
  if (header) {
    const [scheme = '', value = ''] = header.split(/\s+/, 2);
    if (/^bearer$/i.test(scheme) && value.startsWith('tcx_')) return value;
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? '' : decoded.slice(colon + 1);
      if (password.startsWith('tcx_')) return password;
      if (/^xt[0-9a-f]{18}$/.test(user)) return `tcx_${user}_${password}`;
    }
  }
  return query.token ?? null;
}

export const exportFetchRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const handler = async (request: FastifyRequest<{ Params: { id: string; file?: string | undefined }; Querystring: { token?: string | undefined; since?: string | undefined } }>, reply: import('fastify').FastifyReply) => {
    const { row, tokenId } = await authoriseFetch(ctx, request.params.id, exportCredential(request, request.query), request.actor ?? null);
    const rendered = await renderExport(ctx, row, { since: request.query.since, file: request.params.file });
    const fetcher = { tokenId, actor: tokenId ? null : (request.actor ?? null), ip: request.ip };
    reply
      .header('etag', rendered.etag)
      .header('last-modified', rendered.lastModified.toUTCString())
      // Tools revalidate every time; caches in between must not share one organisation's list.
      .header('cache-control', 'private, no-cache')
      .header('vary', 'Accept-Encoding, Authorization');
    const inm = request.headers['if-none-match'];
    const ims = request.headers['if-modified-since'];
    const notModified = inm !== undefined ? inm.split(',').some((t) => t.trim().replace(/^W\//, '') === rendered.etag) : ims !== undefined && Date.parse(ims) >= rendered.lastModified.getTime();
    if (notModified) {
      await recordExportFetch(ctx, row, fetcher, { status: 304, values: 0, skipped: 0, since: request.query.since });
      return reply.status(304).send();
    }
    reply.type(rendered.contentType).header('content-disposition', `inline; filename="${rendered.fileName}"`);
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (gzip) reply.header('content-encoding', 'gzip');
    const encoding = gzip ? 'gzip' : 'identity';
    const cache = rendered.cacheable && ctx.config.exportCacheEnabled ? bodyCacheDir(ctx.config.dataDir) : null;
    const record = (counts: { values: number; skipped: number }) =>
      recordExportFetch(ctx, row, fetcher, { status: 200, values: counts.values, skipped: counts.skipped, since: request.query.since }).catch((err: unknown) =>
        request.log.error({ err, exportId: row.id }, 'recording an export fetch failed'),
      );
    const hit = cache ? await openCachedBody(cache, row.id, rendered.etag, encoding) : null;
    if (hit) {
      // Unchanged since a device last had it rendered: the stored body (the rows are never read).
      hit.body.on('end', () => void record(hit.counts));
      return reply.header('x-export-cache', 'hit').send(hit.body);
    }
    if (cache) reply.header('x-export-cache', 'miss');
    const source = Readable.from(chunked(rendered.body));
    source.on('end', () => void record(rendered.counts));
    const stages: NodeJS.ReadWriteStream[] = [];
    if (gzip) stages.push(createGzip());
    if (cache) stages.push(cachingTee(cache, row.id, rendered.etag, encoding, () => rendered.counts, (err) => request.log.warn({ err, exportId: row.id }, 'could not keep the export body'), ctx.config.exportCacheMaxBytes));
    if (stages.length === 0) return reply.send(source);
    // pipeline, not pipe: a failure reading the store must end the response, not hang it.
    const body = pipeline([source, ...stages], (err) => {
      if (err) request.log.warn({ err, exportId: row.id }, 'export stream failed');
    });
    return reply.send(body);
  };
  const schema = { hide: true, params: FetchParams, querystring: FetchQuery };
  // Public to the auth plugin: the device token is checked here (a session or API token of a member works too).
  app.get('/exports/:id', { config: { public: true }, schema }, handler);
  app.get('/exports/:id/:file', { config: { public: true }, schema }, handler);
};
