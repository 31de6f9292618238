// Frozen once released: SIEM connectors (issue 6) are webhooks of the formats splunk-hec and
// elastic-bulk. They need the vendor's credential, which the hub sends with every delivery and
// so keeps readable (never returned by the API), and per-connector options such as the index.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
  // null for json, slack and teams webhooks
  await db.schema.alterTable('webhooks').addColumn('credential', 'text').execute();
  // JSON, e.g. {"index":"threat_intel","sourcetype":"tocsin:intel"}; '{}' for the chat formats
  await db.schema.alterTable('webhooks').addColumn('options', 'text', (c) => c.notNull().defaultTo('{}')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhooks').dropColumn('options').execute();
  await db.schema.alterTable('webhooks').dropColumn('credential').execute();
}
