// PostgreSQL plans queries from table statistics that autovacuum refreshes in its own time (and
// not at all where it is turned off). After a bulk write the statistics still describe the
// tables as they were: a store that was empty an import ago is planned as if it were, and a
// lookup that takes milliseconds took seconds (full scans of a million mentions per chunk).
// So whoever writes in bulk refreshes them at once. SQLite's planner needs no statistics.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

/** Rows written at once past which the written tables' statistics are refreshed. */
export const bulkWriteRows = 10_000;

type Table = keyof Database & string;

/**
 * Refresh the planner statistics of `tables` after `rows` rows were written to them, when that
 * is a bulk write on PostgreSQL. Never throws: the write is done; a failure is logged.
 */
export async function afterBulkWrite(ctx: { db: Kysely<Database>; log: Pick<Logger, 'warn'> }, rows: number, tables: readonly Table[]): Promise<boolean> {
  if (rows < bulkWriteRows || !isPostgres(ctx.db) || tables.length === 0) return false;
  try {
    await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(ctx.db);
    return true;
  } catch (err) {
    ctx.log.warn({ err, tables }, 'could not refresh the planner statistics after a bulk write');
    return false;
  }
}
