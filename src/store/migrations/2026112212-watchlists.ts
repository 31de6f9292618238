// Frozen once released: watchlists. A match keeps the label its source had when it matched
// (a feed's name, a warning's title) so the list of matches reads without joining every
// source table, and who acknowledged it. Organisations' new asset kinds (email_domain, brand,
// lookalike) need no change: org_assets.kind is text.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('watch_matches').addColumn('source_label', 'text').execute();
  // the user who acknowledged it (kept as text: the user may be deleted later)
  await db.schema.alterTable('watch_matches').addColumn('acknowledged_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('watch_matches').dropColumn('acknowledged_by').execute();
  await db.schema.alterTable('watch_matches').dropColumn('source_label').execute();
}
