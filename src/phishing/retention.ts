// The phishing check's own housekeeping: results older than TOCSIN_PHISHING_RETENTION_DAYS
// and kept raw messages past their TOCSIN_PHISHING_KEEP_RAW_DAYS go. Idempotent deletes on
// a timer, so every process may run it.
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { createPump, type Pump } from '../push/pump.js';
import { deleteExpired } from './phishing.repository.js';

export async function removeExpiredChecks(ctx: AppContext): Promise<{ checks: number; raw: number }> {
  const now = ctx.now().toISOString();
  return deleteExpired(ctx.db, addMs(now, -ctx.config.phishingRetentionDays * 86_400_000), now);
}

export function createPhishingRetentionPump(ctx: AppContext): Pump {
  return createPump({
    name: 'phishing-retention',
    bus: ctx.bus,
    log: ctx.log,
    intervalMs: 30 * 60_000,
    wakesOn: () => false,
    runOnce: async () => {
      const removed = await removeExpiredChecks(ctx);
      if (removed.checks + removed.raw > 0) ctx.log.info({ removed }, 'removed expired phishing-check results');
      return 0;
    },
  });
}
