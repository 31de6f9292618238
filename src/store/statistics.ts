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

/** A write this large a part of a table changes its statistics (autovacuum's default rule, 10%). */
export const changedShare = 0.1;

/**
 * Refresh the planner statistics of `tables` after `rows` rows were written to them, when that
 * is a bulk write on PostgreSQL: at least bulkWriteRows, and at least a tenth of a table as its
 * statistics last counted it (so a client posting 10,000-object envelopes into a table of
 * millions does not pay an ANALYZE per request). Never throws: the write is done; a failure is
 * logged. Resolves to whether statistics were refreshed.
 */
export async function afterBulkWrite(ctx: { db: Kysely<Database>; log: Pick<Logger, 'warn'> }, rows: number, tables: readonly Table[]): Promise<boolean> {
  if (rows < bulkWriteRows || !isPostgres(ctx.db) || tables.length === 0) return false;
  try {
    // reltuples is -1 for a table never analysed (PostgreSQL 14+), 0 for one analysed empty.
    const counted = await sql<{ relname: string; reltuples: number }>`select relname, reltuples from pg_class where relkind = 'r' and relname in (${sql.join(tables)}) and relnamespace = current_schema()::regnamespace`.execute(ctx.db);
    const estimate = new Map(counted.rows.map((r) => [r.relname, Number(r.reltuples)]));
    const stale = tables.filter((t) => {
      const n = estimate.get(t);
      return n === undefined || n <= 0 || rows >= n * changedShare;
    });
    if (stale.length === 0) return false;
    await sql`analyze ${sql.join(stale.map((t) => sql.table(t)))}`.execute(ctx.db);
    return true;
  } catch (err) {
    ctx.log.warn({ err, tables }, 'could not refresh the planner statistics after a bulk write');
    return false;
  }
}
