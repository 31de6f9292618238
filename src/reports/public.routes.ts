// The public edition, deliberately without sign-in: for businesses, residents and elected
// officials. Server-rendered pages (they work without JavaScript and in any feed reader), the
// Atom and RSS feeds, the PDF, the day's TLP:CLEAR indicators as CSV and STIX, and the
// unsubscribe page that report mails link to. Only reports the hub has made are served; an
// anonymous visitor never causes one to be made.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { escapeHtml as esc } from '../mail/mailer.js';
import { atomFeed, rssFeed } from './public-feeds.js';
import { clearIndicatorsCsv, clearIndicatorsStix } from './public-indicators.js';
import { renderReportHtml } from './report.html.js';
import { renderReportPdf } from './report.pdf.js';
import { reportKinds, type ReportKind, type ReportView } from './report-view.js';
import { findReportByPeriod, recentReports, type ReportRow } from './reports.repository.js';
import { hubInfo, listForActor, publicCopy } from './reports.service.js';
import { unsubscribe } from './subscriptions.service.js';
import { scheduleOf, periodForDate } from './periods.js';

const fileName = /^([0-9A-Za-z-]{4,12})(\.pdf|\.csv|\.stix\.json|\.json)?$/;
const feedEntries = 30;

export const publicReportsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Public on purpose; rendering a PDF costs, so one address gets a few hundred a minute.
  const config = { public: true, rateLimit: { max: 300, timeWindow: 60_000 } };
  // The unsubscribe form and RFC 8058 one-click posts are form-encoded.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  // The same copy for everyone: made once per report and kept for a while.
  const views = new Map<string, ReportView>();
  const viewOf = (r: ReportRow): ReportView => {
    let v = views.get(r.id);
    if (!v) {
      if (views.size >= 64) views.delete(views.keys().next().value!);
      views.set(r.id, (v = publicCopy(ctx, r)));
    }
    return v;
  };
  const pdfs = new Map<string, Promise<Buffer>>();
  const pdfOf = (r: ReportRow): Promise<Buffer> => {
    let p = pdfs.get(r.id);
    if (!p) {
      if (pdfs.size >= 16) pdfs.delete(pdfs.keys().next().value!);
      p = renderReportPdf(viewOf(r));
      p.catch(() => pdfs.delete(r.id));
      pdfs.set(r.id, p);
    }
    return p;
  };

  const html = (reply: FastifyReply, body: string, status = 200, cache = 'public, max-age=300') => reply.code(status).type('text/html; charset=utf-8').header('cache-control', cache).send(body);
  const feedLinks = `<link rel="alternate" type="application/atom+xml" title="Atom" href="/public/reports/feed.atom"><link rel="alternate" type="application/rss+xml" title="RSS" href="/public/reports/feed.rss">`;
  const nav = `<nav style="font-size:14px;margin-bottom:12px"><a href="/public/reports">All reports</a> · <a href="/public/reports/feed.atom">Atom</a> · <a href="/public/reports/feed.rss">RSS</a> · <a href="/check">Check a suspicious email</a></nav>`;

  app.get('/public/reports', { schema: { hide: true }, config }, async (request, reply) => {
    const q = request.query as { date?: string; before?: string; kind?: string };
    if (q.date) {
      // The date search: to that morning's daily report.
      const date = String(q.date).slice(0, 20);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
        return html(reply, page('Not a date', `<h1>Not a date</h1><p>“${esc(date)}” is not a date. <a href="/public/reports">Back to the reports</a></p>`), 400, 'no-store');
      }
      const p = periodForDate('daily', date, scheduleOf(ctx.config));
      return reply.redirect(`/public/reports/daily/${p.key}`, 303);
    }
    const kind = q.kind && (reportKinds as readonly string[]).includes(q.kind) ? q.kind : undefined;
    const list = await listForActor(ctx, null, { kind, before: q.before ? String(q.before).slice(0, 60) : undefined, limit: 60 });
    const rows = list.map((r) => `<li><a href="/public/reports/${r.kind}/${esc(r.period)}">${esc(r.title)}</a></li>`).join('');
    const more = list.length === 60 ? `<p><a href="/public/reports?before=${encodeURIComponent(list[list.length - 1]!.cursor)}${kind ? `&kind=${kind}` : ''}">Older reports</a></p>` : '';
    const filter = ['', ...reportKinds].map((k) => (k === (kind ?? '') ? `<strong>${k || 'all'}</strong>` : `<a href="/public/reports${k ? `?kind=${k}` : ''}">${k || 'all'}</a>`)).join(' · ');
    return html(
      reply,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(ctx.config.hubName)}: public threat reports</title>${feedLinks}</head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:860px;margin:0 auto;padding:16px;line-height:1.45">${nav}<main>
<h1>${esc(ctx.config.hubName)}: public threat reports</h1>
<p>Every morning, what the region's members saw the day before, in plain language, with practical advice and the day's indicators for your security tools. Only information marked TLP:CLEAR is published here.</p>
<form method="get" action="/public/reports"><label>Go to the report of <input type="date" name="date" required></label> <button type="submit">Open</button></form>
<p>${filter}</p>
${rows ? `<ul>${rows}</ul>` : '<p>No reports yet.</p>'}${more}
</main></body></html>`,
    );
  });

  app.get('/public/reports/feed.atom', { schema: { hide: true }, config }, async (_request, reply) => {
    const entries = await recentEntries();
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(atomFeed(entries, hubInfo(ctx)));
  });

  app.get('/public/reports/feed.rss', { schema: { hide: true }, config }, async (_request, reply) => {
    const entries = await recentEntries();
    return reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(rssFeed(entries, hubInfo(ctx)));
  });

  async function recentEntries() {
    return (await recentReports(ctx.db, feedEntries)).map((r) => ({ id: r.id, view: viewOf(r) }));
  }

  app.get('/public/reports/unsubscribe', { schema: { hide: true }, config }, async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    // A page with a button, not an action: mail scanners follow links, and must not unsubscribe anyone.
    return html(
      reply,
      page(
        'Unsubscribe',
        `<h1>Unsubscribe</h1><form method="post" action="/public/reports/unsubscribe?token=${encodeURIComponent(token)}"><p>Stop receiving this report by email?</p><button type="submit">Unsubscribe</button></form>`,
      ),
      200,
      'no-store',
    );
  });

  app.post('/public/reports/unsubscribe', { schema: { hide: true }, config }, async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? (request.body as { token?: string } | undefined)?.token ?? '');
    try {
      const done = await unsubscribe(ctx, token);
      const what = done.who === 'recipient' ? 'the public edition' : `the ${done.kind} report`;
      return html(reply, page('Unsubscribed', `<h1>Unsubscribed</h1><p>You will no longer receive ${esc(what)} by email.</p>`), 200, 'no-store');
    } catch (err) {
      if (err instanceof AppError && err.code === 'LINK_INVALID') return html(reply, page('Link not valid', '<h1>This link is not valid</h1><p>It may be incomplete: copy the whole link from the email.</p>'), 400, 'no-store');
      throw err;
    }
  });

  app.get('/public/reports/:kind/:file', { schema: { hide: true }, config }, async (request, reply) => {
    const { kind, file } = request.params as { kind: string; file: string };
    const m = fileName.exec(file);
    if (!(reportKinds as readonly string[]).includes(kind) || !m) throw new AppError('NOT_FOUND', { what: 'report' });
    const r = await findReportByPeriod(ctx.db, kind, m[1]!);
    if (!r) throw new AppError('NOT_FOUND', { what: 'report' });
    const etag = `"${r.id}${m[2] ?? ''}"`;
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    reply.header('etag', etag).header('cache-control', 'public, max-age=300');
    const base = `${kind}-${r.period}`;
    const w = { from: r.period_from, to: r.period_to };
    switch (m[2]) {
      case '.pdf':
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${base}.pdf"`).send(await pdfOf(r));
      case '.json':
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(viewOf(r)));
      case '.csv':
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="indicators-${r.period}.csv"`).send(Readable.from(clearIndicatorsCsv(ctx.db, w)));
      case '.stix.json':
        return reply
          .type('application/stix+json;version=2.1')
          .header('content-disposition', `attachment; filename="indicators-${r.period}.stix.json"`)
          .send(Readable.from(clearIndicatorsStix(ctx.db, w, { ...hubInfo(ctx), kind: kind as ReportKind, period: r.period })));
      default:
        return html(reply, renderReportHtml(viewOf(r), { extraHead: feedLinks, nav }));
    }
  });

  function page(title: string, body: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(ctx.config.hubName)}: ${esc(title)}</title></head><body style="font-family:Arial,Helvetica,sans-serif;max-width:640px;margin:0 auto;padding:16px">${nav}<main>${body}</main></body></html>`;
  }
};
