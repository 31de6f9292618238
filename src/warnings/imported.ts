// A STIX report that arrives over TAXII — from a member's security tool or a peer hub —
// becomes a warning: its audience sees it in the dashboard and is alerted to it (stream,
// webhooks, mail) like one sent from the web form. A later version of the report updates the
// warning; a revoked one retracts it. Text from outside is cleaned, never refused: a tool's
// odd characters must not lose a warning.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Actor } from '../orgs/actor.js';
import type { Share } from '../sharing/shares.js';
import type { Database, WarningRow } from '../store/schema.js';
import { normaliseObservable } from '../stix/observables.js';
import { observablesOf } from '../stix/pattern/index.js';
import { warningExtensionId } from '../stix/report.js';
import { isSeverity, isWarningKind } from '../stix/vocab.js';
import { recordWarningMentions } from '../intel/sources.js';
import { replaceIndicators } from './warnings.repository.js';
import { emitWarningEvent } from './warnings.service.js';
import { warningLimits } from './warnings.view.js';

const controls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Create or update the warning for an imported report (the latest version of it); returns the
 * event ids to publish after commit (the warning's, and watchlist alerts its indicators raised),
 * none when nothing changed. `related` holds objects of
 * the same request by id; other referenced indicators are read from the version log.
 */
export async function recordImportedReport(
  ctx: AppContext,
  trx: Kysely<Database>,
  share: Share,
  report: Record<string, unknown>,
  related: ReadonlyMap<string, Record<string, unknown>>,
  actor: Actor | null,
): Promise<number[]> {
  const reportId = String(report.id);
  const now = ctx.now().toISOString();
  const ext = (report.extensions as Record<string, Record<string, unknown>> | undefined)?.[warningExtensionId] ?? {};
  const title = clean(String(report.name ?? ''), warningLimits.title, false) || 'Report without a title';
  const details = clean(typeof report.description === 'string' ? report.description : '', warningLimits.details, true);
  const kind = isWarningKind(ext.kind) ? ext.kind : 'other';
  const severity = isSeverity(ext.severity) ? ext.severity : 'medium';
  const services = Array.isArray(ext.affected_services) ? ext.affected_services.filter((s): s is string => typeof s === 'string').map((s) => clean(s, 200, false)).filter(Boolean).slice(0, 50) : [];
  const startedAt = typeof ext.started_at === 'string' && !Number.isNaN(Date.parse(ext.started_at)) ? new Date(ext.started_at).toISOString() : null;
  const indicators = await indicatorsOf(trx, report, related);

  const existing = await trx.selectFrom('warnings').selectAll().where('report_id', '=', reportId).executeTakeFirst();
  if (existing?.status === 'retracted') return [];
  const revoked = report.revoked === true;
  const row: WarningRow = existing
    ? {
        ...existing,
        share_id: share.id,
        title,
        details,
        severity,
        affected_services: JSON.stringify(services),
        version: existing.version + 1,
        updated_at: now,
        ...(revoked ? { status: 'retracted', retracted_at: now, retraction_reason: 'The producer revoked the report.' } : {}),
      }
    : {
        id: randomUUID(),
        report_id: reportId,
        share_id: share.id,
        kind,
        severity,
        title,
        details,
        started_at: startedAt,
        affected_services: JSON.stringify(services),
        status: revoked ? 'retracted' : 'active',
        version: 1,
        created_at: now,
        updated_at: now,
        retracted_at: revoked ? now : null,
        retraction_reason: revoked ? 'The producer revoked the report.' : null,
      };
  if (existing) await trx.updateTable('warnings').set(row).where('id', '=', row.id).execute();
  else await trx.insertInto('warnings').values(row).execute();
  await replaceIndicators(trx, row.id, indicators);
  const arrival = await recordWarningMentions(ctx, trx, { id: row.id, title: row.title, shareId: row.share_id, status: row.status }, indicators);
  const type = !existing ? 'warning.created' : revoked ? 'warning.retracted' : 'warning.updated';
  return [await emitWarningEvent(ctx, trx, type, row, share, actor), ...arrival.eventIds];
}

async function indicatorsOf(trx: Kysely<Database>, report: Record<string, unknown>, related: ReadonlyMap<string, Record<string, unknown>>) {
  const refs = (Array.isArray(report.object_refs) ? report.object_refs : []).filter((r): r is string => typeof r === 'string' && (r.startsWith('indicator--') || r.startsWith('vulnerability--')));
  const missing = refs.filter((r) => !related.has(r));
  const stored = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < missing.length; i += 500) {
    const rows = await trx.selectFrom('stix_versions').select(['id', 'data']).where('id', 'in', missing.slice(i, i + 500)).where('is_latest', '=', 1).execute();
    for (const r of rows) stored.set(r.id, JSON.parse(r.data) as Record<string, unknown>);
  }
  const found = new Map<string, { type: string; value: string; stixId: string }>();
  for (const ref of refs) {
    const o = related.get(ref) ?? stored.get(ref);
    if (!o) continue;
    if (o.type === 'indicator' && o.pattern_type === 'stix' && typeof o.pattern === 'string') {
      for (const obs of observablesOf(o.pattern)) found.set(`${obs.type}|${obs.value}`, { type: obs.type, value: obs.value, stixId: ref });
    } else if (o.type === 'vulnerability' && typeof o.name === 'string') {
      const cve = normaliseObservable('cve', o.name);
      if (cve) found.set(`cve|${cve}`, { type: 'cve', value: cve, stixId: ref });
    }
    if (found.size >= warningLimits.indicators) break;
  }
  return [...found.values()].slice(0, warningLimits.indicators);
}

function clean(text: string, limit: number, multiline: boolean): string {
  const t = text.replace(controls, ' ');
  const shaped = multiline ? t.replace(/\r\n?/g, '\n').trim() : t.replace(/\s+/g, ' ').trim();
  return shaped.length > limit ? `${shaped.slice(0, limit - 1)}…` : shaped;
}
