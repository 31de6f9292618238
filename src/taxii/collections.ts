// TAXII collections mirror the sharing model: each caller sees one collection per audience it
// belongs to — everything TLP:CLEAR (public), what is shared with all members, each of its
// organisation's sharing groups, and its organisation's inbox (what is addressed to it by
// name: AMBER+STRICT and RED). Collections are computed, not stored; their ids are stable:
// fixed for public and members, the group's id, the organisation's id.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { notFound } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import type { AudienceInput } from '../sharing/shares.js';
import type { Database } from '../store/schema.js';
import type { Tlp } from '../stix/tlp.js';

export const publicCollectionId = '5b0e0c3a-0d1f-4c8e-9a51-6f2b7c1d9e01';
export const membersCollectionId = '8f3c2d1e-6b7a-4c59-8e0d-2a1b3c4d5e6f';

export type CollectionKind = 'public' | 'members' | 'group' | 'inbox';

export interface Collection {
  id: string;
  kind: CollectionKind;
  title: string;
  description: string;
  alias: string;
  /** the group or organisation behind it */
  refId: string | null;
  /** TLP given to posted objects that carry no TLP marking */
  defaultTlp: Tlp;
  canRead: true;
  canWrite: boolean;
}

/** May this actor post into collections (write scope, a contributing role, not an observer)? */
export function mayWrite(actor: Actor): boolean {
  if (!actor.scopes.has('write') || actor.orgObserver) return false;
  if (actor.isOperator && actor.orgId === null) return true;
  return actor.role === 'admin' || actor.role === 'analyst';
}

export async function collectionsFor(db: Kysely<Database>, actor: Actor): Promise<Collection[]> {
  const write = mayWrite(actor);
  const result: Collection[] = [
    {
      id: publicCollectionId,
      kind: 'public',
      title: 'Public (TLP:CLEAR)',
      description: 'Everything on the hub marked TLP:CLEAR: free to use and to pass on.',
      alias: 'public',
      refId: null,
      defaultTlp: 'clear',
      canRead: true,
      canWrite: write,
    },
    {
      id: membersCollectionId,
      kind: 'members',
      title: 'All members',
      description: 'What members share with every member organisation of the hub.',
      alias: 'members',
      refId: null,
      defaultTlp: 'green',
      canRead: true,
      canWrite: write,
    },
  ];
  if (actor.orgId) {
    const [org, groups] = await Promise.all([
      db.selectFrom('organisations').select(['id', 'name']).where('id', '=', actor.orgId).executeTakeFirst(),
      db
        .selectFrom('sharing_group_members as m')
        .innerJoin('sharing_groups as g', 'g.id', 'm.group_id')
        .select(['g.id', 'g.name'])
        .where('m.org_id', '=', actor.orgId)
        .orderBy('g.name')
        .execute(),
    ]);
    for (const g of groups) {
      result.push({
        id: g.id,
        kind: 'group',
        title: `Group: ${g.name}`,
        description: `What members share with the sharing group "${g.name}".`,
        alias: `group-${g.id.slice(0, 8)}`,
        refId: g.id,
        defaultTlp: 'amber',
        canRead: true,
        canWrite: write,
      });
    }
    if (org) {
      result.push({
        id: org.id,
        kind: 'inbox',
        title: `Inbox: ${org.name}`,
        description: `What is addressed to ${org.name} by name (TLP:AMBER+STRICT and TLP:RED included), and what it shares with named organisations.`,
        alias: 'inbox',
        refId: org.id,
        defaultTlp: 'amber+strict',
        canRead: true,
        canWrite: write,
      });
    }
  }
  return result;
}

/** The caller's collection with this id; unknown and not-yours look the same (404). */
export async function findCollection(db: Kysely<Database>, actor: Actor, id: string): Promise<Collection> {
  const found = (await collectionsFor(db, actor)).find((c) => c.id === id);
  if (!found) throw notFound('collection');
  return found;
}

/** The audience an object posted into this collection is shared with. */
export function audienceOf(collection: Collection): AudienceInput {
  switch (collection.kind) {
    case 'public':
      return { kind: 'public' };
    case 'members':
      return { kind: 'members' };
    case 'group':
      return { kind: 'groups', groupIds: [collection.refId!] };
    case 'inbox':
      return { kind: 'orgs', orgIds: [collection.refId!] };
  }
}

/**
 * Which shares belong to the collection, as SQL on a `shares` row aliased `alias`. Callers
 * also apply the sharing policy (visibleTo); this only says which audience it is.
 */
export function inCollection(collection: Collection, alias = 's') {
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    const col = (c: string) => eb.ref(`${alias}.${c}`);
    switch (collection.kind) {
      case 'public':
        return eb(col('tlp'), '=', 'clear');
      case 'members':
        return eb(col('audience_kind'), '=', 'members');
      case 'group':
        return eb.and([
          eb(col('audience_kind'), '=', 'groups'),
          eb.exists(
            eb
              .selectFrom('share_audience as ca')
              .select(sql`1`.as('one'))
              .whereRef('ca.share_id', '=', col('id'))
              .where('ca.kind', '=', 'group')
              .where('ca.ref_id', '=', collection.refId!),
          ),
        ]);
      case 'inbox':
        return eb.and([
          eb(col('audience_kind'), '=', 'orgs'),
          eb.or([
            eb(col('producer_org_id'), '=', collection.refId!),
            eb.exists(
              eb
                .selectFrom('share_audience as ca')
                .select(sql`1`.as('one'))
                .whereRef('ca.share_id', '=', col('id'))
                .where('ca.kind', '=', 'org')
                .where('ca.ref_id', '=', collection.refId!),
            ),
          ]),
        ]);
    }
  };
}
