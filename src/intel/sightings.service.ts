// Members report "we saw this": in one click on an observable, or in batches from their SIEM.
// A sighting marked false positive lowers the confidence everyone is told and, once enough
// distinct organisations say so, suppresses the value for everyone (no alerts, no exports).
import { intelChanged } from './intel-version.js';
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { classifyValue, type ForcedType } from '../feeds/parsers/values.js';
import { requireContributor, type Actor } from '../orgs/actor.js';
import { readerFor } from '../sharing/policy.js';
import type { IndicatorType } from '../stix/observables.js';
import { observableKey } from './ingest.repository.js';
import { findObservableById, listVisibleMentions, sightedObservables } from './intel.repository.js';
import { ensureObservables, insertSightings, tallyFalsePositives, type NewSighting } from './sightings.repository.js';
import { warningListMatcher } from './warning-lists.js';

export const maxSightingsPerRequest = 1000;
/** Clocks drift: a sighting a few minutes ahead of the hub is accepted as now. */
const futureSlackMs = 10 * 60_000;

export interface SightingInput {
  value: string;
  type?: IndicatorType | undefined;
  seenAt?: string | undefined;
  count?: number | undefined;
  falsePositive?: boolean | undefined;
  anonymous?: boolean | undefined;
  note?: string | undefined;
}

export interface SightingOutcome {
  index: number;
  type?: string;
  value?: string;
  observableId?: number;
  error?: string;
}

export interface SightingReport {
  recorded: number;
  rejected: number;
  results: SightingOutcome[];
  /** observables this report pushed past the false-positive threshold */
  suppressed: number[];
}

type Via = 'web' | 'api' | 'lookup';

function seenAtOf(input: { seenAt?: string | undefined }, now: string): { at: string } | { error: string } {
  if (input.seenAt === undefined) return { at: now };
  const t = Date.parse(input.seenAt);
  if (Number.isNaN(t)) return { error: 'seenAt is not a date and time' };
  if (t > Date.parse(now) + futureSlackMs) return { error: 'seenAt is in the future' };
  if (t < Date.UTC(1970, 0, 1)) return { error: 'seenAt is before 1970' };
  return { at: new Date(t).toISOString() };
}

function requireReporter(actor: Actor): string {
  requireContributor(actor, 'report sightings');
  if (!actor.orgId) throw new AppError('SIGHTING_NEEDS_ORG');
  return actor.orgId;
}

/** Store sightings of values (creating source-less observables for new ones), all or nothing per valid item. */
export async function reportSightings(ctx: AppContext, actor: Actor, inputs: readonly SightingInput[], via: Via = 'api'): Promise<SightingReport> {
  const orgId = requireReporter(actor);
  if (inputs.length > maxSightingsPerRequest) throw new AppError('SIGHTINGS_TOO_MANY', { limit: maxSightingsPerRequest, count: inputs.length });
  if (inputs.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'sightings: report at least one' });
  const now = ctx.now().toISOString();
  const results: SightingOutcome[] = [];
  const valid: Array<{ index: number; type: IndicatorType; value: string; at: string; input: SightingInput }> = [];
  inputs.forEach((input, index) => {
    const c = classifyValue(input.value.trim(), input.type as ForcedType | undefined);
    if (!c.ok) return void results.push({ index, error: c.reason });
    const seen = seenAtOf(input, now);
    if ('error' in seen) return void results.push({ index, type: c.type, value: c.value, error: seen.error });
    valid.push({ index, type: c.type, value: c.value, at: seen.at, input });
  });

  const suppressed = await ctx.db.transaction().execute(async (trx) => {
    if (valid.length === 0) return [];
    const matcher = await warningListMatcher(ctx.db, trx);
    const ids = await ensureObservables(
      trx,
      valid.map((v) => ({ type: v.type, value: v.value, warningList: matcher.match(v.type, v.value) })),
      now,
    );
    const rows: NewSighting[] = valid.map((v) => ({
      id: randomUUID(),
      observable_id: ids.get(observableKey(v.type, v.value))!,
      org_id: orgId,
      user_id: actor.userId,
      anonymous: v.input.anonymous ? 1 : 0,
      false_positive: v.input.falsePositive ? 1 : 0,
      count: v.input.count ?? 1,
      source: via,
      note: v.input.note?.trim() || null,
      seen_at: v.at,
      created_at: now,
    }));
    await insertSightings(trx, rows);
    const fpIds = rows.filter((r) => r.false_positive).map((r) => r.observable_id);
    const newlySuppressed = fpIds.length ? await tallyFalsePositives(trx, fpIds, ctx.config.intelFalsePositiveThreshold, now) : [];
    await recordAudit(ctx, trx, actor, {
      action: 'intel.sightings.reported',
      orgId,
      details: { via, recorded: rows.length, falsePositives: fpIds.length, rejected: inputs.length - rows.length },
    });
    for (const id of newlySuppressed) {
      await recordAudit(ctx, trx, actor, { action: 'intel.observable.suppressed', orgId: null, targetType: 'observable', targetId: String(id), details: { threshold: ctx.config.intelFalsePositiveThreshold } });
    }
    for (const v of valid) results.push({ index: v.index, type: v.type, value: v.value, observableId: ids.get(observableKey(v.type, v.value))! });
    return newlySuppressed;
  });
  await intelChanged(ctx);
  results.sort((a, b) => a.index - b.index);
  return { recorded: valid.length, rejected: inputs.length - valid.length, results, suppressed };
}

/** One click on an observable the caller can see. */
export async function reportSightingOf(ctx: AppContext, actor: Actor, observableId: number, input: Omit<SightingInput, 'value' | 'type'>): Promise<SightingReport> {
  requireReporter(actor);
  const o = await findObservableById(ctx.db, observableId);
  if (!o) throw notFound('observable');
  const reader = await readerFor(ctx.db, actor);
  const [mentions, sighted] = await Promise.all([listVisibleMentions(ctx.db, reader, [observableId]), sightedObservables(ctx.db, [observableId])]);
  if (mentions.length === 0 && !sighted.has(observableId)) throw notFound('observable');
  const report = await reportSightings(ctx, actor, [{ ...input, value: o.value, type: o.type as IndicatorType }], 'web');
  const failed = report.results[0]?.error;
  if (failed) throw new AppError('VALIDATION_FAILED', { detail: failed });
  return report;
}
