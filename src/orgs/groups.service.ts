// Sharing groups: named sets of organisations, managed by the organisation that owns them.
// Warnings are later shared to a group's members, so who may see and change membership is decided here.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { constraintViolation } from '../store/constraints.js';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Database } from '../store/schema.js';
import { requireOrgAdmin, requireScope, type Actor } from './actor.js';
import {
  deleteGroupMember,
  deleteGroupRow,
  findGroupById,
  findGroupByNameKey,
  findGroupIdsByOrg,
  findMemberOrgIds,
  insertGroup,
  insertGroupMember,
  isGroupMember,
  listGroupRows,
  loadGroupMembers,
  updateGroupRow,
  type GroupMemberRef,
  type GroupRowUpdate,
  type GroupWithOwnerRow,
} from './groups.repository.js';
import { findOrganisationById } from './organisations.repository.js';
import { nameKey } from './organisations.service.js';

export type GroupMember = GroupMemberRef;

export interface Group {
  id: string;
  name: string;
  description: string | null;
  ownerOrgId: string;
  ownerOrgName: string;
  members: GroupMember[];
  createdAt: string;
  updatedAt: string;
}

export interface GroupInput {
  name: string;
  description?: string | null;
  ownerOrgId?: string;
}

export interface GroupPatch {
  name?: string;
  description?: string | null;
}

export const groupNameMaxLength = 200;
export const groupDescriptionMaxLength = 2000;

export async function createGroup(ctx: AppContext, actor: Actor, input: GroupInput): Promise<Group> {
  requireScope(actor, 'admin');
  const ownerOrgId = chooseOwner(actor, input.ownerOrgId);
  const name = cleanName(input.name);
  const description = cleanDescription(input.description);
  const id = randomUUID();
  const now = ctx.now().toISOString();
  return inTransaction(ctx, name, async (trx) => {
    const owner = await findOrganisationById(trx, ownerOrgId);
    if (!owner) throw notFound('organisation');
    if (owner.observer === 1) throw new AppError('OBSERVER_READ_ONLY');
    await assertNameFree(trx, name);
    await insertGroup(trx, { id, name, name_key: nameKey(name), description, owner_org_id: ownerOrgId, created_at: now, updated_at: now });
    await insertGroupMember(trx, { group_id: id, org_id: ownerOrgId, added_at: now, added_by: actor.userId });
    await recordAudit(ctx, trx, actor, { action: 'group.create', orgId: ownerOrgId, targetType: 'sharing_group', targetId: id, details: { name } });
    return loadGroup(trx, id);
  });
}

/** One group; a group the caller's organisation is not in does not exist for them (404, not 403). */
export async function getGroup(ctx: AppContext, actor: Actor, id: string): Promise<Group> {
  requireScope(actor, 'read');
  const row = await findVisibleGroup(ctx.db, actor, id);
  const members = await loadGroupMembers(ctx.db, [row.id]);
  return toGroup(row, members.get(row.id)!);
}

/** The operator sees every group; everyone else the groups their organisation owns or belongs to. */
export async function listGroups(ctx: AppContext, actor: Actor): Promise<Group[]> {
  requireScope(actor, 'read');
  if (!actor.isOperator && !actor.orgId) return [];
  const rows = await listGroupRows(ctx.db, actor.isOperator ? {} : { orgId: actor.orgId! });
  const members = await loadGroupMembers(ctx.db, rows.map((r) => r.id));
  return rows.map((row) => toGroup(row, members.get(row.id)!));
}

export async function updateGroup(ctx: AppContext, actor: Actor, id: string, patch: GroupPatch): Promise<Group> {
  requireScope(actor, 'admin');
  const name = patch.name === undefined ? undefined : cleanName(patch.name);
  const description = patch.description === undefined ? undefined : cleanDescription(patch.description);
  return inTransaction(ctx, name, async (trx) => {
    const row = await findVisibleGroup(trx, actor, id);
    requireGroupManager(actor, row, 'change this sharing group');
    const update: GroupRowUpdate = {};
    if (name !== undefined && name !== row.name) {
      if (nameKey(name) !== row.name_key) await assertNameFree(trx, name);
      update.name = name;
      update.name_key = nameKey(name);
    }
    if (description !== undefined && description !== row.description) update.description = description;
    const fields = Object.keys(update).filter((k) => k !== 'name_key');
    // Sending what is already there changes nothing, so there is nothing to audit either.
    if (fields.length === 0) return loadGroup(trx, id);
    await updateGroupRow(trx, id, { ...update, updated_at: ctx.now().toISOString() });
    await recordAudit(ctx, trx, actor, {
      action: 'group.update',
      orgId: row.owner_org_id,
      targetType: 'sharing_group',
      targetId: id,
      details: { fields, ...(update.name !== undefined ? { name: update.name, previousName: row.name } : {}) },
    });
    return loadGroup(trx, id);
  });
}

