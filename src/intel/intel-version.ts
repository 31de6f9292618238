// One number that moves whenever what the intel store would export may have changed: values
// stored, retired, suppressed or re-marked, sightings reported. Exports build their ETag from
// it, so a firewall polling every five minutes gets a 304 without the hub reading a million
// rows. It is bumped AFTER the change commits, by the service that made it, and read BEFORE an
// export reads its rows: a reader can see new rows with the old number (one extra download
// later), never the new number with old rows (which would answer 304 over stale content).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';

const intelVersionKey = 'intel.version';

export interface IntelVersion {
  value: string;
  at: string | null;
}

/** The intel store changed (call after the commit). A failure is logged, never thrown: the change itself is done. */
export async function intelChanged(ctx: Pick<AppContext, 'db' | 'log' | 'now'>): Promise<void> {
  const value = JSON.stringify(randomUUID());
  const at = ctx.now().toISOString();
  try {
    await ctx.db
      .insertInto('hub_settings')
      .values({ key: intelVersionKey, value, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
      .execute();
  } catch (err) {
    ctx.log.warn({ err }, 'could not bump the intel version; exports may answer 304 until the next change');
  }
}

export async function readIntelVersion(db: Kysely<Database>): Promise<IntelVersion> {
  const row = await db.selectFrom('hub_settings').select(['value', 'updated_at']).where('key', '=', intelVersionKey).executeTakeFirst();
  return { value: row?.value ?? '', at: row?.updated_at ?? null };
}
