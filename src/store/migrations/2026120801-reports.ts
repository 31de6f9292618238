// Frozen once released: the daily threat report and its digests (issue 7). A report is the
// facts of one period as they stood when it was made (with the sharing rules of the time), so
// every reader's copy can be rendered again later and say the same thing. Deliveries are an
// outbox like the mail outbox: one row per addressee, retried on its own.
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // daily | weekly | monthly
    .addColumn('kind', 'text', (c) => c.notNull())
    // 2026-12-07 (daily: the morning it is issued), 2026-W49 (weekly), 2026-11 (monthly)
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // JSON: the facts (reports/report-facts.ts), filtered per reader when rendered
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'text', (c) => c.notNull())
    // Exactly one report per period, whichever of several processes makes it.
    .addUniqueConstraint('reports_period_uq', ['kind', 'period'])
    .execute();
  await db.schema.createIndex('reports_to_idx').on('reports').columns(['period_to']).execute();

  // A member's choice; no row: the daily report, every section.
  await db.schema
    .createTable('report_subscriptions')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // JSON array of report kinds; [] for none
    .addColumn('kinds', 'text', (c) => c.notNull())
    // JSON array of sections; [] for all
    .addColumn('sections', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Outside recipients of the public edition (a mailing list of local businesses).
  await db.schema
    .createTable('report_recipients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('unsubscribed_at', 'text')
    .execute();

  await db.schema
    .createTable('report_deliveries')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    // u:<user id> or r:<recipient id>: one delivery of a report per addressee
    .addColumn('addressee', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('recipient_id', 'text', (c) => c.references('report_recipients.id').onDelete('cascade'))
    // pending | sent | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    // sha-256 of the unsubscribe link's token in the mail sent
    .addColumn('unsubscribe_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('report_deliveries_once', ['report_id', 'addressee'])
    .execute();
  await db.schema.createIndex('report_deliveries_due_idx').on('report_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('report_deliveries_unsub_idx').on('report_deliveries').columns(['unsubscribe_hash']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['report_deliveries', 'report_recipients', 'report_subscriptions', 'reports']) await db.schema.dropTable(t).ifExists().execute();
}
