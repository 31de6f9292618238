// "Report an attack": a member sends a warning once, under a TLP and an audience; it is
// stored as STIX 2.1 and, in the same transaction, recorded as an event with its webhook
// and mail deliveries. Updates and retractions are events too, reaching the same people.
import { intelChanged } from '../intel/intel-version.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { assertPlainText } from '../text.js';
import { requireContributor, requireScope, type Actor } from '../orgs/actor.js';
import { recordEvent } from '../push/outbox.js';
import { canRead, readerFor, type Reader } from '../sharing/policy.js';
import { anonymousLabel, checkShare, insertShare, loadShare, parseTlp, toShare, type AudienceInput, type Share } from '../sharing/shares.js';
import type { Database, WarningRow } from '../store/schema.js';
import { normaliseObservable, type IndicatorType } from '../stix/observables.js';
import { publishArrival } from '../intel/arrivals.js';
import { recordWarningMentions } from '../intel/sources.js';
import { newStixId } from '../stix/ids.js';
import { buildWarningBundle } from '../stix/report.js';
import { refang } from '../stix/text.js';
import type { Severity, WarningKind } from '../stix/vocab.js';
import {
  countVisibleWarnings,
  findWarning,
  insertWarning,
  listVisibleWarnings,
  loadIndicators,
  loadStixObjects,
  replaceIndicators,
  updateWarningRow,
  upsertStixObjects,
  type WarningWithShare,
} from './warnings.repository.js';
import { toWarning, warningLimits, type Warning } from './warnings.view.js';

export interface IndicatorInput {
  type: IndicatorType;
  value: string;
}

export interface WarningInput {
  title: string;
  kind: WarningKind;
  severity: Severity;
  startedAt?: string | null | undefined;
  affectedServices?: string[] | undefined;
  details: string;
  indicators?: IndicatorInput[] | undefined;
  tlp: string;
  audience: AudienceInput;
  anonymous?: boolean | undefined;
}

export interface WarningPatch {
  title?: string | undefined;
  severity?: Severity | undefined;
  details?: string | undefined;
  affectedServices?: string[] | undefined;
  indicators?: IndicatorInput[] | undefined;
  /** optimistic concurrency: the version the editor loaded */
  version?: number | undefined;
}

export async function createWarning(ctx: AppContext, actor: Actor, input: WarningInput): Promise<Warning> {
  requireContributor(actor, 'send warnings');
  parseTlp(input.tlp);
  const title = cleanText(input.title, 'title', warningLimits.title);
  const details = cleanText(input.details, 'details', warningLimits.details, true);
  const indicators = normaliseIndicators(input.indicators ?? []);
  const services = (input.affectedServices ?? []).map((s) => cleanText(s, 'affected service', 200)).filter(Boolean);
  const startedAt = input.startedAt ? parseDate(input.startedAt) : null;
  const now = ctx.now().toISOString();
  const id = randomUUID();

  const { eventId, warningId, arrival } = await ctx.db.transaction().execute(async (trx) => {
    const rule = await checkShare(trx, actor, input);
    const publicLabel = actor.orgId && rule.anonymous ? await anonymousLabel(trx, actor.orgId) : null;
    const share = await insertShare(trx, rule, { userId: actor.userId, publicLabel }, now);
    const producer = await producerIdentity(trx, share);
    const ids = stixIdsFor(indicators, new Map());
    const bundle = buildWarningBundle({
      title,
      details,
      kind: input.kind,
      severity: input.severity,
      startedAt: startedAt ?? now,
      affectedServices: services,
      tlp: share.tlp,
      indicators,
      producer,
      created: new Date(now),
      modified: new Date(now),
      indicatorIds: ids,
    });
    const report = bundle.objects.find((o) => o.type === 'report')!;
    await upsertStixObjects(trx, ctx.dialect, share.id, bundle.objects, now);
    const row: WarningRow = {
      id,
      report_id: String(report.id),
      share_id: share.id,
      kind: input.kind,
      severity: input.severity,
      title,
      details,
      started_at: startedAt,
      affected_services: JSON.stringify(services),
      status: 'active',
      version: 1,
      created_at: now,
      updated_at: now,
      retracted_at: null,
      retraction_reason: null,
    };
    await insertWarning(trx, row);
    await replaceIndicators(trx, id, withIds(indicators, ids));
    const arrival = await recordWarningMentions(ctx, trx, { id, title, shareId: share.id, status: 'active' }, indicators);
    await recordAudit(ctx, trx, actor, {
      action: 'warning.create',
      orgId: actor.orgId,
      targetType: 'warning',
      targetId: id,
      details: { title, tlp: share.tlp, audience: share.audienceKind, anonymous: share.anonymous, indicators: indicators.length },
    });
    const eventId = await emit(ctx, trx, 'warning.created', row, share, actor);
    return { eventId, warningId: id, arrival };
  });
  await ctx.bus.publish({ kind: 'event', id: eventId });
  await publishArrival(ctx, arrival);
  await intelChanged(ctx);
  return getWarning(ctx, actor, warningId, { audit: false });
}

