// Frozen once released: peer hubs for federation over TAXII 2.1. A peer is another hub (or
// any TAXII 2.1 server) this hub pulls from and/or pushes to, with the credential it uses
// there, where pulled objects land, how far pulls and pushes have got, and its health.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('peers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // lower-cased, whitespace-folded name: unique, so the CLI can name a peer
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    // the peer's TAXII discovery URL or API root, as the operator gave it
    .addColumn('url', 'text', (c) => c.notNull())
    // the API root found from it (discovery's default) and its max_content_length; null until first contact
    .addColumn('api_root', 'text')
    .addColumn('max_content_length', 'bigint')
    // bearer | basic | none; the secret must be usable to call the peer, so it is stored as given
    // (never returned by the API, never logged)
    .addColumn('auth_kind', 'text', (c) => c.notNull())
    .addColumn('auth_username', 'text')
    .addColumn('auth_secret', 'text')
    // JSON array of the peer's collection ids to pull from
    .addColumn('pull_collections', 'text', (c) => c.notNull())
    // public | members: the local collection pulled objects land in
    .addColumn('local_collection', 'text', (c) => c.notNull())
    // the peer's collection id to push to
    .addColumn('push_collection', 'text')
    // pull | push | both
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    // TLP:GREEN may leave to this peer (same community); CLEAR always may, nothing else ever
    .addColumn('same_community', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // the last local stix_versions.date_added (microseconds) handled by a push
    .addColumn('push_cursor', 'bigint', (c) => c.notNull())
    .addColumn('objects_pushed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('next_pull_at', 'text', (c) => c.notNull())
    // health
    .addColumn('last_success_at', 'text')
    .addColumn('last_pull_at', 'text')
    .addColumn('last_push_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    // backoff: no attempt before this after a failure
    .addColumn('next_attempt_at', 'text')
    // lease: the process working on the peer (several processes share one database)
    .addColumn('locked_until', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Where each pull has got, per remote collection: added_after to send (the last
  // X-TAXII-Date-Added-Last seen when a listing ended) and `next` while in the middle of one.
  await db.schema
    .createTable('peer_pull_cursors')
    .addColumn('peer_id', 'text', (c) => c.notNull().references('peers.id').onDelete('cascade'))
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('added_after', 'text')
    .addColumn('next', 'text')
    // the last X-TAXII-Date-Added-Last of the listing in progress
    .addColumn('last_seen', 'text')
    .addColumn('objects_received', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('peer_pull_cursors_pk', ['peer_id', 'collection_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('peer_pull_cursors').ifExists().execute();
  await db.schema.dropTable('peers').ifExists().execute();
}
