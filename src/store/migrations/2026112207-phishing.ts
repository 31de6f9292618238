// Frozen once released: the phishing check. A check keeps the verdict, the indicators, the
// attachment hashes, the scrubbed subject and the sender's domain — never the submitter or
// the recipients. Campaign keys index what checks share (URL, domain, sender domain,
// attachment hash); the raw message is kept only when the operator turns that on.
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('phishing_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // sha256 of the submitter's receipt (the unguessable link); the receipt itself is never stored
    .addColumn('receipt_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // web | api | mail
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('sender_domain', 'text')
    .addColumn('message_hash', 'text', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('advice', 'text', (c) => c.notNull())
    .addColumn('indicators', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull())
    .addColumn('unreadable_reason', 'text')
    .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('elapsed_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('shared_warning_id', 'text', (c) => c.references('warnings.id').onDelete('set null'))
    .addColumn('shared_at', 'text')
    .execute();
  await db.schema.createIndex('phishing_checks_created_idx').on('phishing_checks').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('phishing_checks_hash_idx').on('phishing_checks').column('message_hash').execute();

  await db.schema
    .createTable('phishing_check_keys')
    .addColumn('check_id', 'text', (c) => c.notNull().references('phishing_checks.id').onDelete('cascade'))
    // url | domain | sender-domain | attachment
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('phishing_check_keys_pk', ['check_id', 'kind', 'value'])
    .execute();
  await db.schema.createIndex('phishing_check_keys_value_idx').on('phishing_check_keys').columns(['kind', 'value', 'created_at']).execute();
  await db.schema.createIndex('phishing_check_keys_created_idx').on('phishing_check_keys').column('created_at').execute();

  await db.schema
    .createTable('phishing_raw')
    .addColumn('check_id', 'text', (c) => c.primaryKey().references('phishing_checks.id').onDelete('cascade'))
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('phishing_raw_expires_idx').on('phishing_raw').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['phishing_raw', 'phishing_check_keys', 'phishing_checks']) await db.schema.dropTable(t).ifExists().execute();
}