export async function updateWarning(ctx: AppContext, actor: Actor, id: string, patch: WarningPatch): Promise<Warning> {
  requireContributor(actor, 'change warnings');
  const now = ctx.now().toISOString();
  const { eventId, arrival } = await ctx.db.transaction().execute(async (trx) => {
    const { warning: w, share } = await loadOwnActiveWarning(trx, actor, id);
    if (patch.version !== undefined && patch.version !== w.version) throw new AppError('VERSION_CONFLICT', { version: w.version });
    const next: WarningRow = {
      ...w,
      title: patch.title !== undefined ? cleanText(patch.title, 'title', warningLimits.title) : w.title,
      severity: patch.severity ?? w.severity,
      details: patch.details !== undefined ? cleanText(patch.details, 'details', warningLimits.details, true) : w.details,
      affected_services: patch.affectedServices !== undefined ? JSON.stringify(patch.affectedServices.map((s) => cleanText(s, 'affected service', 200)).filter(Boolean)) : w.affected_services,
      version: w.version + 1,
      updated_at: now,
    };
    const existing = (await loadIndicators(trx, [id])).get(id) ?? [];
    const indicators = patch.indicators !== undefined ? normaliseIndicators(patch.indicators) : existing.map(({ type, value }) => ({ type: type as IndicatorType, value }));
    const ids = stixIdsFor(indicators, new Map(existing.map((x) => [`${x.type}|${x.value}`, x.stixId])));
    const bundle = buildWarningBundle({
      reportId: w.report_id,
      title: next.title,
      details: next.details,
      kind: w.kind as WarningKind,
      severity: next.severity as Severity,
      startedAt: w.started_at ?? w.created_at,
      affectedServices: JSON.parse(next.affected_services) as string[],
      tlp: share.tlp,
      indicators,
      producer: await producerIdentity(trx, share),
      created: new Date(w.created_at),
      modified: new Date(now),
      indicatorIds: ids,
    });
    await upsertStixObjects(trx, ctx.dialect, share.id, bundle.objects, now);
    await updateWarningRow(trx, id, next);
    await replaceIndicators(trx, id, withIds(indicators, ids));
    const arrival = await recordWarningMentions(ctx, trx, { id, title: next.title, shareId: share.id, status: 'active' }, indicators);
    await recordAudit(ctx, trx, actor, { action: 'warning.update', orgId: actor.orgId, targetType: 'warning', targetId: id, details: { version: next.version, fields: Object.keys(patch).filter((k) => k !== 'version') } });
    return { eventId: await emit(ctx, trx, 'warning.updated', next, share, actor), arrival };
  });
  await ctx.bus.publish({ kind: 'event', id: eventId });
  await publishArrival(ctx, arrival);
  await intelChanged(ctx);
  return getWarning(ctx, actor, id, { audit: false });
}

