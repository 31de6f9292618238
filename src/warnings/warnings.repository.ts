// SQL for warnings: rows, their indicators and STIX objects, and policy-filtered lists.
import type { Kysely } from 'kysely';
import { visibleTo, type Reader } from '../sharing/policy.js';
import type { Database, ShareRow, WarningRow } from '../store/schema.js';
import type { DialectName } from '../store/dialect.js';
import { appendOwnVersions } from '../objects/versions.repository.js';
import { referenceShareForWarningObject } from '../sharing/reference-shares.js';

export interface WarningWithShare {
  warning: WarningRow;
  share: ShareRow;
}

export async function insertWarning(db: Kysely<Database>, row: WarningRow): Promise<void> {
  await db.insertInto('warnings').values(row).execute();
}

export async function updateWarningRow(db: Kysely<Database>, id: string, update: Partial<WarningRow>): Promise<void> {
  await db.updateTable('warnings').set(update).where('id', '=', id).execute();
}

export async function replaceIndicators(db: Kysely<Database>, warningId: string, indicators: Array<{ type: string; value: string; stixId: string }>): Promise<void> {
  await db.deleteFrom('warning_indicators').where('warning_id', '=', warningId).execute();
  for (let i = 0; i < indicators.length; i += 500) {
    await db
      .insertInto('warning_indicators')
      .values(indicators.slice(i, i + 500).map((x) => ({ warning_id: warningId, type: x.type, value: x.value, stix_id: x.stixId })))
      .execute();
  }
}

export async function loadIndicators(db: Kysely<Database>, warningIds: string[]): Promise<Map<string, Array<{ type: string; value: string; stixId: string }>>> {
  const result = new Map<string, Array<{ type: string; value: string; stixId: string }>>(warningIds.map((id) => [id, []]));
  if (warningIds.length === 0) return result;
  const rows = await db.selectFrom('warning_indicators').selectAll().where('warning_id', 'in', warningIds).orderBy('type').orderBy('value').execute();
  for (const r of rows) result.get(r.warning_id)?.push({ type: r.type, value: r.value, stixId: r.stix_id });
  return result;
}

// Objects every warning carries but that never change per warning (the TLP marking, the
// extension definition, identities): inserted once, never rewritten, so concurrent warnings do
// not queue on the same rows.
const sharedTypes = new Set(['marking-definition', 'extension-definition', 'identity']);

/** Insert or replace the STIX objects of a share (a warning's report, indicators, vulnerabilities…). */
export async function upsertStixObjects(db: Kysely<Database>, dialect: DialectName, shareId: string, objects: Array<Record<string, unknown>>, dateAdded: string): Promise<void> {
  // The version log TAXII serves: shared objects under the reference shares, so that every
  // reader of any warning can resolve them.
  await appendOwnVersions(
    db,
    dialect,
    objects.map((object) => ({ object, shareId: referenceShareForWarningObject(String(object.type)) ?? shareId })),
    Date.parse(dateAdded) * 1000,
  );
  for (const o of objects) {
    const id = String(o.id);
    const row = {
      id,
      type: String(o.type),
      share_id: shareId,
      created: String(o.created ?? dateAdded),
      modified: String(o.modified ?? o.created ?? dateAdded),
      date_added: dateAdded,
      data: JSON.stringify(o),
    };
    await db
      .insertInto('stix_objects')
      .values(row)
      .onConflict((oc) => (sharedTypes.has(row.type) ? oc.column('id').doNothing() : oc.column('id').doUpdateSet({ modified: row.modified, data: row.data, date_added: row.date_added })))
      .execute();
  }
}

export async function loadStixObjects(db: Kysely<Database>, ids: string[]): Promise<Array<Record<string, unknown>>> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('stix_objects').select('data').where('id', 'in', ids).execute();
  return rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
}

export async function findWarning(db: Kysely<Database>, id: string): Promise<WarningWithShare | undefined> {
  const warning = await db.selectFrom('warnings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!warning) return undefined;
  const share = await db.selectFrom('shares').selectAll().where('id', '=', warning.share_id).executeTakeFirstOrThrow();
  return { warning, share };
}

export interface WarningQuery {
  status?: 'active' | 'retracted' | undefined;
  kind?: string | undefined;
  /** only warnings created before this (ISO) — for paging newest first */
  before?: string | undefined;
  since?: string | undefined;
  limit: number;
}

/** Warnings the reader may see, newest first. The policy decides inside the query. */
export async function listVisibleWarnings(db: Kysely<Database>, reader: Reader, q: WarningQuery): Promise<WarningWithShare[]> {
  let query = db
    .selectFrom('warnings')
    .innerJoin('shares', 'shares.id', 'warnings.share_id')
    .selectAll('warnings')
    .select([
      'shares.id as s_id',
      'shares.tlp as s_tlp',
      'shares.audience_kind as s_audience_kind',
      'shares.producer_org_id as s_producer_org_id',
      'shares.producer_user_id as s_producer_user_id',
      'shares.anonymous as s_anonymous',
      'shares.public_label as s_public_label',
      'shares.created_at as s_created_at',
    ])
    .where(visibleTo(reader, 'shares'))
    .orderBy('warnings.created_at', 'desc')
    .orderBy('warnings.id', 'desc')
    .limit(q.limit);
  if (q.status) query = query.where('warnings.status', '=', q.status);
  if (q.kind) query = query.where('warnings.kind', '=', q.kind);
  if (q.before) query = query.where('warnings.created_at', '<', q.before);
  if (q.since) query = query.where('warnings.created_at', '>=', q.since);
  const rows = await query.execute();
  return rows.map(({ s_id, s_tlp, s_audience_kind, s_producer_org_id, s_producer_user_id, s_anonymous, s_public_label, s_created_at, ...warning }) => ({
    warning,
    share: {
      id: s_id,
      tlp: s_tlp,
      audience_kind: s_audience_kind,
      producer_org_id: s_producer_org_id,
      producer_user_id: s_producer_user_id,
      anonymous: s_anonymous,
      public_label: s_public_label,
      created_at: s_created_at,
    },
  }));
}

export async function countVisibleWarnings(db: Kysely<Database>, reader: Reader, status?: string): Promise<number> {
  let q = db
    .selectFrom('warnings')
    .innerJoin('shares', 'shares.id', 'warnings.share_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(visibleTo(reader, 'shares'));
  if (status) q = q.where('warnings.status', '=', status);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
