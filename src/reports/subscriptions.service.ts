// Who receives reports: each member's choice (kinds and sections; the daily report, whole, by
// default), the operator's outside recipients of the public edition, and unsubscribing from a
// mail's link — which works without signing in, as the law on bulk mail expects.
import { createHash, randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireOperator, requireScope, type Actor } from '../orgs/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { parseKind, parseSections } from './reports.service.js';
import type { ReportKind, ReportSection } from './report-view.js';
import {
  deleteRecipient,
  findDeliveryByUnsubscribe,
  findRecipient,
  findRecipientByEmail,
  findSubscription,
  insertRecipient,
  listRecipients,
  saveSubscription,
  unsubscribeRecipient,
} from './reports.repository.js';
import { constraintViolation } from '../store/constraints.js';

export interface Subscription {
  kinds: ReportKind[];
  /** empty: every section */
  sections: ReportSection[];
}

export const defaultSubscription: Subscription = { kinds: ['daily'], sections: [] };

function needsUser(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.userId) throw new AppError('FORBIDDEN', { action: 'choose reports: sign in as a person' });
  return actor.userId;
}

export async function getSubscription(ctx: AppContext, actor: Actor): Promise<Subscription> {
  requireScope(actor, 'read');
  const row = await findSubscription(ctx.db, needsUser(actor));
  if (!row) return defaultSubscription;
  return { kinds: JSON.parse(row.kinds) as ReportKind[], sections: JSON.parse(row.sections) as ReportSection[] };
}

export async function setSubscription(ctx: AppContext, actor: Actor, input: { kinds: string[]; sections: string[] }): Promise<Subscription> {
  requireScope(actor, 'write');
  const userId = needsUser(actor);
  const kinds = [...new Set(input.kinds.map(parseKind))];
  const sections = parseSections(input.sections);
  await saveSubscription(ctx.db, userId, kinds, sections, ctx.now().toISOString());
  await recordAudit(ctx, ctx.db, actor, { action: 'report.subscription', orgId: actor.orgId, targetType: 'user', targetId: userId, details: { kinds, sections } });
  return { kinds, sections };
}

/** One address, no display name or list: what a recipient row may hold. */
export function parseEmail(raw: string): string {
  const email = raw.trim();
  if (email.length > 254 || !/^[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]]+\.[^\s@<>"(),;:\\[\]]+$/.test(email)) throw new AppError('REPORT_RECIPIENT_INVALID', { email: raw.slice(0, 80) });
  return email;
}

export interface RecipientView {
  id: string;
  email: string;
  name: string | null;
  kinds: ReportKind[];
  createdAt: string;
  unsubscribedAt: string | null;
}

function toView(r: { id: string; email: string; name: string | null; kinds: string; created_at: string; unsubscribed_at: string | null }): RecipientView {
  return { id: r.id, email: r.email, name: r.name, kinds: JSON.parse(r.kinds) as ReportKind[], createdAt: r.created_at, unsubscribedAt: r.unsubscribed_at };
}

export async function recipients(ctx: AppContext, actor: Actor): Promise<RecipientView[]> {
  requireOperator(actor, 'see the public edition\u2019s recipients');
  return (await listRecipients(ctx.db)).map(toView);
}

export async function addRecipient(ctx: AppContext, actor: Actor, input: { email: string; name?: string | undefined; kinds?: string[] | undefined }): Promise<RecipientView> {
  requireOperator(actor, 'add recipients of the public edition');
  const email = parseEmail(input.email);
  const kinds = [...new Set((input.kinds ?? ['daily']).map(parseKind))];
  const row = {
    id: randomUUID(),
    email,
    email_key: email.toLowerCase(),
    name: input.name?.trim() || null,
    kinds: JSON.stringify(kinds),
    created_by: actor.userId,
    created_at: ctx.now().toISOString(),
    unsubscribed_at: null,
  };
  try {
    await insertRecipient(ctx.db, row);
  } catch (err) {
    if (constraintViolation(err) !== 'unique') throw err;
    // Someone who unsubscribed is not put back on the list by the operator: only they may ask.
    const existing = await findRecipientByEmail(ctx.db, row.email_key);
    if (existing?.unsubscribed_at) throw new AppError('REPORT_RECIPIENT_UNSUBSCRIBED', { email, at: existing.unsubscribed_at.slice(0, 10) });
    throw new AppError('REPORT_RECIPIENT_EXISTS', { email });
  }
  await recordAudit(ctx, ctx.db, actor, { action: 'report.recipient.add', orgId: null, targetType: 'report_recipient', targetId: row.id, details: { email, kinds } });
  return toView(row);
}

export async function removeRecipient(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireOperator(actor, 'remove recipients of the public edition');
  const r = await findRecipient(ctx.db, id);
  if (!r || !(await deleteRecipient(ctx.db, id))) throw new AppError('NOT_FOUND', { what: 'recipient' });
  await recordAudit(ctx, ctx.db, actor, { action: 'report.recipient.remove', orgId: null, targetType: 'report_recipient', targetId: id, details: { email: r.email } });
}

/** The hash an unsubscribe link's token is stored under (the token itself is only in the mail). */
export function unsubscribeHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The link in a report mail: a member stops receiving that kind of report, an outside
 * recipient stops receiving the public edition. Using it twice is harmless.
 */
export async function unsubscribe(ctx: AppContext, token: string): Promise<{ who: 'member' | 'recipient'; kind: ReportKind }> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new AppError('LINK_INVALID');
  const delivery = await findDeliveryByUnsubscribe(ctx.db, unsubscribeHash(token));
  if (!delivery) throw new AppError('LINK_INVALID');
  const kind = delivery.kind as ReportKind;
  const at = ctx.now().toISOString();
  if (delivery.recipient_id) {
    await unsubscribeRecipient(ctx.db, delivery.recipient_id, at);
    await recordAudit(ctx, ctx.db, null, { action: 'report.unsubscribe', orgId: null, targetType: 'report_recipient', targetId: delivery.recipient_id });
    return { who: 'recipient', kind };
  }
  const userId = delivery.user_id!;
  const row = await findSubscription(ctx.db, userId);
  const current = row ? (JSON.parse(row.kinds) as ReportKind[]) : defaultSubscription.kinds;
  await saveSubscription(ctx.db, userId, current.filter((k) => k !== kind), row ? (JSON.parse(row.sections) as string[]) : [], at);
  await recordAudit(ctx, ctx.db, null, { action: 'report.unsubscribe', orgId: null, targetType: 'user', targetId: userId, details: { kind } });
  return { who: 'member', kind };
}