/** A retraction is an event, never a silent delete: everyone who received the warning hears of it. */
export async function retractWarning(ctx: AppContext, actor: Actor, id: string, reason: string): Promise<Warning> {
  requireContributor(actor, 'retract warnings');
  const why = cleanText(reason, 'reason', 2000);
  const now = ctx.now().toISOString();
  const eventId = await ctx.db.transaction().execute(async (trx) => {
    const { warning: w, share } = await loadOwnActiveWarning(trx, actor, id);
    const next: WarningRow = { ...w, status: 'retracted', retracted_at: now, retraction_reason: why, version: w.version + 1, updated_at: now };
    await updateWarningRow(trx, id, next);
    // The STIX objects are revoked (a new version with revoked: true), as the spec has it.
    const objects = await trx.selectFrom('stix_objects').select(['id', 'data']).where('share_id', '=', share.id).execute();
    for (const o of objects) {
      const data = JSON.parse(o.data) as Record<string, unknown>;
      if (o.id.startsWith('identity--') || o.id.startsWith('marking-definition--') || o.id.startsWith('extension-definition--')) continue;
      await upsertStixObjects(trx, ctx.dialect, share.id, [{ ...data, modified: laterThan(String(data.modified), now), revoked: true }], now);
    }
    await recordWarningMentions(ctx, trx, { id, title: w.title, shareId: share.id, status: 'retracted' }, []);
    await recordAudit(ctx, trx, actor, { action: 'warning.retract', orgId: actor.orgId, targetType: 'warning', targetId: id, details: { reason: why } });
    return emit(ctx, trx, 'warning.retracted', next, share, actor);
  });
  await ctx.bus.publish({ kind: 'event', id: eventId });
  await intelChanged(ctx);
  return getWarning(ctx, actor, id, { audit: false });
}

export async function getWarning(ctx: AppContext, actor: Actor | null, id: string, opts: { audit?: boolean } = {}): Promise<Warning> {
  if (actor) requireScope(actor, 'read');
  const reader = await readerFor(ctx.db, actor);
  const found = await findWarning(ctx.db, id);
  const share = found ? await loadShare(ctx.db, found.share.id) : undefined;
  // Not visible and not existing look the same.
  if (!found || !share || !canRead(reader, share)) throw notFound('warning');
  const [warning] = await toWarnings(ctx, reader, [found]);
  if (opts.audit !== false) await auditForeignReads(ctx, actor, [warning!]);
  return warning!;
}

export async function listWarnings(
  ctx: AppContext,
  actor: Actor | null,
  q: { status?: 'active' | 'retracted' | undefined; kind?: string | undefined; before?: string | undefined; since?: string | undefined; limit?: number | undefined },
): Promise<{ items: Warning[]; total: number; nextBefore: string | null }> {
  if (actor) requireScope(actor, 'read');
  const reader = await readerFor(ctx.db, actor);
  const limit = q.limit ?? 50;
  const [rows, total] = await Promise.all([
    listVisibleWarnings(ctx.db, reader, { ...q, limit: limit + 1 }),
    countVisibleWarnings(ctx.db, reader, q.status),
  ]);
  const page = rows.slice(0, limit);
  const items = await toWarnings(ctx, reader, page);
  await auditForeignReads(ctx, actor, items);
  return { items, total, nextBefore: rows.length > limit ? page[page.length - 1]!.warning.created_at : null };
}

/** The warning as a STIX 2.1 bundle, as the reader may see it (identity hidden when anonymous). */
export async function getWarningBundle(ctx: AppContext, actor: Actor | null, id: string): Promise<{ type: 'bundle'; id: string; objects: Array<Record<string, unknown>> }> {
  const warning = await getWarning(ctx, actor, id); // the policy check, and the audit of a foreign AMBER/RED read
  // The report, what it refers to, and what those refer to (identities, markings, extension
  // definitions — stored once and shared by every warning). Stored objects never name an
  // anonymous producer: their identity is the public label.
  const byId = new Map<string, Record<string, unknown>>();
  let wanted = [warning.reportId];
  for (let depth = 0; depth < 4 && wanted.length; depth++) {
    const found = await loadStixObjects(ctx.db, wanted);
    const next = new Set<string>();
    for (const o of found) {
      byId.set(String(o.id), o);
      for (const ref of [...((o.object_refs as string[] | undefined) ?? []), ...((o.object_marking_refs as string[] | undefined) ?? []), o.created_by_ref as string | undefined, ...Object.keys((o.extensions as object | undefined) ?? {})]) {
        if (typeof ref === 'string' && ref.includes('--') && !byId.has(ref)) next.add(ref);
      }
    }
    wanted = [...next];
  }
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [...byId.values()] };
}

