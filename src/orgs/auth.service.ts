// Signing in and staying signed in: passwords with lockout, TOTP second factor, browser
// sessions with a CSRF token, password-reset links. API tokens live in tokens.service.ts.
import { recordAudit } from '../audit/audit.service.js';
import { addMs, type AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { escapeHtml } from '../mail/mailer.js';
import type { SessionRow, UserRow } from '../store/schema.js';
import { fullScopes, type Actor, type Role } from './actor.js';
import { randomToken, sha256, verifyPassword, hashPassword } from './secrets.js';
import { readSettings } from './settings.service.js';
import { buildTotp, newTotpSecret, totpQrSvg, verifyTotp } from './totp.js';
import { assertStrongPassword, toUser, type User } from './users.service.js';
import {
  deleteSession,
  deleteUserSessions,
  findSessionWithUser,
  findUserByEmail,
  findUserById,
  insertSession,
  touchSession,
  claimTotpStep,
  updateUser,
} from './users.repository.js';

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface Me extends User {
  mustEnrolTotp: boolean;
}

export interface SignedIn {
  user: Me;
  /** the cookie value; only its hash is stored */
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
}

export function anonymousActor(info: RequestInfo, email?: string): Actor {
  return {
    kind: 'user',
    userId: null,
    email: email ?? null,
    orgId: null,
    role: null,
    isOperator: false,
    orgObserver: false,
    scopes: new Set(),
    via: 'session',
    tokenId: null,
    ip: info.ip,
    userAgent: info.userAgent,
  };
}

export function actorForUser(user: UserRow, orgObserver: boolean, info: RequestInfo, via: 'session' | 'token', tokenId: string | null, scopes = fullScopes()): Actor {
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    orgId: user.org_id,
    role: user.role as Role | null,
    isOperator: user.is_operator === 1,
    orgObserver,
    scopes,
    via,
    tokenId,
    ip: info.ip,
    userAgent: info.userAgent,
  };
}

export async function mustEnrolTotp(ctx: AppContext, user: Pick<UserRow, 'is_operator' | 'role' | 'totp_enabled'>): Promise<boolean> {
  if (user.totp_enabled === 1) return false;
  if (user.is_operator !== 1 && user.role !== 'admin') return false;
  return (await readSettings(ctx)).requireTotpForAdmins;
}

export async function toMe(ctx: AppContext, row: UserRow): Promise<Me> {
  return { ...toUser(row), mustEnrolTotp: await mustEnrolTotp(ctx, row) };
}

export async function login(
  ctx: AppContext,
  input: { email: string; password: string; totp?: string | undefined },
  info: RequestInfo,
): Promise<SignedIn> {
  const email = input.email.trim().toLowerCase();
  const user = await findUserByEmail(ctx.db, email);
  const now = ctx.now().toISOString();
  if (user?.locked_until && user.locked_until > now) {
    await recordAudit(ctx, ctx.db, anonymousActor(info, email), { action: 'auth.login_refused_locked', orgId: user.org_id, targetType: 'user', targetId: user.id });
    throw new AppError('AUTH_ACCOUNT_LOCKED', { until: user.locked_until });
  }
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? null);
  if (!user || !passwordOk) {
    if (user) await registerFailure(ctx, user, info, 'password');
    else await recordAudit(ctx, ctx.db, anonymousActor(info, email), { action: 'auth.login_failed', orgId: null, details: { email: email.slice(0, 254), reason: 'unknown email' } });
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  }
  if (user.disabled_at) throw new AppError('AUTH_ACCOUNT_DISABLED');
  if (user.totp_enabled === 1) {
    if (!input.totp) throw new AppError('AUTH_TOTP_REQUIRED');
    const step = verifyTotp(user.totp_secret!, user.email, input.totp, ctx.now());
    // A code seen once (by us, or by someone looking over a shoulder) is not accepted again.
    if (step === null || !(await claimTotpStep(ctx.db, user.id, step))) {
      await registerFailure(ctx, user, info, 'totp');
      throw new AppError('AUTH_TOTP_INVALID');
    }
  }
  const orgObserver = user.org_id ? await isObserverOrg(ctx, user.org_id) : false;
  // Read outside the transaction: SQLite has one connection, and the transaction holds it.
  const me = await toMe(ctx, user);
  return ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { failed_logins: 0, locked_until: null, last_login_at: now });
    const sessionToken = randomToken();
    const session: SessionRow = {
      id_hash: sha256(sessionToken),
      user_id: user.id,
      csrf_token: randomToken(24),
      created_at: now,
      expires_at: addMs(now, ctx.config.sessionTtlHours * 3_600_000),
      last_seen_at: now,
      ip: info.ip,
      user_agent: info.userAgent?.slice(0, 300) ?? null,
    };
    await insertSession(trx, session);
    await recordAudit(ctx, trx, actorForUser(user, orgObserver, info, 'session', null), {
      action: 'auth.login',
      orgId: user.org_id,
      targetType: 'user',
      targetId: user.id,
      details: { totp: user.totp_enabled === 1 },
    });
    return { user: me, sessionToken, csrfToken: session.csrf_token, expiresAt: session.expires_at };
  });
}

