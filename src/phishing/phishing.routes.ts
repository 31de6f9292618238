// The phishing-check API. Public (no account, rate limited per IP address): submit an email,
// read the result again with its receipt, share it with the hub, and what the page needs to
// know. Member analysts: the list of reports, campaigns, promoting a campaign, kept messages.
import multipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { listCampaigns, promoteCampaign } from './campaigns.service.js';
import {
  CampaignQuerySchema,
  CampaignSchema,
  CheckListQuery,
  PhishingInfoSchema,
  PromoteBodySchema,
  ReceiptParams,
  ShareBodySchema,
  SubmissionBodySchema,
  SubmissionResultSchema,
} from './phishing.schemas.js';
import { getCheckByReceipt, getRawMessage, listPhishingChecks, submitCheck } from './phishing.service.js';
import { shareCheck } from './share.service.js';

/** Content types read as the raw email. */
const rawTypes = ['message/rfc822', 'application/vnd.ms-outlook', 'application/octet-stream', 'text/plain'];
/** Room for JSON escaping around a pasted source of the largest accepted size. */
const jsonSlack = 64 * 1024;

export const phishingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const maxBytes = ctx.config.phishingMaxBytes;
  const hourly = { max: ctx.config.phishingRateLimit, timeWindow: 3_600_000 };
  const check = Type.Ref('PhishingCheck');

  app.addContentTypeParser(rawTypes, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));
  // Anything else is refused here, with a message that lists what is accepted.
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(new AppError('PHISHING_UNSUPPORTED_TYPE', { type: String(request.headers['content-type'] ?? '(none)').slice(0, 100) }), undefined);
  });
  await app.register(multipart, { limits: { files: 1, fileSize: maxBytes, fields: 3, fieldSize: maxBytes, parts: 4, headerPairs: 100 } });
  // "Too large" says what the limit is for an email, whichever way it arrived.
  app.setErrorHandler((err: FastifyError) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('PHISHING_TOO_LARGE', { limit: maxBytes });
    if (err.code === 'FST_PARTS_LIMIT' || err.code === 'FST_FILES_LIMIT' || err.code === 'FST_FIELDS_LIMIT') {
      throw new AppError('VALIDATION_FAILED', { detail: 'send one email per request: one file, or one field named "source"' });
    }
    throw err;
  });

  app.get(
    '/phishing/info',
    {
      // Public: the check page shows where to forward mail and what the limits are.
      config: { public: true },
      schema: { tags: ['phishing'], summary: 'What the public phishing check offers: the mailbox address and the limits', response: { 200: PhishingInfoSchema, ...errorResponses } },
    },
    async () => ({
      mailbox: ctx.config.phishingSmtpPort !== undefined ? (ctx.config.phishingMailbox ?? null) : null,
      maxBytes,
      retentionDays: ctx.config.phishingRetentionDays,
      keepsRawDays: ctx.config.phishingKeepRawDays,
    }),
  );

  app.post(
    '/phishing/checks',
    {
      // Public: anyone may ask whether an email is phishing, without an account.
      config: { public: true, rateLimit: hourly },
      bodyLimit: maxBytes + jsonSlack,
      schema: {
        tags: ['phishing'],
        summary: 'Is this email phishing? Send the email (.eml, .msg, or the raw source); the answer is a verdict with reasons, and a receipt',
        description:
          'Only the verdict, the indicators, attachment hashes, the scrubbed subject, the sender’s domain and a hash of the message are kept; the addresses and names of the sender’s recipients never are. Rate limited per IP address.',
        security: [],
        body: SubmissionBodySchema,
        response: { 201: SubmissionResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const raw = await readEmail(request, maxBytes);
      const result = await submitCheck(ctx, raw, { channel: 'web' });
      return reply.status(201).send({ ...result, receiptUrl: receiptUrl(ctx, result.receipt) });
    },
  );

  app.get(
    '/phishing/checks/:receipt',
    {
      // Public: the receipt is the submitter's key to their own result.
      config: { public: true, rateLimit: { max: ctx.config.phishingRateLimit * 10, timeWindow: 3_600_000 } },
      schema: { tags: ['phishing'], summary: 'A phishing-check result, by its receipt', security: [], params: ReceiptParams, response: { 200: check, ...errorResponses } },
    },
    async (request) => getCheckByReceipt(ctx, request.params.receipt),
  );

  app.post(
    '/phishing/checks/:receipt/share',
    {
      // Public: the submitter opts in to share the result with the hub's members.
      config: { public: true, rateLimit: hourly },
      schema: {
        tags: ['phishing'],
        summary: 'Share a result with the hub: a TLP:GREEN phishing warning for all members, from "A resident via the phishing check" unless a signed-in analyst sends it as their organisation',
        security: [],
        params: ReceiptParams,
        // No body at all is the same as {}.
        body: Type.Union([ShareBodySchema, Type.Null()]),
        response: { 200: check, ...errorResponses },
      },
    },
    async (request) => shareCheck(ctx, request.actor, request.params.receipt, { anonymous: request.body?.anonymous }),
  );

  app.get(
    '/phishing/checks',
    {
      schema: {
        tags: ['phishing'],
        summary: 'Residents’ phishing reports, newest first (analysts and administrators of member organisations)',
        querystring: CheckListQuery,
        response: { 200: Type.Object({ items: Type.Array(check), total: Type.Integer(), nextBefore: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
      },
    },
    async (request) => listPhishingChecks(ctx, actorOf(request), request.query),
  );

  app.get(
    '/phishing/raw/:id',
    {
      schema: {
        tags: ['phishing'],
        summary: 'The full email of a report, when the hub keeps them (TOCSIN_PHISHING_KEEP_RAW_DAYS); every download is audited',
        params: IdParams,
        produces: ['message/rfc822'],
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const data = await getRawMessage(ctx, actorOf(request), request.params.id);
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="report-${request.params.id}.eml"`)
        .header('cache-control', 'no-store')
        .send(data);
    },
  );

  app.get(
    '/phishing/campaigns',
    {
      schema: {
        tags: ['phishing'],
        summary: 'Campaigns: reports that share a link, a domain, the sender’s domain or an attachment, with reports per day',
        querystring: CampaignQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(CampaignSchema), since: Type.String() }), ...errorResponses },
      },
    },
    async (request) => listCampaigns(ctx, actorOf(request), request.query),
  );

  app.post(
    '/phishing/campaigns/warning',
    {
      schema: {
        tags: ['phishing'],
        summary: 'Promote a campaign into a warning sent as your organisation, with the campaign’s value as an indicator',
        body: PromoteBodySchema,
        response: { 201: Type.Ref('Warning'), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await promoteCampaign(ctx, actorOf(request), request.body)),
  );
};

/** The email from whichever form it came in: raw bytes, JSON {source}, or a form upload. */
async function readEmail(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (request.isMultipart()) {
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') return await part.toBuffer();
        if (part.fieldname !== 'source' || typeof part.value !== 'string') continue;
        if (part.valueTruncated) throw new AppError('PHISHING_TOO_LARGE', { limit: maxBytes });
        return Buffer.from(part.value, 'utf8');
      }
    } catch (err) {
      // The form's own framing is broken (boundary, headers): a client mistake, said plainly.
      if (err instanceof AppError || (err as FastifyError).statusCode) throw err;
      throw new AppError('VALIDATION_FAILED', { detail: `the form upload could not be read (${String((err as Error).message).slice(0, 100)})` });
    }
    throw new AppError('PHISHING_EMPTY');
  }
  const body = request.body;
  if (Buffer.isBuffer(body)) return body;
  if (body && typeof body === 'object' && typeof (body as { source?: unknown }).source === 'string') {
    const raw = Buffer.from((body as { source: string }).source, 'utf8');
    if (raw.length > maxBytes) throw new AppError('PHISHING_TOO_LARGE', { limit: maxBytes });
    return raw;
  }
  throw new AppError('PHISHING_EMPTY');
}

function receiptUrl(ctx: AppContext, receipt: string): string {
  return `${ctx.config.publicUrl}/check/r/${receipt}`;
}
