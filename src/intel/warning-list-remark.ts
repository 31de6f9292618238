// Keeping observables.warning_list true after a warning list or a member's assets change. The
// lookup, search and pivot consult the live matcher, but exports and alerts read the stored
// mark (a blocklist must never carry a value that is on a list now), so a change re-marks the
// whole store in the background: in id order, a batch at a time, only rows whose mark moved.
import { intelChanged } from './intel-version.js';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';
import { invalidateWarningLists, loadWarningListMatcher, type WarningListMatcher } from './warning-lists.js';

const batchSize = 5_000;

/** Re-mark every observable against `matcher`. Returns how many were read and how many changed. */
export async function remarkObservables(db: Kysely<Database>, matcher: WarningListMatcher): Promise<{ scanned: number; changed: number }> {
  let after = 0;
  let scanned = 0;
  let changed = 0;
  for (;;) {
    const rows = await db.selectFrom('observables').select(['id', 'type', 'value', 'warning_list']).where('id', '>', after).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) break;
    scanned += rows.length;
    after = Number(rows[rows.length - 1]!.id);
    // Group the moves by their new mark: one UPDATE per mark per batch.
    const moves = new Map<string | null, number[]>();
    for (const r of rows) {
      const mark = matcher.match(r.type, r.value);
      if (mark === r.warning_list) continue;
      const ids = moves.get(mark);
      if (ids) ids.push(Number(r.id));
      else moves.set(mark, [Number(r.id)]);
    }
    if (moves.size === 0) continue;
    await db.transaction().execute(async (trx) => {
      for (const [mark, ids] of moves) {
        for (let i = 0; i < ids.length; i += 500) await trx.updateTable('observables').set({ warning_list: mark }).where('id', 'in', ids.slice(i, i + 500)).execute();
        changed += ids.length;
      }
    });
  }
  return { scanned, changed };
}

interface Remark {
  again: boolean;
  done: Promise<void>;
}
const running = new WeakMap<object, Remark>();

/**
 * A list or the members' assets changed (call after the commit): this process's matcher is
 * dropped at once and the store re-marked in the background. Changes that arrive while a pass
 * runs are folded into one more pass.
 */
export function warningListsChanged(ctx: AppContext): void {
  invalidateWarningLists(ctx.db);
  const current = running.get(ctx.db);
  if (current) {
    current.again = true;
    return;
  }
  const state: Remark = { again: false, done: Promise.resolve() };
  running.set(ctx.db, state);
  state.done = (async () => {
    try {
      do {
        state.again = false;
        const started = Date.now();
        const { scanned, changed } = await remarkObservables(ctx.db, await loadWarningListMatcher(ctx.db));
        if (changed > 0) await intelChanged(ctx);
        ctx.log.info({ scanned, changed, ms: Date.now() - started }, 'observables re-marked against the warning lists');
      } while (state.again);
    } catch (err) {
      // The next change (or the next ingest of each value) marks them again.
      ctx.log.error({ err }, 're-marking observables against the warning lists failed');
    } finally {
      running.delete(ctx.db);
    }
  })();
}

/** Wait for a background re-mark to finish (shutdown, tests). */
export async function warningListsSettled(ctx: AppContext): Promise<void> {
  await running.get(ctx.db)?.done;
}
