// Frozen once released: a peer hub's own account here (issue 4). A peer that pulls from this hub
// (or posts to it) does so with an API token; linked to the peer, that token reads only what may
// leave the hub to that peer — the same rule as pushing to it — whatever its user may see.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // null: the peer has no account here (it only receives pushes, or we only pull from it)
  await db.schema.alterTable('peers').addColumn('inbound_token_id', 'text').execute();
  // One peer per token: a token speaks for one hub.
  await db.schema.createIndex('peers_inbound_token_idx').on('peers').column('inbound_token_id').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('peers_inbound_token_idx').execute();
  await db.schema.alterTable('peers').dropColumn('inbound_token_id').execute();
}