async function registerFailure(ctx: AppContext, user: UserRow, info: RequestInfo, reason: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    // Count in SQL: guesses sent in parallel all read the same old count before the slow
    // password check, so writing `old + 1` would lose all but one of them.
    const counted = await trx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', user.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    const failures = Number(counted.failed_logins);
    const lock = failures >= ctx.config.loginMaxAttempts;
    const lockedUntil = lock ? addMs(ctx.now().toISOString(), ctx.config.loginLockoutMinutes * 60_000) : null;
    if (lock) await updateUser(trx, user.id, { failed_logins: 0, locked_until: lockedUntil });
    await recordAudit(ctx, trx, anonymousActor(info, user.email), {
      action: lock ? 'auth.account_locked' : 'auth.login_failed',
      orgId: user.org_id,
      targetType: 'user',
      targetId: user.id,
      details: { reason, failures, ...(lock ? { until: lockedUntil } : {}) },
    });
  });
}

async function isObserverOrg(ctx: AppContext, orgId: string): Promise<boolean> {
  const org = await ctx.db.selectFrom('organisations').select('observer').where('id', '=', orgId).executeTakeFirst();
  return org?.observer === 1;
}

export interface SessionActor {
  actor: Actor;
  user: UserRow;
  csrfToken: string;
  sessionHash: string;
}

/** The actor behind a session cookie, or null when the cookie is unknown, expired or its user disabled. */
export async function resolveSession(ctx: AppContext, sessionToken: string, info: RequestInfo): Promise<SessionActor | null> {
  const idHash = sha256(sessionToken);
  const found = await findSessionWithUser(ctx.db, idHash);
  const now = ctx.now();
  if (!found || found.session.expires_at <= now.toISOString() || found.user.disabled_at) return null;
  // Record activity at most once a minute: enough for "last seen", cheap on the hot path.
  if (now.getTime() - Date.parse(found.session.last_seen_at) > 60_000) await touchSession(ctx.db, idHash, now.toISOString());
  return {
    actor: actorForUser(found.user, found.orgObserver === 1, info, 'session', null),
    user: found.user,
    csrfToken: found.session.csrf_token,
    sessionHash: idHash,
  };
}

export async function logout(ctx: AppContext, actor: Actor, sessionToken: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await deleteSession(trx, sha256(sessionToken));
    await recordAudit(ctx, trx, actor, { action: 'auth.logout', orgId: actor.orgId, targetType: 'user', targetId: actor.userId ?? undefined });
  });
}

export async function changePassword(ctx: AppContext, actor: Actor, currentPassword: string, newPassword: string, keepSessionHash?: string): Promise<void> {
  const user = await findUserById(ctx.db, actor.userId!);
  if (!user) throw new AppError('AUTH_REQUIRED');
  if (!(await verifyPassword(currentPassword, user.password_hash))) throw new AppError('PASSWORD_WRONG');
  assertStrongPassword(newPassword);
  const hash = await hashPassword(newPassword, ctx.config.passwordScryptCost);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: hash, updated_at: ctx.now().toISOString() });
    // Other browsers signed in as this user are signed out.
    await deleteUserSessions(trx, user.id, keepSessionHash);
    await recordAudit(ctx, trx, actor, { action: 'auth.password_change', orgId: user.org_id, targetType: 'user', targetId: user.id });
  });
}

/** Always succeeds from the caller's view, so the answer does not reveal who has an account. */
export async function requestPasswordReset(ctx: AppContext, emailInput: string, info: RequestInfo): Promise<void> {
  const user = await findUserByEmail(ctx.db, emailInput);
  if (!user || user.disabled_at) {
    await recordAudit(ctx, ctx.db, anonymousActor(info, emailInput.slice(0, 254)), { action: 'auth.password_reset_unknown', orgId: null });
    return;
  }
  const { url } = await createPasswordResetLink(ctx, anonymousActor(info, user.email), user);
  // Not awaited: waiting for the SMTP server would make the answer slower for real accounts,
  // telling an attacker which addresses exist.
  void ctx.mailer
    .send({
      to: user.email,
      subject: 'Reset your Tocsin password',
      text: `Someone (hopefully you) asked to reset the password of ${user.email} on Tocsin.\n\nOpen this link within ${ctx.config.passwordResetTtlMinutes} minutes to choose a new one:\n${url}\n\nIf it was not you, ignore this message; your password stays as it is.`,
      html: `<p>Someone (hopefully you) asked to reset the password of ${escapeHtml(user.email)} on Tocsin.</p><p><a href="${escapeHtml(url)}">Choose a new password</a> (valid for ${ctx.config.passwordResetTtlMinutes} minutes).</p><p>If it was not you, ignore this message.</p>`,
    })
    .catch((err: unknown) => ctx.log.error({ err, to: user.email }, 'password-reset mail failed'));
}

