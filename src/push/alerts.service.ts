// Email alert preferences: how often a person is mailed (immediately, an hourly digest, or
// never) and which warnings (AlertFilter). People set their own; org admins and the operator
// may set them for their users. The outbox (outbox.ts) reads them when a warning is sent.
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { isOrgAdmin, requireOrgAdmin, requireOperator, requireScope, type Actor } from '../orgs/actor.js';
import { findUserById } from '../orgs/users.repository.js';
import { readerForOrg } from '../sharing/policy.js';
import type { UserRow } from '../store/schema.js';
import { findAlertPrefs, upsertAlertPrefs } from './alerts.repository.js';
import { parseFilter, type AlertFilter } from './filters.js';

export const alertModes = ['immediate', 'hourly', 'none'] as const;
export type AlertMode = (typeof alertModes)[number];

export interface AlertPrefs {
  mode: AlertMode;
  filter: AlertFilter;
}

/** What a person without a preferences row gets: every warning they may see, at once. */
export const defaultAlertPrefs: Readonly<AlertPrefs> = Object.freeze({ mode: 'immediate', filter: {} });

/** The alert preferences of `userId`, or of the caller when it is omitted. */
export async function getAlertPrefs(ctx: AppContext, actor: Actor, userId?: string): Promise<AlertPrefs> {
  requireScope(actor, 'read');
  const user = await findManagedUser(ctx, actor, userId, 'read');
  const row = await findAlertPrefs(ctx.db, user.id);
  return row ? toAlertPrefs(row) : { ...defaultAlertPrefs, filter: {} };
}

/**
 * Replace the alert preferences of `userId` (or the caller's). Sharing groups in the filter
 * must be groups the user's organisation belongs to: any other would silence every alert.
 */
export async function setAlertPrefs(ctx: AppContext, actor: Actor, userId: string | undefined, input: { mode: AlertMode; filter?: AlertFilter | undefined }): Promise<AlertPrefs> {
  const self = userId === undefined || userId === actor.userId;
  const filter = normaliseFilter(input.filter ?? {});
  return ctx.db.transaction().execute(async (trx) => {
    const user = await findManagedUser({ ...ctx, db: trx }, actor, userId, 'change');
    if (filter.groupIds?.length) {
      const memberOf = user.org_id ? (await readerForOrg(trx, user.org_id)).groupIds : new Set<string>();
      const outside = filter.groupIds.find((g) => !memberOf.has(g));
      if (outside) throw new AppError('ALERT_GROUP_NOT_ALLOWED', { groupId: outside, whose: self ? 'your' : "the user's" });
    }
    const before = await findAlertPrefs(trx, user.id);
    const previous = before ? toAlertPrefs(before) : defaultAlertPrefs;
    const next: AlertPrefs = { mode: input.mode, filter };
    const filterJson = JSON.stringify(filter);
    // Sending what is already there changes nothing, so there is nothing to audit either.
    if (before && before.mode === next.mode && before.filter === filterJson) return next;
    await upsertAlertPrefs(trx, { user_id: user.id, mode: next.mode, filter: filterJson, updated_at: ctx.now().toISOString() });
    await recordAudit(ctx, trx, actor, {
      action: 'alert_prefs.update',
      orgId: user.org_id,
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, mode: next.mode, previousMode: previous.mode, filter, ...(self ? {} : { onBehalf: true }) },
    });
    return next;
  });
}

/**
 * The user whose preferences are read or changed: oneself, or (admin scope) a user of the
 * admin's organisation, or anyone for the operator. Others do not exist for the caller (404).
 */
async function findManagedUser(ctx: Pick<AppContext, 'db'>, actor: Actor, userId: string | undefined, verb: 'read' | 'change'): Promise<UserRow> {
  const id = userId ?? actor.userId;
  if (!id) throw new AppError('FORBIDDEN', { action: 'have email alerts without a user account' });
  const row = await findUserById(ctx.db, id);
  if (!row) throw notFound('user');
  if (row.id === actor.userId) return row;
  if (!(actor.isOperator || (row.org_id !== null && isOrgAdmin(actor, row.org_id)))) throw notFound('user');
  if (row.org_id) requireOrgAdmin(actor, row.org_id, `${verb} this user's email alerts`);
  else requireOperator(actor, `${verb} an operator's email alerts`);
  return row;
}

/** Drop empty lists (they mean "any") so equal filters store as equal JSON. */
function normaliseFilter(filter: AlertFilter): AlertFilter {
  const out: AlertFilter = {};
  if (filter.tlps?.length) out.tlps = [...filter.tlps];
  if (filter.kinds?.length) out.kinds = [...filter.kinds];
  if (filter.minSeverity) out.minSeverity = filter.minSeverity;
  if (filter.groupIds?.length) out.groupIds = filter.groupIds.map((g) => g.toLowerCase());
  return out;
}

function toAlertPrefs(row: { mode: string; filter: string }): AlertPrefs {
  const mode = (alertModes as readonly string[]).includes(row.mode) ? (row.mode as AlertMode) : 'immediate';
  return { mode, filter: parseFilter(row.filter) };
}
