// Hub-wide settings the operator changes at run time (as opposed to config, fixed at start).
// Read often (every request checks the TOTP rule), so cached briefly per process.
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { requireOperator, type Actor } from './actor.js';
import { getSetting, putSetting } from './users.repository.js';

export interface HubSettings {
  requireTotpForAdmins: boolean;
}

const defaults: HubSettings = { requireTotpForAdmins: false };
const cacheMs = 2000;
const cache = new WeakMap<object, { at: number; value: HubSettings }>();

export async function readSettings(ctx: AppContext): Promise<HubSettings> {
  const hit = cache.get(ctx.db);
  if (hit && Date.now() - hit.at < cacheMs) return hit.value;
  const value: HubSettings = { ...defaults };
  const stored = await getSetting(ctx.db, 'requireTotpForAdmins');
  if (typeof stored === 'boolean') value.requireTotpForAdmins = stored;
  cache.set(ctx.db, { at: Date.now(), value });
  return value;
}

export async function updateSettings(ctx: AppContext, actor: Actor, patch: Partial<HubSettings>): Promise<HubSettings> {
  requireOperator(actor, 'change hub settings');
  await ctx.db.transaction().execute(async (trx) => {
    const at = ctx.now().toISOString();
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) await putSetting(trx, key, value, at);
    }
    await recordAudit(ctx, trx, actor, { action: 'hub.settings_change', orgId: null, details: patch });
  });
  cache.delete(ctx.db);
  return readSettings(ctx);
}