// ---------------------------------------------------------------------------------------

/** The warning, for a change by its sender: hidden ones are 404, others' 403, retracted ones final. */
async function loadOwnActiveWarning(trx: Kysely<Database>, actor: Actor, id: string): Promise<{ warning: WarningRow; share: Share }> {
  const found = await findWarning(trx, id);
  const share = found ? await loadShare(trx, found.share.id) : undefined;
  if (!found || !share || !canRead(await readerFor(trx, actor), share)) throw notFound('warning');
  if (!actor.orgId || actor.orgId !== share.producerOrgId) throw new AppError('WARNING_NOT_YOURS');
  if (found.warning.status === 'retracted') throw new AppError('WARNING_RETRACTED', { at: found.warning.retracted_at ?? '' });
  return { warning: found.warning, share };
}

/** Record a warning event for its audience (stream, webhooks, mail) in the caller's transaction. */
export async function emitWarningEvent(ctx: AppContext, trx: Kysely<Database>, type: string, row: WarningRow, share: Share, actor: Actor | null): Promise<number> {
  return emit(ctx, trx, type, row, share, actor);
}

async function emit(ctx: AppContext, trx: Kysely<Database>, type: string, row: WarningRow, share: Share, actor: Actor | null): Promise<number> {
  const indicators = (await loadIndicators(trx, [row.id])).get(row.id) ?? [];
  const names = await audienceNames(trx, share);
  const producerName = share.producerOrgId ? ((await trx.selectFrom('organisations').select('name').where('id', '=', share.producerOrgId).executeTakeFirst())?.name ?? null) : null;
  const full = toWarning(row, share, indicators, { isOwn: true, producerName, audienceNames: names });
  const others = toWarning(row, share, indicators, { isOwn: false, producerName, audienceNames: names });
  return recordEvent(ctx, trx, {
    type,
    shareId: share.id,
    subjectId: row.id,
    rule: share,
    meta: { tlp: share.tlp, kind: row.kind, severity: row.severity as Severity, groupIds: share.audienceGroupIds },
    full: { type, warning: full },
    others: { type, warning: others },
    actorUserId: actor?.userId ?? null,
  });
}

