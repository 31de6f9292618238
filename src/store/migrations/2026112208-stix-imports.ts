// Frozen once released: STIX bundle uploads being imported in the background (web upload and
// POST /api/stix/imports), with their progress and the objects that failed, so a person can
// watch a large import and read what went wrong afterwards.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stix_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('collection_title', 'text', (c) => c.notNull())
    .addColumn('default_tlp', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    // queued, running, done, failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_bytes', 'bigint', (c) => c.notNull())
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('objects', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('successes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON list of {id, version, message}, the first few hundred failures
    .addColumn('failure_list', 'text', (c) => c.notNull().defaultTo('[]'))
    // why the import stopped, when it did
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('stix_imports_org_idx').on('stix_imports').columns(['org_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stix_imports').ifExists().execute();
}
