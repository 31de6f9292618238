// The report worker: on a timer it makes the reports that fell due (the latest of each kind,
// and those missed while the hub was down), then mails the queued copies. Each delivery is its
// own outbox row, so one refusing mailbox is retried on its own and never holds up the others;
// several processes share the work through leases, and the unique period keeps one report.
import { randomBytes } from 'node:crypto';
import { addMs, isoNow, type AppContext } from '../context.js';
import { forEachLimit } from '../collections.js';
import { smtpError, type MailMessage } from '../mail/mailer.js';
import { retryDelayMs } from '../push/alerts.deliverer.js';
import { createPump, type Pump } from '../push/pump.js';
import { buildView } from './report-build.js';
import { renderReportHtml } from './report.html.js';
import { renderReportPdf } from './report.pdf.js';
import { renderReportText } from './report.text.js';
import type { ReportSection, ReportView } from './report-view.js';
import { clearIndicatorsCsv, clearIndicatorsStix, collect } from './public-indicators.js';
import { unsubscribeHash } from './subscriptions.service.js';
import { copyOptionsFor, factsOf, hubInfo, makeDueReports, metaOf } from './reports.service.js';
import { claimDueDeliveries, findRecipient, findReport, findReportUser, findSubscription, markDelivery, type ClaimedDelivery, type ReportRow } from './reports.repository.js';

export interface ReportDeliveryOptions {
  intervalMs: number;
  /** how often the schedule is checked for reports that fell due */
  scheduleEveryMs: number;
  leaseMs: number;
  batchSize: number;
  concurrency: number;
  retryBaseMs: number;
  retryCapMs: number;
  giveUpMs: number;
  /** the public edition's mail carries its CSV and STIX files up to this many indicators (links beyond) */
  attachMaxIndicators: number;
}

export function defaultReportDeliveryOptions(ctx: Pick<AppContext, 'config'>): ReportDeliveryOptions {
  return {
    intervalMs: 10_000,
    scheduleEveryMs: 60_000,
    leaseMs: 10 * 60_000,
    batchSize: 20,
    concurrency: 4,
    retryBaseMs: 60_000,
    retryCapMs: 3_600_000,
    giveUpMs: ctx.config.mailRetryHours * 3_600_000,
    attachMaxIndicators: 5000,
  };
}

/** The copy's marking first, as on alerts: mail rules and readers see it before opening. */
function subjectOf(view: ReportView): string {
  return `[TLP:${view.tlp.toUpperCase()}] ${view.hubName}: ${view.title}`;
}

export interface ReportDeliverer {
  /** One pass: make due reports (at most every scheduleEveryMs), then send due copies. */
  runOnce(): Promise<number>;
  /** Send due copies only (`tocsin report send` drains the outbox with it). */
  deliverDue(): Promise<number>;
}

export type ReportPump = Pump & ReportDeliverer;

export function createReportPump(ctx: AppContext, options: Partial<ReportDeliveryOptions> = {}): ReportPump {
  const opts = { ...defaultReportDeliveryOptions(ctx), ...options };
  const deliverer = createReportDeliverer(ctx, opts);
  const pump = createPump({ name: 'reports', bus: ctx.bus, log: ctx.log, runOnce: deliverer.runOnce, intervalMs: opts.intervalMs, wakesOn: (m) => m.kind === 'wake' });
  return { ...pump, ...deliverer };
}