/** A page of warnings as the reader sees them: four queries whatever the page size. */
async function toWarnings(ctx: AppContext, reader: Reader, rows: WarningWithShare[]): Promise<Warning[]> {
  if (rows.length === 0) return [];
  const shareIds = [...new Set(rows.map((r) => r.share.id))];
  const [indicators, audience] = await Promise.all([
    loadIndicators(ctx.db, rows.map((r) => r.warning.id)),
    ctx.db.selectFrom('share_audience').selectAll().where('share_id', 'in', shareIds).execute(),
  ]);
  const orgIds = new Set<string>(audience.filter((a) => a.kind === 'org').map((a) => a.ref_id));
  for (const r of rows) if (r.share.producer_org_id) orgIds.add(r.share.producer_org_id);
  const groupIds = [...new Set(audience.filter((a) => a.kind === 'group').map((a) => a.ref_id))];
  const [orgs, groups] = await Promise.all([
    orgIds.size ? ctx.db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', [...orgIds]).execute() : [],
    groupIds.length ? ctx.db.selectFrom('sharing_groups').select(['id', 'name']).where('id', 'in', groupIds).execute() : [],
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return rows.map(({ warning, share: row }) => {
    const share = toShare(row, audience.filter((a) => a.share_id === row.id));
    const isOwn = reader.orgId !== null && reader.orgId === share.producerOrgId;
    const names = {
      orgs: share.audienceOrgIds.filter((id) => orgName.has(id)).map((id) => ({ id, name: orgName.get(id)! })).sort(byName),
      groups: share.audienceGroupIds.filter((id) => groupName.has(id)).map((id) => ({ id, name: groupName.get(id)! })).sort(byName),
    };
    const producerName = share.producerOrgId ? (orgName.get(share.producerOrgId) ?? null) : null;
    return toWarning(warning, share, indicators.get(warning.id) ?? [], { isOwn, producerName, audienceNames: names });
  });
}

async function audienceNames(db: Kysely<Database>, share: Share): Promise<{ orgs: Array<{ id: string; name: string }>; groups: Array<{ id: string; name: string }> }> {
  const orgs = share.audienceOrgIds.length ? await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', share.audienceOrgIds).orderBy('name').execute() : [];
  const groups = share.audienceGroupIds.length ? await db.selectFrom('sharing_groups').select(['id', 'name']).where('id', 'in', share.audienceGroupIds).orderBy('name').execute() : [];
  return { orgs, groups };
}

/** Reading another organisation's AMBER or RED warning is recorded in the audit trail. */
async function auditForeignReads(ctx: AppContext, actor: Actor | null, warnings: Warning[]): Promise<void> {
  if (!actor) return;
  const sensitive = warnings.filter((w) => !w.isOwn && (w.tlp === 'amber' || w.tlp === 'amber+strict' || w.tlp === 'red'));
  if (sensitive.length === 0) return;
  await recordAudit(ctx, ctx.db, actor, {
    action: 'warning.read',
    orgId: actor.orgId,
    targetType: 'warning',
    targetId: sensitive.length === 1 ? sensitive[0]!.id : undefined,
    details: { warnings: sensitive.map((w) => ({ id: w.id, tlp: w.tlp })) },
  });
}

async function producerIdentity(db: Kysely<Database>, share: Share): Promise<{ identityId: string; name: string }> {
  if (share.anonymous || !share.producerOrgId) {
    const name = share.publicLabel ?? 'Tocsin hub';
    return { identityId: '', name };
  }
  const org = await db.selectFrom('organisations').select(['id', 'name']).where('id', '=', share.producerOrgId).executeTakeFirstOrThrow();
  return { identityId: `identity--${org.id}`, name: org.name };
}

/** STIX ids per indicator: kept across updates, new ones for new values. */
function stixIdsFor(indicators: IndicatorInput[], existing: Map<string, string>): Map<string, string> {
  return new Map(indicators.map((i) => {
    const key = `${i.type}|${i.value}`;
    return [key, existing.get(key) ?? newStixId(i.type === 'cve' ? 'vulnerability' : 'indicator')];
  }));
}

function withIds(indicators: IndicatorInput[], ids: Map<string, string>): Array<{ type: string; value: string; stixId: string }> {
  return indicators.map((i) => ({ type: i.type, value: i.value, stixId: ids.get(`${i.type}|${i.value}`)! }));
}

export function normaliseIndicators(input: IndicatorInput[]): IndicatorInput[] {
  if (input.length > warningLimits.indicators) throw new AppError('TOO_MANY_INDICATORS', { limit: warningLimits.indicators });
  const seen = new Map<string, IndicatorInput>();
  for (const i of input) {
    // Scripts may send indicators as people write them in mail: defanged.
    const value = normaliseObservable(i.type, refang(i.value.trim()));
    if (value === null) throw new AppError('INDICATOR_INVALID', { type: i.type, value: i.value.slice(0, 200) });
    seen.set(`${i.type}|${value}`, { type: i.type, value });
  }
  return [...seen.values()];
}

function cleanText(value: string, what: string, limit: number, multiline = false): string {
  const text = multiline ? value.replace(/\r\n?/g, '\n').trim() : value.replace(/\s+/g, ' ').trim();
  if (text.length > limit) throw new AppError('TEXT_TOO_LARGE', { what, limit });
  assertPlainText(text, what);
  if (what === 'title' && !text) throw new AppError('VALIDATION_FAILED', { detail: 'title must not be blank' });
  return text;
}

function parseDate(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new AppError('VALIDATION_FAILED', { detail: `"${value.slice(0, 40)}" is not a date and time` });
  return new Date(t).toISOString();
}

function laterThan(previous: string, now: string): string {
  return now > previous ? now : new Date(Date.parse(previous) + 1).toISOString();
}