export async function deleteGroup(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireScope(actor, 'admin');
  await inTransaction(ctx, undefined, async (trx) => {
    const row = await findVisibleGroup(trx, actor, id);
    requireGroupManager(actor, row, 'delete this sharing group');
    const memberOrgIds = await findMemberOrgIds(trx, id);
    await deleteGroupRow(trx, id);
    await recordAudit(ctx, trx, actor, { action: 'group.delete', orgId: row.owner_org_id, targetType: 'sharing_group', targetId: id, details: { name: row.name, memberOrgIds } });
  });
  // Streams re-read who belongs where, so a removed member stops receiving at once.
  await ctx.bus.publish({ kind: 'sharing' });
}

/** Add an organisation to a group (owner's admins, operator). Adding a member again changes nothing. */
export async function addGroupMember(ctx: AppContext, actor: Actor, groupId: string, orgId: string): Promise<void> {
  requireScope(actor, 'admin');
  await inTransaction(ctx, undefined, async (trx) => {
    const row = await findVisibleGroup(trx, actor, groupId);
    requireGroupManager(actor, row, 'add organisations to this sharing group');
    const org = await findOrganisationById(trx, orgId);
    if (!org) throw notFound('organisation');
    const now = ctx.now().toISOString();
    if (!(await insertGroupMember(trx, { group_id: groupId, org_id: orgId, added_at: now, added_by: actor.userId }))) return;
    await updateGroupRow(trx, groupId, { updated_at: now });
    await recordAudit(ctx, trx, actor, {
      action: 'group.member_add',
      orgId: row.owner_org_id,
      targetType: 'sharing_group',
      targetId: groupId,
      details: { memberOrgId: orgId, memberOrgName: org.name },
    });
  });
  // Streams re-read who belongs where, so a removed member stops receiving at once.
  await ctx.bus.publish({ kind: 'sharing' });
}

/**
 * Remove an organisation from a group: the owner's admins or the operator may remove anyone
 * but the owner; any organisation's admin may take their own organisation out (leave).
 * Removing an organisation that is not a member changes nothing.
 */
export async function removeGroupMember(ctx: AppContext, actor: Actor, groupId: string, orgId: string): Promise<void> {
  requireScope(actor, 'admin');
  await inTransaction(ctx, undefined, async (trx) => {
    const row = await findVisibleGroup(trx, actor, groupId);
    const leaving = !actor.isOperator && actor.orgId === orgId && actor.role === 'admin';
    // Leaving only narrows what an organisation receives, so observers may leave too.
    if (!leaving) requireGroupManager(actor, row, 'remove organisations from this sharing group');
    if (orgId === row.owner_org_id) throw new AppError('GROUP_OWNER_REQUIRED', { group: row.name });
    const org = await findOrganisationById(trx, orgId);
    if (!org) throw notFound('organisation');
    if (!(await deleteGroupMember(trx, groupId, orgId))) return;
    const now = ctx.now().toISOString();
    await updateGroupRow(trx, groupId, { updated_at: now });
    await recordAudit(ctx, trx, actor, {
      action: 'group.member_remove',
      orgId: row.owner_org_id,
      targetType: 'sharing_group',
      targetId: groupId,
      details: { memberOrgId: orgId, memberOrgName: org.name, left: leaving },
    });
  });
  // Streams re-read who belongs where, so a removed member stops receiving at once.
  await ctx.bus.publish({ kind: 'sharing' });
}

/** Ids of the groups an organisation is a member of (owned ones included). For the sharing policy. */
export async function listGroupIdsForOrg(db: Kysely<Database>, orgId: string): Promise<string[]> {
  return findGroupIdsByOrg(db, orgId);
}

