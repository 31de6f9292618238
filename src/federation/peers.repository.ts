// SQL for peer hubs: the peers table, their pull cursors, the lease that keeps two
// processes from working on one peer at once, and the reads a push needs.
import type { Insertable, Kysely } from 'kysely';
import type { DialectName } from '../store/dialect.js';
import type { Database, PeerPullCursorRow, PeerRow, PeersTable } from '../store/schema.js';

export type PeerRowUpdate = Partial<Omit<PeerRow, 'id' | 'created_at' | 'created_by'>>;

export async function insertPeer(db: Kysely<Database>, row: Insertable<PeersTable>): Promise<void> {
  await db.insertInto('peers').values(row).execute();
}

export async function findPeerById(db: Kysely<Database>, id: string): Promise<PeerRow | undefined> {
  const row = await db.selectFrom('peers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && normalise(row);
}

export async function findPeerByNameKey(db: Kysely<Database>, key: string): Promise<PeerRow | undefined> {
  const row = await db.selectFrom('peers').selectAll().where('name_key', '=', key).executeTakeFirst();
  return row && normalise(row);
}

export async function listPeerRows(db: Kysely<Database>): Promise<PeerRow[]> {
  return (await db.selectFrom('peers').selectAll().orderBy('name_key').execute()).map(normalise);
}

export async function updatePeerRow(db: Kysely<Database>, id: string, update: PeerRowUpdate): Promise<void> {
  await db.updateTable('peers').set(update).where('id', '=', id).execute();
}

export async function deletePeerRow(db: Kysely<Database>, id: string): Promise<void> {
  // Explicitly, so the result does not hinge on foreign-key cascades being on in SQLite.
  await db.deleteFrom('peer_pull_cursors').where('peer_id', '=', id).execute();
  await db.deleteFrom('peers').where('id', '=', id).execute();
}

export async function listPullCursors(db: Kysely<Database>, peerIds: readonly string[]): Promise<PeerPullCursorRow[]> {
  if (peerIds.length === 0) return [];
  const rows = await db.selectFrom('peer_pull_cursors').selectAll().where('peer_id', 'in', [...new Set(peerIds)]).orderBy('collection_id').execute();
  return rows.map((r) => ({ ...r, objects_received: Number(r.objects_received) }));
}

/** Cursors of collections no longer pulled go; new ones start from the beginning. */
export async function prunePullCursors(db: Kysely<Database>, peerId: string, keep: readonly string[]): Promise<void> {
  let q = db.deleteFrom('peer_pull_cursors').where('peer_id', '=', peerId);
  if (keep.length) q = q.where('collection_id', 'not in', [...keep]);
  await q.execute();
}

export async function savePullCursor(
  db: Kysely<Database>,
  row: { peerId: string; collectionId: string; addedAfter: string | null; next: string | null; lastSeen: string | null; received: number; at: string },
): Promise<void> {
  const updated = await db
    .updateTable('peer_pull_cursors')
    .set((eb) => ({
      added_after: row.addedAfter,
      next: row.next,
      last_seen: row.lastSeen,
      objects_received: eb('objects_received', '+', row.received),
      updated_at: row.at,
    }))
    .where('peer_id', '=', row.peerId)
    .where('collection_id', '=', row.collectionId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('peer_pull_cursors')
    .values({ peer_id: row.peerId, collection_id: row.collectionId, added_after: row.addedAfter, next: row.next, last_seen: row.lastSeen, objects_received: row.received, updated_at: row.at })
    .execute();
}

/** The newest date_added in the version log (0 when empty): where a new peer's pushes start. */
export async function lastDateAdded(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('stix_versions').select((eb) => eb.fn.max('date_added').as('last')).executeTakeFirst();
  return row?.last == null ? 0 : Number(row.last);
}

/**
 * Claim peers with work due by setting their lease: a pull whose time has come, or objects
 * added since the last push (outside any backoff). PostgreSQL: SKIP LOCKED keeps concurrent
 * processes from claiming the same peer; SQLite has one writer, so the statement is atomic.
 */
export async function claimDuePeers(db: Kysely<Database>, dialect: DialectName, q: { now: string; lockedUntil: string; limit: number }): Promise<PeerRow[]> {
  let due = db
    .selectFrom('peers as p')
    .select('p.id')
    .where('p.enabled', '=', 1)
    .where((eb) => eb.or([eb('p.locked_until', 'is', null), eb('p.locked_until', '<', q.now)]))
    .where((eb) =>
      eb.or([
        eb.and([eb('p.direction', 'in', ['pull', 'both']), eb('p.next_pull_at', '<=', q.now)]),
        eb.and([
          eb('p.direction', 'in', ['push', 'both']),
          eb.or([eb('p.next_attempt_at', 'is', null), eb('p.next_attempt_at', '<=', q.now)]),
          eb.exists(eb.selectFrom('stix_versions as v').select('v.date_added').whereRef('v.date_added', '>', 'p.push_cursor')),
        ]),
      ]),
    )
    .orderBy('p.next_pull_at')
    .limit(q.limit);
  if (dialect === 'postgres') due = due.forUpdate(['p']).skipLocked();
  const rows = await db.updateTable('peers').set({ locked_until: q.lockedUntil }).where('id', 'in', due).returningAll().execute();
  return rows.map(normalise);
}

/** Take one peer's lease now (run now, CLI), if no one holds it. */
export async function claimPeer(db: Kysely<Database>, id: string, q: { now: string; lockedUntil: string }): Promise<PeerRow | undefined> {
  const rows = await db
    .updateTable('peers')
    .set({ locked_until: q.lockedUntil })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', q.now)]))
    .returningAll()
    .execute();
  return rows[0] && normalise(rows[0]);
}

/** Extend our lease (between pages); false when it ran out and someone else took the peer. */
export async function renewLease(db: Kysely<Database>, id: string, lease: string, next: string): Promise<boolean> {
  const r = await db.updateTable('peers').set({ locked_until: next }).where('id', '=', id).where('locked_until', '=', lease).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Write while our lease holds (cursor, outcome); false when it no longer does. */
export async function updateLeased(db: Kysely<Database>, id: string, lease: string, update: PeerRowUpdate): Promise<boolean> {
  const r = await db.updateTable('peers').set(update).where('id', '=', id).where('locked_until', '=', lease).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface OutgoingRow {
  date_added: number;
  id: string;
  type: string;
  data: string;
  origin_peer_id: string | null;
  tlp: string;
  audience_kind: string;
}

/** The next versions after the push cursor, in date_added order, with their share's TLP and audience. */
export async function selectAfter(db: Kysely<Database>, after: number, limit: number): Promise<OutgoingRow[]> {
  const rows = await db
    .selectFrom('stix_versions as v')
    .innerJoin('shares as s', 's.id', 'v.share_id')
    .select(['v.date_added', 'v.id', 'v.type', 'v.data', 'v.origin_peer_id', 's.tlp', 's.audience_kind'])
    .where('v.date_added', '>', after)
    .orderBy('v.date_added')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, date_added: Number(r.date_added) }));
}

/** PostgreSQL returns bigint columns as text. */
function normalise(row: PeerRow): PeerRow {
  return {
    ...row,
    push_cursor: Number(row.push_cursor),
    objects_pushed: Number(row.objects_pushed),
    max_content_length: row.max_content_length == null ? null : Number(row.max_content_length),
    interval_seconds: Number(row.interval_seconds),
    consecutive_failures: Number(row.consecutive_failures),
    same_community: Number(row.same_community),
    enabled: Number(row.enabled),
  };
}

/** The peer hub an API token speaks for, if any. */
export async function findPeerByInboundToken(db: Kysely<Database>, tokenId: string): Promise<Pick<PeerRow, 'id' | 'name' | 'same_community'> | undefined> {
  return db.selectFrom('peers').select(['id', 'name', 'same_community']).where('inbound_token_id', '=', tokenId).executeTakeFirst();
}

/** What a token may do, to check it before a peer hub is given it. */
export async function findTokenScopes(db: Kysely<Database>, tokenId: string): Promise<{ scopes: string; revoked_at: string | null } | undefined> {
  return db.selectFrom('api_tokens').select(['scopes', 'revoked_at']).where('id', '=', tokenId).executeTakeFirst();
}
