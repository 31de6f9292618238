// Joining the hub: an org admin (or the operator) invites someone by email; the link lets
// them choose a name and password, after which they are signed in. Links are single-use,
// expire, and are stored only as hashes.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { addMs, type AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { escapeHtml } from '../mail/mailer.js';
import type { InvitationRow } from '../store/schema.js';
import { requireOperator, requireOrgAdmin, type Actor, type Role } from './actor.js';
import { anonymousActor, login, type RequestInfo, type SignedIn } from './auth.service.js';
import { findOrganisationById } from './organisations.repository.js';
import { hashPassword, randomToken, sha256 } from './secrets.js';
import { findUserByEmail, insertUser } from './users.repository.js';
import { assertStrongPassword, normaliseEmail } from './users.service.js';

export interface Invitation {
  id: string;
  email: string;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedInvitation {
  invitation: Invitation;
  inviteUrl: string;
  emailSent: boolean;
}

export async function inviteToOrganisation(ctx: AppContext, actor: Actor, orgId: string, input: { email: string; role: Role }): Promise<CreatedInvitation> {
  requireOrgAdmin(actor, orgId, 'invite people to this organisation');
  return createInvitation(ctx, actor, { email: input.email, orgId, role: input.role, isOperator: false });
}

export async function inviteOperator(ctx: AppContext, actor: Actor, input: { email: string }): Promise<CreatedInvitation> {
  requireOperator(actor, 'invite operators');
  return createInvitation(ctx, actor, { email: input.email, orgId: null, role: null, isOperator: true });
}

async function createInvitation(
  ctx: AppContext,
  actor: Actor,
  input: { email: string; orgId: string | null; role: Role | null; isOperator: boolean },
): Promise<CreatedInvitation> {
  const email = normaliseEmail(input.email);
  const token = randomToken();
  const now = ctx.now().toISOString();
  const row: InvitationRow = {
    id: randomUUID(),
    token_hash: sha256(token),
    email,
    org_id: input.orgId,
    role: input.role,
    is_operator: input.isOperator ? 1 : 0,
    invited_by: actor.userId,
    created_at: now,
    expires_at: addMs(now, ctx.config.invitationTtlHours * 3_600_000),
    accepted_at: null,
    revoked_at: null,
  };
  let orgName: string | null = null;
  await ctx.db.transaction().execute(async (trx) => {
    if (input.orgId) {
      const org = await findOrganisationById(trx, input.orgId);
      if (!org) throw notFound('organisation');
      orgName = org.name;
    }
    if (await findUserByEmail(trx, email)) throw new AppError('EMAIL_TAKEN', { email });
    const pending = await trx
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (pending) throw new AppError('INVITATION_PENDING', { email });
    await trx.insertInto('invitations').values(row).execute();
    await recordAudit(ctx, trx, actor, {
      action: 'invitation.create',
      orgId: input.orgId,
      targetType: 'invitation',
      targetId: row.id,
      details: { email, role: input.role, operator: input.isOperator },
    });
  });
  const inviteUrl = `${ctx.config.publicUrl}/invite/${token}`;
  const what = orgName ? `${orgName} on Tocsin, as ${input.role}` : 'Tocsin as a hub operator';
  const emailSent = await ctx.mailer
    .send({
      to: email,
      subject: orgName ? `You are invited to join ${orgName} on Tocsin` : 'You are invited to operate a Tocsin hub',
      text: `${actor.email ?? 'The hub operator'} invited you to join ${what}.\n\nOpen this link within ${ctx.config.invitationTtlHours} hours to choose your password:\n${inviteUrl}\n\nIf you did not expect this, ignore the message.`,
      html: `<p>${escapeHtml(actor.email ?? 'The hub operator')} invited you to join ${escapeHtml(what)}.</p><p><a href="${escapeHtml(inviteUrl)}">Accept the invitation</a> within ${ctx.config.invitationTtlHours} hours.</p><p>If you did not expect this, ignore the message.</p>`,
    })
    .catch((err: unknown) => {
      ctx.log.error({ err, to: email }, 'invitation mail failed');
      return false;
    });
  return { invitation: toInvitation(row), inviteUrl, emailSent };
}

export async function listInvitations(ctx: AppContext, actor: Actor, orgId: string | null): Promise<Invitation[]> {
  if (orgId) requireOrgAdmin(actor, orgId, "list this organisation's invitations");
  else requireOperator(actor, 'list operator invitations');
  let q = ctx.db.selectFrom('invitations').selectAll().orderBy('created_at', 'desc');
  q = orgId ? q.where('org_id', '=', orgId) : q.where('is_operator', '=', 1);
  return (await q.execute()).map(toInvitation);
}

export async function revokeInvitation(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('invitation');
    if (row.org_id) requireOrgAdmin(actor, row.org_id, 'revoke this invitation');
    else requireOperator(actor, 'revoke operator invitations');
    if (row.accepted_at || row.revoked_at) return;
    await trx.updateTable('invitations').set({ revoked_at: ctx.now().toISOString() }).where('id', '=', id).execute();
    await recordAudit(ctx, trx, actor, { action: 'invitation.revoke', orgId: row.org_id, targetType: 'invitation', targetId: id, details: { email: row.email } });
  });
}

async function findUsableInvitation(ctx: AppContext, token: string): Promise<InvitationRow> {
  const row = await ctx.db.selectFrom('invitations').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row || row.accepted_at || row.revoked_at) throw new AppError('LINK_INVALID');
  if (row.expires_at <= ctx.now().toISOString()) throw new AppError('LINK_EXPIRED');
  return row;
}

/** What the invitation page shows before the person accepts (public, by token). */
export async function describeInvitation(ctx: AppContext, token: string): Promise<{ email: string; organisationName: string | null; role: Role | null; isOperator: boolean }> {
  const row = await findUsableInvitation(ctx, token);
  const org = row.org_id ? await findOrganisationById(ctx.db, row.org_id) : undefined;
  return { email: row.email, organisationName: org?.name ?? null, role: row.role as Role | null, isOperator: row.is_operator === 1 };
}

export async function acceptInvitation(ctx: AppContext, token: string, input: { name: string; password: string }, info: RequestInfo): Promise<SignedIn> {
  assertStrongPassword(input.password);
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'your name must not be blank' });
  const row = await findUsableInvitation(ctx, token);
  const passwordHash = await hashPassword(input.password, ctx.config.passwordScryptCost);
  const userId = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now().toISOString();
    // Single use even when two tabs submit at once: only one update wins.
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: now })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('LINK_INVALID');
    if (await findUserByEmail(trx, row.email)) throw new AppError('EMAIL_TAKEN', { email: row.email });
    if (row.org_id && !(await findOrganisationById(trx, row.org_id))) throw new AppError('LINK_INVALID');
    await insertUser(trx, {
      id: userId,
      email: row.email,
      name: name.slice(0, 200),
      org_id: row.org_id,
      role: row.role,
      is_operator: row.is_operator,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    });
    // The new user is the actor, so the entry carries their id and the address they came from.
    await recordAudit(ctx, trx, { ...anonymousActor(info, row.email), userId }, {
      action: 'invitation.accept',
      orgId: row.org_id,
      targetType: 'user',
      targetId: userId,
      details: { email: row.email, role: row.role, operator: row.is_operator === 1, ip: info.ip },
    });
  });
  return login(ctx, { email: row.email, password: input.password }, info);
}

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    orgId: row.org_id,
    role: row.role as Role | null,
    isOperator: row.is_operator === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  };
}