/** Ids of a group's member organisations (the owner included); empty for an unknown group. For the sharing policy. */
export async function listGroupMemberOrgIds(db: Kysely<Database>, groupId: string): Promise<string[]> {
  return findMemberOrgIds(db, groupId);
}

/** Who owns a new group: an admin's own organisation; for the operator, the one named (or their own). */
function chooseOwner(actor: Actor, requested: string | undefined): string {
  if (actor.isOperator) {
    const owner = requested ?? actor.orgId;
    if (!owner) throw new AppError('VALIDATION_FAILED', { detail: 'ownerOrgId is required: name the organisation that will own the group' });
    return owner;
  }
  if (!actor.orgId || actor.role !== 'admin') throw forbidden('create sharing groups (organisation admins only)');
  if (actor.orgObserver) throw new AppError('OBSERVER_READ_ONLY');
  if (requested !== undefined && requested !== actor.orgId) throw forbidden('create a sharing group owned by another organisation');
  return actor.orgId;
}

async function findVisibleGroup(db: Kysely<Database>, actor: Actor, id: string): Promise<GroupWithOwnerRow> {
  const row = await findGroupById(db, id);
  if (!row) throw notFound('sharing group');
  if (actor.isOperator) return row;
  if (actor.orgId && (row.owner_org_id === actor.orgId || (await isGroupMember(db, id, actor.orgId)))) return row;
  throw notFound('sharing group');
}

function requireGroupManager(actor: Actor, row: GroupWithOwnerRow, action: string): void {
  requireOrgAdmin(actor, row.owner_org_id, action);
  if (!actor.isOperator && actor.orgObserver) throw new AppError('OBSERVER_READ_ONLY');
}

async function loadGroup(db: Kysely<Database>, id: string): Promise<Group> {
  const row = await findGroupById(db, id);
  if (!row) throw notFound('sharing group');
  const members = await loadGroupMembers(db, [id]);
  return toGroup(row, members.get(id)!);
}

async function assertNameFree(db: Kysely<Database>, name: string): Promise<void> {
  if (await findGroupByNameKey(db, nameKey(name))) throw new AppError('GROUP_NAME_TAKEN', { name });
}

/**
 * Run `fn` in one transaction. A unique or foreign-key violation means a concurrent request
 * won the race (same name; group or organisation removed meanwhile): report it as the
 * client-facing error the checks inside would have given, never as a 500.
 */
async function inTransaction<T>(ctx: AppContext, name: string | undefined, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction().execute(fn);
  } catch (err) {
    const broken = constraintViolation(err);
    if (broken === 'unique' && name !== undefined) throw new AppError('GROUP_NAME_TAKEN', { name });
    if (broken === 'foreign_key') throw notFound('sharing group or organisation');
    throw err;
  }
}

// Control characters are refused rather than stripped: PostgreSQL cannot store NUL at all,
// and bidirectional overrides make one name look like another.
const forbiddenInName = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const forbiddenInDescription = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

function cleanName(name: string): string {
  const cleaned = name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!cleaned) throw new AppError('VALIDATION_FAILED', { detail: 'name must not be blank' });
  if (forbiddenInName.test(cleaned)) throw new AppError('VALIDATION_FAILED', { detail: 'name must not contain control characters' });
  if (cleaned.length > groupNameMaxLength) throw new AppError('VALIDATION_FAILED', { detail: `name must be at most ${groupNameMaxLength} characters` });
  return cleaned;
}

function cleanDescription(description: string | null | undefined): string | null {
  const cleaned = description?.normalize('NFC').trim();
  if (!cleaned) return null;
  if (forbiddenInDescription.test(cleaned)) throw new AppError('VALIDATION_FAILED', { detail: 'description must not contain control characters' });
  if (cleaned.length > groupDescriptionMaxLength) throw new AppError('VALIDATION_FAILED', { detail: `description must be at most ${groupDescriptionMaxLength} characters` });
  return cleaned;
}

function toGroup(row: GroupWithOwnerRow, members: GroupMember[]): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ownerOrgId: row.owner_org_id,
    ownerOrgName: row.owner_org_name,
    members,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
