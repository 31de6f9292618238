// SQL for managing warning lists: the lists with their entry counts, a custom list's entries
// (added, removed, paged), and switching a list on or off.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, WarningListsTable } from '../store/schema.js';
import { chunks } from './intel.repository.js';
import { addTo } from '../collections.js';

export type WarningListRecord = Selectable<WarningListsTable>;

export async function listWarningListRows(db: Kysely<Database>): Promise<WarningListRecord[]> {
  return db.selectFrom('warning_lists').selectAll().orderBy('origin', 'desc').orderBy('name').execute();
}

export async function findWarningListRow(db: Kysely<Database>, id: string): Promise<WarningListRecord | undefined> {
  return db.selectFrom('warning_lists').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWarningListByName(db: Kysely<Database>, name: string): Promise<WarningListRecord | undefined> {
  return db.selectFrom('warning_lists').selectAll().where(sql`lower(name)`, '=', name.toLowerCase()).executeTakeFirst();
}

export async function insertWarningListRow(db: Kysely<Database>, row: WarningListRecord): Promise<void> {
  await db.insertInto('warning_lists').values(row).execute();
}

export async function updateWarningListRow(db: Kysely<Database>, id: string, set: Partial<WarningListRecord>): Promise<void> {
  await db.updateTable('warning_lists').set(set).where('id', '=', id).execute();
}

export async function deleteWarningListRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('warning_list_entries').where('list_id', '=', id).execute();
  await db.deleteFrom('warning_lists').where('id', '=', id).execute();
}

export async function addWarningListEntries(db: Kysely<Database>, listId: string, entries: ReadonlyArray<{ type: string; value: string }>): Promise<void> {
  for (const part of chunks(entries, 200)) {
    await db
      .insertInto('warning_list_entries')
      .values(part.map((e) => ({ list_id: listId, type: e.type, value: e.value })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function removeWarningListEntries(db: Kysely<Database>, listId: string, entries: ReadonlyArray<{ type: string; value: string }>): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const e of entries) addTo(byType, e.type, e.value);
  for (const [type, values] of byType) {
    for (const part of chunks(values)) await db.deleteFrom('warning_list_entries').where('list_id', '=', listId).where('type', '=', type).where('value', 'in', part).execute();
  }
}

/** Recount a list's entries into warning_lists.entry_count. */
export async function recountWarningList(db: Kysely<Database>, listId: string, now: string): Promise<number> {
  const row = await db.selectFrom('warning_list_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('list_id', '=', listId).executeTakeFirstOrThrow();
  const n = Number(row.n);
  await db.updateTable('warning_lists').set({ entry_count: n, updated_at: now }).where('id', '=', listId).execute();
  return n;
}

/** A page of a list's entries in (type, value) order, after the cursor's entry. */
export async function pageWarningListEntries(db: Kysely<Database>, listId: string, after: { type: string; value: string } | null, limit: number) {
  let q = db.selectFrom('warning_list_entries').select(['type', 'value']).where('list_id', '=', listId).orderBy('type').orderBy('value').limit(limit);
  if (after) q = q.where((eb) => eb.or([eb('type', '>', after.type), eb.and([eb('type', '=', after.type), eb('value', '>', after.value)])]));
  return q.execute();
}
