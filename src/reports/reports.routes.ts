// The reports API for members: the archive, one's own copy of a report (JSON or PDF), one's
// subscription, and for operators making a report now and the public edition's recipients.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, ListOf, NoContent } from '../http/schemas.js';
import { renderReportPdf } from './report.pdf.js';
import { GenerateBody, GenerateResultSchema, RecipientBody, RecipientSchema, ReportCopyQuery, ReportListItemSchema, ReportListQuery, ReportViewSchema, SubscriptionSchema } from './reports.schemas.js';
import { generateForOperator, listForActor, listItemOf, parseSections, queueReport, reportForActor } from './reports.service.js';
import { addRecipient, getSubscription, recipients, removeRecipient, setSubscription } from './subscriptions.service.js';

const sectionsOf = (q: { sections?: string | undefined }) => (q.sections ? parseSections(q.sections.split(',').map((s) => s.trim()).filter(Boolean)) : undefined);

export const reportsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['reports'];
  app.addSchema(ReportViewSchema);

  app.get(
    '/reports',
    { schema: { tags, summary: 'The archive of reports, newest first (each reader sees their own copy of each)', querystring: ReportListQuery, response: { 200: ListOf(ReportListItemSchema), ...errorResponses } } },
    async (request) => ({ items: await listForActor(ctx, actorOf(request), request.query) }),
  );

  app.get(
    '/reports/subscription',
    { schema: { tags, summary: 'The reports you receive by email', response: { 200: SubscriptionSchema, ...errorResponses } } },
    async (request) => getSubscription(ctx, actorOf(request)),
  );

  app.put(
    '/reports/subscription',
    { schema: { tags, summary: 'Choose the reports you receive (daily, weekly, monthly or none) and their sections', body: SubscriptionSchema, response: { 200: SubscriptionSchema, ...errorResponses } } },
    async (request) => setSubscription(ctx, actorOf(request), request.body),
  );

  app.get(
    '/reports/recipients',
    { schema: { tags, summary: 'Outside recipients of the public edition (operators)', response: { 200: ListOf(RecipientSchema), ...errorResponses } } },
    async (request) => ({ items: await recipients(ctx, actorOf(request)) }),
  );

  app.post(
    '/reports/recipients',
    { schema: { tags, summary: 'Add an outside recipient of the public edition, e.g. a local business (operators)', body: RecipientBody, response: { 201: RecipientSchema, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await addRecipient(ctx, actorOf(request), request.body)),
  );

  app.delete(
    '/reports/recipients/:id',
    { schema: { tags, summary: 'Remove an outside recipient (operators)', params: IdParams, response: { 204: NoContent, ...errorResponses } } },
    async (request, reply) => {
      await removeRecipient(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/reports/generate',
    { schema: { tags, summary: 'Make the report of a period now, unless it exists (operators)', body: GenerateBody, response: { 200: GenerateResultSchema, ...errorResponses } } },
    async (request) => {
      const actor = actorOf(request);
      const { kind, period, date, send } = request.body;
      const made = await generateForOperator(ctx, actor, kind, { period, date }, { queue: false });
      const queued = send ? await queueReport(ctx, actor, made.report) : 0;
      return { report: listItemOf(made.report), created: made.created, queued };
    },
  );

  app.get(
    '/reports/:id',
    { schema: { tags, summary: 'Your copy of a report: only what your organisation could see when it was made', params: IdParams, querystring: ReportCopyQuery, response: { 200: Type.Ref('ReportView'), ...errorResponses } } },
    async (request) => reportForActor(ctx, actorOf(request), request.params.id, sectionsOf(request.query)),
  );

  app.get(
    '/reports/:id/pdf',
    { schema: { tags, summary: 'Your copy of a report as a PDF', params: IdParams, querystring: ReportCopyQuery, produces: ['application/pdf'], response: { ...errorResponses } } },
    async (request, reply) => {
      const view = await reportForActor(ctx, actorOf(request), request.params.id, sectionsOf(request.query));
      const pdf = await renderReportPdf(view);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${view.kind}-${view.period}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
};
