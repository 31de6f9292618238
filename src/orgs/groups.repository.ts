// SQL for sharing groups and their member organisations. Every function takes the handle
// or transaction to run on; the service decides which.
import type { Insertable, Kysely } from 'kysely';
import type { Database, SharingGroupMembersTable, SharingGroupRow, SharingGroupsTable } from '../store/schema.js';

export type NewGroupRow = Insertable<SharingGroupsTable>;
export type GroupRowUpdate = Partial<Pick<SharingGroupRow, 'name' | 'name_key' | 'description' | 'updated_at'>>;

/** A group with its owner's current name, as every read path needs it. */
export interface GroupWithOwnerRow extends SharingGroupRow {
  owner_org_name: string;
}

export interface GroupMemberRef {
  orgId: string;
  name: string;
}

export async function insertGroup(db: Kysely<Database>, row: NewGroupRow): Promise<void> {
  await db.insertInto('sharing_groups').values(row).execute();
}

export async function findGroupById(db: Kysely<Database>, id: string): Promise<GroupWithOwnerRow | undefined> {
  return selectGroups(db).where('sharing_groups.id', '=', id).executeTakeFirst();
}

export async function findGroupByNameKey(db: Kysely<Database>, nameKey: string): Promise<GroupWithOwnerRow | undefined> {
  return selectGroups(db).where('sharing_groups.name_key', '=', nameKey).executeTakeFirst();
}

/** All groups, or (with `orgId`) those the organisation owns or belongs to; by name. */
export async function listGroupRows(db: Kysely<Database>, filter: { orgId?: string } = {}): Promise<GroupWithOwnerRow[]> {
  let query = selectGroups(db).orderBy('sharing_groups.name_key');
  const orgId = filter.orgId;
  if (orgId !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('sharing_groups.owner_org_id', '=', orgId),
        eb('sharing_groups.id', 'in', eb.selectFrom('sharing_group_members').select('sharing_group_members.group_id').where('sharing_group_members.org_id', '=', orgId)),
      ]),
    );
  }
  return query.execute();
}

export async function updateGroupRow(db: Kysely<Database>, id: string, update: GroupRowUpdate): Promise<void> {
  await db.updateTable('sharing_groups').set(update).where('id', '=', id).execute();
}

/** Deletes the memberships explicitly too, so the result does not hinge on FK cascades being on. */
export async function deleteGroupRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sharing_group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('sharing_groups').where('id', '=', id).execute();
}

/** Adds a membership; false when it already existed (concurrent adds do not collide). */
export async function insertGroupMember(db: Kysely<Database>, row: Insertable<SharingGroupMembersTable>): Promise<boolean> {
  const result = await db
    .insertInto('sharing_group_members')
    .values(row)
    .onConflict((oc) => oc.columns(['group_id', 'org_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Removes a membership; false when there was none. */
export async function deleteGroupMember(db: Kysely<Database>, groupId: string, orgId: string): Promise<boolean> {
  const result = await db.deleteFrom('sharing_group_members').where('group_id', '=', groupId).where('org_id', '=', orgId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function isGroupMember(db: Kysely<Database>, groupId: string, orgId: string): Promise<boolean> {
  const row = await db.selectFrom('sharing_group_members').select('org_id').where('group_id', '=', groupId).where('org_id', '=', orgId).executeTakeFirst();
  return row !== undefined;
}

/** Member organisations of each group, by name. */
export async function loadGroupMembers(db: Kysely<Database>, groupIds: string[]): Promise<Map<string, GroupMemberRef[]>> {
  const result = new Map<string, GroupMemberRef[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return result;
  const rows = await db
    .selectFrom('sharing_group_members')
    .innerJoin('organisations', 'organisations.id', 'sharing_group_members.org_id')
    .select(['sharing_group_members.group_id', 'organisations.id as org_id', 'organisations.name'])
    .where('sharing_group_members.group_id', 'in', groupIds)
    .orderBy('organisations.name_key')
    .orderBy('organisations.id')
    .execute();
  for (const row of rows) result.get(row.group_id)!.push({ orgId: row.org_id, name: row.name });
  return result;
}

/**
 * Groups the organisation belongs to. Owned groups are included even without a membership
 * row, so this always agrees with who may see a group (the owner is a member by rule).
 */
export async function findGroupIdsByOrg(db: Kysely<Database>, orgId: string): Promise<string[]> {
  const [member, owned] = await Promise.all([
    db.selectFrom('sharing_group_members').select('group_id').where('org_id', '=', orgId).execute(),
    db.selectFrom('sharing_groups').select('id').where('owner_org_id', '=', orgId).execute(),
  ]);
  return [...new Set([...member.map((r) => r.group_id), ...owned.map((r) => r.id)])].sort();
}

/** Member organisations of a group, its owner included; empty for an unknown group. */
export async function findMemberOrgIds(db: Kysely<Database>, groupId: string): Promise<string[]> {
  const [members, group] = await Promise.all([
    db.selectFrom('sharing_group_members').select('org_id').where('group_id', '=', groupId).execute(),
    db.selectFrom('sharing_groups').select('owner_org_id').where('id', '=', groupId).executeTakeFirst(),
  ]);
  const ids = new Set(members.map((r) => r.org_id));
  if (group) ids.add(group.owner_org_id);
  return [...ids].sort();
}

function selectGroups(db: Kysely<Database>) {
  return db
    .selectFrom('sharing_groups')
    .innerJoin('organisations', 'organisations.id', 'sharing_groups.owner_org_id')
    .selectAll('sharing_groups')
    .select('organisations.name as owner_org_name');
}
