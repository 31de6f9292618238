// Managing warning lists: every member sees which lists exist and whether they are on; the
// operator switches lists on and off and keeps custom lists (the shipped ones are replaced by
// new hub versions, so their entries are not edited here). Every change resets the matcher.
import type { AppContext } from '../context.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, notFound } from '../errors.js';
import { classifyValue } from '../feeds/parsers/values.js';
import { requireOperator, requireScope, type Actor } from '../orgs/actor.js';
import { normaliseHostname } from '../stix/observables.js';
import {
  addWarningListEntries,
  deleteWarningListRow,
  findWarningListByName,
  findWarningListRow,
  insertWarningListRow,
  listWarningListRows,
  pageWarningListEntries,
  recountWarningList,
  removeWarningListEntries,
  updateWarningListRow,
  type WarningListRecord,
} from './intel-lists.repository.js';
import { warningListsChanged } from './warning-list-remark.js';

export const warningListEntryTypes = ['cidr', 'ipv4', 'ipv6', 'domain', 'hostname'] as const;
export type WarningListEntryType = (typeof warningListEntryTypes)[number];
export const maxEntriesPerRequest = 1000;

export interface WarningList {
  id: string;
  name: string;
  description: string;
  origin: 'shipped' | 'custom';
  version: string;
  enabled: boolean;
  entryCount: number;
  updatedAt: string;
}

function toWarningList(r: WarningListRecord): WarningList {
  return { id: r.id, name: r.name, description: r.description, origin: r.origin === 'shipped' ? 'shipped' : 'custom', version: r.version, enabled: Number(r.enabled) === 1, entryCount: Number(r.entry_count), updatedAt: r.updated_at };
}

export async function listWarningLists(ctx: AppContext, actor: Actor): Promise<WarningList[]> {
  requireScope(actor, 'read');
  return (await listWarningListRows(ctx.db)).map(toWarningList);
}

async function loadList(ctx: AppContext, id: string): Promise<WarningListRecord> {
  const row = await findWarningListRow(ctx.db, id);
  if (!row) throw notFound('warning list');
  return row;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'list'
  );
}

export async function createWarningList(ctx: AppContext, actor: Actor, input: { name: string; description?: string | undefined }): Promise<WarningList> {
  requireOperator(actor, 'create warning lists');
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'name: give the list a name' });
  if (await findWarningListByName(ctx.db, name)) throw new AppError('WARNING_LIST_NAME_TAKEN', { name });
  const now = ctx.now().toISOString();
  let id = `custom-${slug(name)}`;
  for (let n = 2; await findWarningListRow(ctx.db, id); n++) id = `custom-${slug(name)}-${n}`;
  const row: WarningListRecord = { id, name, description: input.description?.trim() ?? '', origin: 'custom', version: now, enabled: 1, entry_count: 0, updated_at: now };
  await ctx.db.transaction().execute(async (trx) => {
    await insertWarningListRow(trx, row);
    await recordAudit(ctx, trx, actor, { action: 'intel.warning_list.created', orgId: null, targetType: 'warning_list', targetId: id, details: { name } });
  });
  return toWarningList(row);
}

export async function updateWarningList(ctx: AppContext, actor: Actor, id: string, patch: { enabled?: boolean | undefined; name?: string | undefined; description?: string | undefined }): Promise<WarningList> {
  requireOperator(actor, 'change warning lists');
  const row = await loadList(ctx, id);
  if (row.origin === 'shipped' && (patch.name !== undefined || patch.description !== undefined)) throw new AppError('WARNING_LIST_SHIPPED', { name: row.name });
  const set: Partial<WarningListRecord> = { updated_at: ctx.now().toISOString() };
  if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
  if (patch.name !== undefined) {
    const name = patch.name.trim();
    const other = await findWarningListByName(ctx.db, name);
    if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'name: give the list a name' });
    if (other && other.id !== id) throw new AppError('WARNING_LIST_NAME_TAKEN', { name });
    set.name = name;
  }
  if (patch.description !== undefined) set.description = patch.description.trim();
  await ctx.db.transaction().execute(async (trx) => {
    await updateWarningListRow(trx, id, set);
    await recordAudit(ctx, trx, actor, { action: 'intel.warning_list.updated', orgId: null, targetType: 'warning_list', targetId: id, details: { ...patch } });
  });
  // Only switching a list on or off changes what is marked.
  if (patch.enabled !== undefined) warningListsChanged(ctx);
  return toWarningList((await findWarningListRow(ctx.db, id))!);
}