export function createReportDeliverer(ctx: AppContext, options: Partial<ReportDeliveryOptions> = {}): ReportDeliverer {
  const opts = { ...defaultReportDeliveryOptions(ctx), ...options };
  const log = ctx.log.child({ worker: 'reports' });
  let lastSchedule = 0;
  // Reports read in this process, by id: a batch of 300 copies parses the facts once.
  const reports = new Map<string, Promise<ReportRow | undefined>>();
  const publicParts = new Map<string, Promise<PublicParts>>();

  const reportOf = (id: string) => {
    let r = reports.get(id);
    if (!r) {
      if (reports.size >= 8) reports.delete(reports.keys().next().value!);
      reports.set(id, (r = findReport(ctx.db, id)));
    }
    return r;
  };

  interface PublicParts {
    view: ReportView;
    pdf: Buffer;
    attachments: NonNullable<MailMessage['attachments']>;
  }

  /** The public edition is the same for every outside recipient: rendered once per report. */
  const publicPartsOf = (r: ReportRow): Promise<PublicParts> => {
    let p = publicParts.get(r.id);
    if (!p) {
      if (publicParts.size >= 4) publicParts.delete(publicParts.keys().next().value!);
      p = (async () => {
        const view = buildView(metaOf(r), factsOf(r), { edition: 'public', readerLabel: 'Public edition' }, hubInfo(ctx));
        const pdf = await renderReportPdf(view);
        const attachments: PublicParts['attachments'] = [{ filename: `${r.kind}-${r.period}.pdf`, content: pdf, contentType: 'application/pdf' }];
        if (view.summary.indicators <= opts.attachMaxIndicators) {
          const w = { from: r.period_from, to: r.period_to };
          attachments.push({ filename: `indicators-${r.period}.csv`, content: await collect(clearIndicatorsCsv(ctx.db, w)), contentType: 'text/csv' });
          attachments.push({ filename: `indicators-${r.period}.stix.json`, content: await collect(clearIndicatorsStix(ctx.db, w, { ...hubInfo(ctx), kind: r.kind, period: r.period })), contentType: 'application/stix+json;version=2.1' });
        }
        return { view, pdf, attachments };
      })();
      p.catch(() => publicParts.delete(r.id));
      publicParts.set(r.id, p);
    }
    return p;
  };

  /** The mail for one delivery, or why it is dropped (the addressee as they are now). */
  const compose = async (row: ClaimedDelivery, r: ReportRow, token: string): Promise<{ drop: string } | { to: string; message: Omit<MailMessage, 'to'> }> => {
    const unsubscribeUrl = `${ctx.config.publicUrl}/public/reports/unsubscribe?token=${token}`;
    const headers = { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' };
    if (row.recipient_id) {
      const recipient = await findRecipient(ctx.db, row.recipient_id);
      if (!recipient) return { drop: 'the recipient was removed' };
      if (recipient.unsubscribed_at) return { drop: 'the recipient unsubscribed' };
      const parts = await publicPartsOf(r);
      return {
        to: recipient.email,
        message: {
          subject: subjectOf(parts.view),
          text: renderReportText(parts.view, { unsubscribeUrl }),
          html: renderReportHtml(parts.view, { unsubscribeUrl }),
          headers,
          attachments: parts.attachments,
        },
      };
    }
    const user = await findReportUser(ctx.db, row.user_id!);
    if (!user) return { drop: 'the user no longer exists' };
    if (user.disabled_at !== null) return { drop: 'the user is disabled' };
    const sub = await findSubscription(ctx.db, user.id);
    const kinds = sub ? (JSON.parse(sub.kinds) as string[]) : ['daily'];
    if (!kinds.includes(r.kind)) return { drop: `the user no longer takes the ${r.kind} report` };
    const sections = sub ? (JSON.parse(sub.sections) as ReportSection[]) : [];
    const facts = factsOf(r);
    const view = buildView(metaOf(r), facts, copyOptionsFor({ orgId: user.org_id, isOperator: user.is_operator === 1 }, facts, sections), hubInfo(ctx));
    const settingsUrl = `${ctx.config.publicUrl}/reports#subscription`;
    return {
      to: user.email,
      message: {
        subject: subjectOf(view),
        text: renderReportText(view, { unsubscribeUrl, settingsUrl }),
        html: renderReportHtml(view, { unsubscribeUrl, settingsUrl }),
        // No PDF attached: rendering one per member was most of a mail's cost (about 50 ms of
        // 110), and the mail links to it (made on demand, for the member signed in).
        headers,
      },
    };
  };

  const deliverDue = async (): Promise<number> => {
    const now = isoNow(ctx);
    const lease = addMs(now, opts.leaseMs);
    const claimed = await claimDueDeliveries(ctx.db, ctx.dialect, { now, leaseUntil: lease, limit: opts.batchSize });
    if (claimed.length === 0) return 0;
    await forEachLimit(claimed, opts.concurrency, async (row) => {
      try {
        const r = await reportOf(row.report_id);
        if (!r) return markDelivery(ctx.db, row.id, lease, { status: 'failed', error: 'the report no longer exists', attempted: false });
        const token = randomBytes(24).toString('base64url');
        const mail = await compose(row, r, token);
        if ('drop' in mail) return markDelivery(ctx.db, row.id, lease, { status: 'failed', error: mail.drop, attempted: false });
        try {
          const sent = await ctx.mailer.send({ to: mail.to, ...mail.message });
          if (!sent) return markDelivery(ctx.db, row.id, lease, { status: 'failed', error: 'mail is not configured (TOCSIN_SMTP_URL)', attempted: false });
        } catch (err) {
          const error = smtpError(err);
          log.warn({ deliveryId: row.id, attempts: row.attempts + 1, err: error }, 'report mail refused; will retry');
          const age = Date.parse(isoNow(ctx)) - Date.parse(row.created_at);
          if (age >= opts.giveUpMs) return markDelivery(ctx.db, row.id, lease, { status: 'failed', error: `gave up: ${error}`, attempted: true });
          return markDelivery(ctx.db, row.id, lease, { status: 'pending', nextAttemptAt: addMs(isoNow(ctx), retryDelayMs(row.attempts, opts)), error });
        }
        await markDelivery(ctx.db, row.id, lease, { status: 'sent', at: isoNow(ctx), unsubscribeHash: unsubscribeHash(token) });
      } catch (err) {
        // The lease runs out and the row is tried again; the other rows carry on meanwhile.
        log.error({ err, deliveryId: row.id }, 'report delivery could not be processed');
      }
    });
    return claimed.length;
  };

  return {
    deliverDue,
    async runOnce() {
      let n = 0;
      const t = ctx.now().getTime();
      if (t - lastSchedule >= opts.scheduleEveryMs) {
        lastSchedule = t;
        try {
          n += (await makeDueReports(ctx)).filter((m) => m.created).length;
        } catch (err) {
          log.error({ err }, 'making the due reports failed; retrying on the next check');
        }
      }
      return n + (await deliverDue());
    },
  };
}
