// /taxii2/: the TAXII 2.1 server. Its own error shape, media types written verbatim, 406 for
// a wrong Accept, 415 for a wrong Content-Type, 413 on bytes actually read; authentication
// (HTTP Basic or Bearer with an API token, or a browser session) on every endpoint.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { actorOf } from '../http/auth.plugin.js';
import { toAppError } from '../http/errors.plugin.js';
import { acceptsTaxii, isTaxiiContentType, taxiiMediaType } from './media.js';
import * as taxii from './taxii.service.js';

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Request entity too large',
  415: 'Unsupported media type',
  422: 'Unprocessable entity',
  429: 'Too many requests',
};

type Params = { cid: string; oid: string; sid: string };

export async function taxiiRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const root = '/tocsin';
  // TAXII has its own specification (docs/TAXII.md); it is left out of the hub's OpenAPI.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });

  app.addHook('onRequest', async (request) => {
    if (!acceptsTaxii(request.headers.accept)) throw new AppError('TAXII_NOT_ACCEPTABLE');
  });
  // Verbatim, after serialisation: clients reject version="2.1".
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-type', taxiiMediaType);
    return payload;
  });

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/taxii\+json/i, { parseAs: 'string', bodyLimit: ctx.config.taxiiMaxContentLength }, parseJson);
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.config.taxiiMaxContentLength }, (request, _body, done) => {
    done(new AppError('TAXII_UNSUPPORTED_MEDIA_TYPE', { type: String(request.headers['content-type'] ?? '(none)').slice(0, 100) }), undefined);
  });

  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let appErr = toAppError(err, request);
    if (appErr.code === 'UNSUPPORTED_MEDIA_TYPE') appErr = new AppError('TAXII_UNSUPPORTED_MEDIA_TYPE', { type: String(request.headers['content-type'] ?? '(none)').slice(0, 100) });
    if (appErr.status >= 500) request.log.error({ err }, 'TAXII request failed');
    else request.log.warn({ code: appErr.code, msg: appErr.message }, 'TAXII request refused');
    if (appErr.status === 401) reply.header('www-authenticate', 'Basic realm="Tocsin TAXII", charset="UTF-8"');
    return reply.status(appErr.status).send(errorBody(request, appErr));
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new AppError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0]!.slice(0, 200) });
    return reply.status(404).send(errorBody(request, err));
  });

  const send = (reply: FastifyReply, answer: taxii.TaxiiAnswer) => {
    for (const [k, v] of Object.entries(answer.headers)) reply.header(k, v);
    return reply.status(200).send(answer.body);
  };

  app.get('/', { prefixTrailingSlash: 'slash' }, async () => taxii.discovery(ctx));
  app.get(`${root}/`, async (request) => {
    actorOf(request);
    return taxii.apiRoot(ctx);
  });
  app.get(`${root}/collections/`, async (request) => taxii.listCollections(ctx, actorOf(request)));
  app.get<{ Params: Params }>(`${root}/collections/:cid/`, async (request) => taxii.getCollection(ctx, actorOf(request), request.params.cid));
  app.get<{ Params: Params }>(`${root}/collections/:cid/objects/`, async (request, reply) =>
    send(reply, await taxii.getObjects(ctx, actorOf(request), request.params.cid, request.query as Record<string, unknown>)),
  );
  app.post<{ Params: Params }>(`${root}/collections/:cid/objects/`, async (request, reply) => {
    if (!isTaxiiContentType(request.headers['content-type'])) throw new AppError('TAXII_UNSUPPORTED_MEDIA_TYPE', { type: String(request.headers['content-type'] ?? '(none)').slice(0, 100) });
    const status = await taxii.postObjects(ctx, actorOf(request), request.params.cid, request.body);
    return reply.status(202).send(status);
  });
  app.get<{ Params: Params }>(`${root}/collections/:cid/manifest/`, async (request, reply) =>
    send(reply, await taxii.getManifest(ctx, actorOf(request), request.params.cid, request.query as Record<string, unknown>)),
  );
  app.get<{ Params: Params }>(`${root}/collections/:cid/objects/:oid/`, async (request, reply) =>
    send(reply, await taxii.getObjects(ctx, actorOf(request), request.params.cid, request.query as Record<string, unknown>, request.params.oid)),
  );
  app.delete<{ Params: Params }>(`${root}/collections/:cid/objects/:oid/`, async (request, reply) => {
    await taxii.deleteObject(ctx, actorOf(request), request.params.cid, request.params.oid, request.query as Record<string, unknown>);
    return reply.status(200).send('');
  });
  app.get<{ Params: Params }>(`${root}/collections/:cid/objects/:oid/versions/`, async (request, reply) =>
    send(reply, await taxii.getVersions(ctx, actorOf(request), request.params.cid, request.params.oid, request.query as Record<string, unknown>)),
  );
  app.get<{ Params: Params }>(`${root}/status/:sid/`, async (request) => taxii.getStatus(ctx, actorOf(request), request.params.sid));
}

function errorBody(request: FastifyRequest, err: AppError) {
  return {
    title: titles[err.status] ?? (err.status >= 500 ? 'Server error' : 'Error'),
    description: err.message,
    error_id: String(request.id),
    error_code: err.code,
    http_status: String(err.status),
    ...(err.details !== undefined ? { details: err.details } : {}),
  };
}
