// The system path that turns a resident's shared phishing check into a warning: TLP:GREEN,
// to all members, produced by no organisation and shown as "A resident via the phishing
// check". Written like any warning (STIX objects, indicators, audit) and recorded as an event
// in the same transaction, so members are alerted by stream, webhook and mail at once.
import { intelChanged } from '../intel/intel-version.js';
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { systemActor } from '../orgs/actor.js';
import { recordEvent } from '../push/outbox.js';
import type { ShareRule } from '../sharing/policy.js';
import { insertShare } from '../sharing/shares.js';
import type { WarningRow } from '../store/schema.js';
import { newStixId } from '../stix/ids.js';
import { buildWarningBundle } from '../stix/report.js';
import type { Severity } from '../stix/vocab.js';
import { recordWarningMentions } from '../intel/sources.js';
import { insertWarning, replaceIndicators, upsertStixObjects } from '../warnings/warnings.repository.js';
import type { IndicatorInput } from '../warnings/warnings.service.js';
import { toWarning } from '../warnings/warnings.view.js';
import { claimShare, setSharedWarning } from './phishing.repository.js';
import { residentLabel } from './words.js';

export interface ResidentReport {
  title: string;
  details: string;
  severity: Severity;
  /** normalised already (warnings.service normaliseIndicators) */
  indicators: IndicatorInput[];
}

const residentRule: ShareRule & { anonymous: boolean } = {
  tlp: 'green',
  audienceKind: 'members',
  producerOrgId: null,
  audienceOrgIds: [],
  audienceGroupIds: [],
  anonymous: true,
};

/** Create the warning and mark the check shared, in one transaction; resolves to the warning id. */
export async function createResidentWarning(ctx: AppContext, checkId: string, report: ResidentReport): Promise<string> {
  const now = ctx.now().toISOString();
  const id = randomUUID();
  const ids = new Map(report.indicators.map((i) => [`${i.type}|${i.value}`, newStixId(i.type === 'cve' ? 'vulnerability' : 'indicator')]));
  const eventIds = await ctx.db.transaction().execute(async (trx) => {
    const claimed = await claimShare(trx, checkId, now);
    if (!claimed) {
      const at = (await trx.selectFrom('phishing_checks').select('shared_at').where('id', '=', checkId).executeTakeFirst())?.shared_at ?? now;
      throw new AppError('PHISHING_ALREADY_SHARED', { at });
    }
    const share = await insertShare(trx, residentRule, { userId: null, publicLabel: residentLabel }, now);
    const bundle = buildWarningBundle({
      title: report.title,
      details: report.details,
      kind: 'phishing',
      severity: report.severity,
      startedAt: now,
      affectedServices: ['email'],
      tlp: 'green',
      indicators: report.indicators,
      producer: { name: residentLabel, anonymous: true },
      created: new Date(now),
      modified: new Date(now),
      indicatorIds: ids,
    });
    const stixReport = bundle.objects.find((o) => o.type === 'report')!;
    await upsertStixObjects(trx, ctx.dialect, share.id, bundle.objects, now);
    const row: WarningRow = {
      id,
      report_id: String(stixReport.id),
      share_id: share.id,
      kind: 'phishing',
      severity: report.severity,
      title: report.title,
      details: report.details,
      started_at: null,
      affected_services: JSON.stringify(['email']),
      status: 'active',
      version: 1,
      created_at: now,
      updated_at: now,
      retracted_at: null,
      retraction_reason: null,
    };
    await insertWarning(trx, row);
    const stored = report.indicators.map((i) => ({ type: i.type, value: i.value, stixId: ids.get(`${i.type}|${i.value}`)! }));
    await replaceIndicators(trx, id, stored);
    const arrival = await recordWarningMentions(ctx, trx, { id, title: report.title, shareId: share.id, status: 'active' }, stored);
    await setSharedWarning(trx, checkId, id, now);
    await recordAudit(ctx, trx, systemActor(), {
      action: 'warning.create',
      orgId: null,
      targetType: 'warning',
      targetId: id,
      details: { title: report.title, tlp: 'green', audience: 'members', anonymous: true, source: 'phishing-check', checkId, indicators: stored.length },
    });
    // No organisation produced it, so every recipient sees the same thing: the public label.
    const view = toWarning(row, share, stored, { isOwn: false, producerName: null, audienceNames: { orgs: [], groups: [] } });
    const eventId = await recordEvent(ctx, trx, {
      type: 'warning.created',
      shareId: share.id,
      subjectId: id,
      rule: share,
      meta: { tlp: 'green', kind: 'phishing', severity: report.severity, groupIds: [] },
      full: { type: 'warning.created', warning: view },
      others: { type: 'warning.created', warning: view },
      actorUserId: null,
    });
    return [eventId, ...arrival.eventIds];
  });
  for (const eventId of eventIds) await ctx.bus.publish({ kind: 'event', id: eventId });
  await intelChanged(ctx);
  return id;
}