export async function createPasswordResetLink(ctx: AppContext, actor: Actor, user: UserRow): Promise<{ url: string; expiresAt: string }> {
  const token = randomToken();
  const now = ctx.now().toISOString();
  const expiresAt = addMs(now, ctx.config.passwordResetTtlMinutes * 60_000);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('password_resets').values({ token_hash: sha256(token), user_id: user.id, created_at: now, expires_at: expiresAt, used_at: null }).execute();
    await recordAudit(ctx, trx, actor, { action: 'auth.password_reset_request', orgId: user.org_id, targetType: 'user', targetId: user.id });
  });
  return { url: `${ctx.config.publicUrl}/reset/${token}`, expiresAt };
}

export async function completePasswordReset(ctx: AppContext, token: string, newPassword: string, info: RequestInfo): Promise<void> {
  assertStrongPassword(newPassword);
  const hash = await hashPassword(newPassword, ctx.config.passwordScryptCost);
  await ctx.db.transaction().execute(async (trx) => {
    const link = await trx.selectFrom('password_resets').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    if (!link || link.used_at) throw new AppError('LINK_INVALID');
    const now = ctx.now().toISOString();
    if (link.expires_at <= now) throw new AppError('LINK_EXPIRED');
    const user = await findUserById(trx, link.user_id);
    if (!user || user.disabled_at) throw new AppError('LINK_INVALID');
    const used = await trx.updateTable('password_resets').set({ used_at: now }).where('token_hash', '=', link.token_hash).where('used_at', 'is', null).executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw new AppError('LINK_INVALID');
    await updateUser(trx, user.id, { password_hash: hash, failed_logins: 0, locked_until: null, updated_at: now });
    await deleteUserSessions(trx, user.id);
    await recordAudit(ctx, trx, anonymousActor(info, user.email), { action: 'auth.password_reset', orgId: user.org_id, targetType: 'user', targetId: user.id });
  });
}

export async function beginTotpSetup(ctx: AppContext, actor: Actor): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
  const user = await findUserById(ctx.db, actor.userId!);
  if (!user) throw new AppError('AUTH_REQUIRED');
  if (user.totp_enabled === 1) throw new AppError('TOTP_ALREADY_ENABLED');
  const secret = newTotpSecret();
  await updateUser(ctx.db, user.id, { totp_secret: secret, updated_at: ctx.now().toISOString() });
  const otpauthUrl = buildTotp(secret, user.email).toString();
  return { secret, otpauthUrl, qrSvg: await totpQrSvg(otpauthUrl) };
}

export async function enableTotp(ctx: AppContext, actor: Actor, code: string): Promise<void> {
  const user = await findUserById(ctx.db, actor.userId!);
  if (!user) throw new AppError('AUTH_REQUIRED');
  if (user.totp_enabled === 1) throw new AppError('TOTP_ALREADY_ENABLED');
  if (!user.totp_secret) throw new AppError('TOTP_NOT_SET_UP');
  const step = verifyTotp(user.totp_secret, user.email, code, ctx.now());
  if (step === null || !(await claimTotpStep(ctx.db, user.id, step))) throw new AppError('AUTH_TOTP_INVALID');
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { totp_enabled: 1, updated_at: ctx.now().toISOString() });
    await recordAudit(ctx, trx, actor, { action: 'auth.totp_enable', orgId: user.org_id, targetType: 'user', targetId: user.id });
  });
}

export async function disableTotp(ctx: AppContext, actor: Actor, password: string): Promise<void> {
  const user = await findUserById(ctx.db, actor.userId!);
  if (!user) throw new AppError('AUTH_REQUIRED');
  if (!(await verifyPassword(password, user.password_hash))) throw new AppError('PASSWORD_WRONG');
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { totp_enabled: 0, totp_secret: null, updated_at: ctx.now().toISOString() });
    await recordAudit(ctx, trx, actor, { action: 'auth.totp_disable', orgId: user.org_id, targetType: 'user', targetId: user.id });
  });
}
