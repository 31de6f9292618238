// Frozen once released: exports for the tools members run (firewalls, IDS, DNS, SIEM). An
// export is a saved definition owned by one organisation and read as that organisation; each
// device gets its own read-only token (stored as SHA-256), so the admin sees which device last
// fetched and revokes one without touching the others. Every fetch is kept for the history.
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    // an id of src/exports/format-registry.ts: edl-ip, suricata, zeek, rpz, csv, ecs-ndjson, stix, …
    .addColumn('format', 'text', (c) => c.notNull())
    // JSON: { types, minConfidence, maxAgeDays, tlpCeiling, sourceKinds, feedIds, groupIds, sightedOnly, columns, … }
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    // devices are shown as stale when they have not fetched for this long
    .addColumn('stale_after_hours', 'integer', (c) => c.notNull().defaultTo(48))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exports_name_uq').on('exports').columns(['org_id', 'name_key']).unique().execute();

  await db.schema
    .createTable('export_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('export_id', 'text', (c) => c.notNull().references('exports.id').onDelete('cascade'))
    // the device this token is for ("Fortigate at City Hall")
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_fetch_at', 'text')
    .addColumn('last_fetch_ip', 'text')
    .addColumn('fetch_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('export_tokens_export_idx').on('export_tokens').columns(['export_id']).execute();

  await db.schema
    .createTable('export_fetches')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('export_id', 'text', (c) => c.notNull().references('exports.id').onDelete('cascade'))
    // null: fetched by a signed-in member (preview, download) or the CLI
    .addColumn('token_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    // 200 with content, 304 not modified
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('value_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('since', 'text')
    .execute();
  await db.schema.createIndex('export_fetches_export_idx').on('export_fetches').columns(['export_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('export_fetches').execute();
  await db.schema.dropTable('export_tokens').execute();
  await db.schema.dropTable('exports').execute();
}
