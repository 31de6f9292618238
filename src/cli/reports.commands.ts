// `tocsin report generate` makes a period's report (unless it exists) and writes one copy of
// it — the operators', an organisation's, or the public edition — as text, HTML, JSON or PDF.
// `tocsin report send` queues it for the subscribers who have not had it and mails them now;
// refused mail stays queued for the running hub to retry.
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config/config.js';
import { cliActor } from '../orgs/actor.js';
import { buildView } from '../reports/report-build.js';
import { renderReportHtml } from '../reports/report.html.js';
import { renderReportPdf } from '../reports/report.pdf.js';
import { renderReportText } from '../reports/report.text.js';
import { reportKinds } from '../reports/report-view.js';
import { createReportDeliverer } from '../reports/reports.deliverer.js';
import { deliveryStats } from '../reports/reports.repository.js';
import { copyOptionsFor, factsOf, generateForOperator, hubInfo, metaOf, parseKind, parseSections, queueReport } from '../reports/reports.service.js';
import { withContext, type CliIO } from './context.js';
import { resolveOrg } from './resolve.js';

type GetConfig = () => Config;

const formats = ['text', 'html', 'json', 'pdf'] as const;

function formatOption(v: string): (typeof formats)[number] {
  if (!(formats as readonly string[]).includes(v)) throw new InvalidArgumentError(`choose one of ${formats.join(', ')}`);
  return v as (typeof formats)[number];
}

interface PeriodOptions {
  kind: string;
  date?: string;
  period?: string;
}

function periodOptions(cmd: Command): Command {
  return cmd
    .option('--kind <kind>', `${reportKinds.join(', ')}`, 'daily')
    .option('--date <date>', 'a date in the period (YYYY-MM-DD); default: the latest period that has ended')
    .option('--period <key>', 'the period itself: 2026-12-07 (daily), 2026-W49 (weekly), 2026-11 (monthly)');
}

export function registerReportCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  const report = program.command('report').description('the daily threat report and the weekly and monthly digests');

  periodOptions(report.command('generate'))
    .description("make a period's report unless it exists, and write one copy of it")
    .option('--org <org>', "write this organisation's copy (id or name); default: the operators' copy")
    .option('--public', 'write the public edition (TLP:CLEAR only)')
    .option('--sections <list>', 'comma-separated sections of the copy; default all')
    .option('--format <format>', formats.join(', '), formatOption, 'text')
    .option('--output <file>', 'write to this file instead of stdout (needed for pdf)')
    .action(async (opts: PeriodOptions & { org?: string; public?: boolean; sections?: string; format: (typeof formats)[number]; output?: string }) => {
      if (opts.format === 'pdf' && !opts.output) report.error('error: --format pdf needs --output FILE (a PDF is not written to a terminal)', { exitCode: 2 });
      if (opts.public && opts.org) report.error('error: choose --public or --org, not both', { exitCode: 2 });
      await withContext(getConfig(), async (ctx) => {
        const kind = parseKind(opts.kind);
        const sections = opts.sections ? parseSections(opts.sections.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
        const orgId = opts.org ? await resolveOrg(ctx, opts.org) : null;
        const made = await generateForOperator(ctx, cliActor(), kind, { date: opts.date, period: opts.period }, { queue: false });
        const r = made.report;
        const facts = factsOf(r);
        const copy = opts.public
          ? { edition: 'public' as const, readerLabel: 'Public edition' }
          : copyOptionsFor({ orgId, isOperator: orgId === null }, facts, sections);
        const view = buildView(metaOf(r), facts, { ...copy, ...(sections ? { sections } : {}) }, hubInfo(ctx));
        const body = opts.format === 'pdf' ? await renderReportPdf(view) : opts.format === 'html' ? renderReportHtml(view) : opts.format === 'json' ? `${JSON.stringify(view, null, 2)}\n` : renderReportText(view);
        if (opts.output) writeFileSync(opts.output, body);
        else io.out(String(body));
        io.err(`${made.created ? 'Made' : 'Already made:'} the ${kind} report ${r.period} (${r.period_from} to ${r.period_to}), id ${r.id}.`);
      });
    });

  periodOptions(report.command('send'))
    .description('queue a report for the subscribers who have not had it (making it if needed) and mail them now')
    .action(async (opts: PeriodOptions) => {
      await withContext(getConfig(), async (ctx) => {
        if (!ctx.mailer.configured) io.err('warning: TOCSIN_SMTP_URL is not set, so no mail can be sent.');
        const kind = parseKind(opts.kind);
        const made = await generateForOperator(ctx, cliActor(), kind, { date: opts.date, period: opts.period }, { queue: false });
        const queued = await queueReport(ctx, cliActor(), made.report);
        const deliverer = createReportDeliverer(ctx);
        while ((await deliverer.deliverDue()) > 0) {}
        const stats = await deliveryStats(ctx.db, made.report.id);
        io.out(`The ${kind} report ${made.report.period}: ${queued} queued now; ${stats.sent ?? 0} sent, ${stats.pending ?? 0} waiting for a retry, ${stats.failed ?? 0} not sent.`);
      });
    });
}