export async function deleteWarningList(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireOperator(actor, 'delete warning lists');
  const row = await loadList(ctx, id);
  if (row.origin === 'shipped') throw new AppError('WARNING_LIST_SHIPPED', { name: row.name });
  await ctx.db.transaction().execute(async (trx) => {
    await deleteWarningListRow(trx, id);
    await recordAudit(ctx, trx, actor, { action: 'intel.warning_list.deleted', orgId: null, targetType: 'warning_list', targetId: id, details: { name: row.name } });
  });
  warningListsChanged(ctx);
}

/** An entry in its stored form: ranges and addresses canonical, names lower-case punycode. */
export function normaliseEntry(type: WarningListEntryType, raw: string): { type: WarningListEntryType; value: string } {
  const value = raw.trim();
  const fail = (reason: string) => new AppError('WARNING_LIST_ENTRY_INVALID', { type, value: value.slice(0, 80), reason });
  if (type === 'domain' || type === 'hostname') {
    const host = normaliseHostname(value);
    if (!host) throw fail('not a valid host name');
    return { type, value: host };
  }
  const c = classifyValue(value, type === 'cidr' ? 'ip' : type);
  if (!c.ok) throw fail(c.reason);
  // A /32 is an address: stored as the address, matched the same way.
  if (c.type === 'ipv4' || c.type === 'ipv6' || c.type === 'cidr') return { type: c.type, value: c.value };
  throw fail('not an address or range');
}

export async function changeWarningListEntries(
  ctx: AppContext,
  actor: Actor,
  id: string,
  op: 'add' | 'remove',
  entries: ReadonlyArray<{ type: WarningListEntryType; value: string }>,
): Promise<WarningList> {
  requireOperator(actor, 'edit warning lists');
  const row = await loadList(ctx, id);
  if (row.origin === 'shipped') throw new AppError('WARNING_LIST_SHIPPED', { name: row.name });
  if (entries.length > maxEntriesPerRequest) throw new AppError('VALIDATION_FAILED', { detail: `entries: at most ${maxEntriesPerRequest} per request` });
  const clean = entries.map((e) => normaliseEntry(e.type, e.value));
  const now = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (op === 'add') await addWarningListEntries(trx, id, clean);
    else await removeWarningListEntries(trx, id, clean);
    await recountWarningList(trx, id, now);
    await updateWarningListRow(trx, id, { version: now });
    await recordAudit(ctx, trx, actor, { action: `intel.warning_list.entries_${op === 'add' ? 'added' : 'removed'}`, orgId: null, targetType: 'warning_list', targetId: id, details: { count: clean.length } });
  });
  warningListsChanged(ctx);
  return toWarningList((await findWarningListRow(ctx.db, id))!);
}

export async function listWarningListEntries(ctx: AppContext, actor: Actor, id: string, q: { cursor?: string | undefined; limit?: number | undefined }) {
  requireScope(actor, 'read');
  await loadList(ctx, id);
  const limit = q.limit ?? 100;
  let after: { type: string; value: string } | null = null;
  if (q.cursor) {
    const [type, value] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('\u0000');
    if (!type || value === undefined) throw new AppError('VALIDATION_FAILED', { detail: 'cursor: not a cursor from this list' });
    after = { type, value };
  }
  const rows = await pageWarningListEntries(ctx.db, id, after, limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(`${last.type}\u0000${last.value}`).toString('base64url') : null };
}
