// Users and their roles. Org admins manage their own organisation's people; the operator
// manages everyone. Guards keep at least one operator and one admin per organisation.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { UserRow } from '../store/schema.js';
import { credentialsChanged } from './credential-cache.js';
import { requireOperator, requireOrgAdmin, requireScope, type Actor, type Role } from './actor.js';
import { findOrganisationById } from './organisations.repository.js';
import { hashPassword, isWeakPassword, minPasswordLength, randomToken } from './secrets.js';
import {
  countActiveUsers,
  countUsers,
  deleteUserSessions,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers as listUserRows,
  updateUser as updateUserRow,
} from './users.repository.js';

export interface User {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  totpEnabled: boolean;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    orgId: row.org_id,
    role: row.role as Role | null,
    isOperator: row.is_operator === 1,
    totpEnabled: row.totp_enabled === 1,
    disabled: row.disabled_at !== null,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

export function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!/^[^\s@<>()",;]+@[^\s@<>()",;]+$/.test(e) || e.length > 254) {
    throw new AppError('VALIDATION_FAILED', { detail: `"${email.slice(0, 100)}" is not an email address` });
  }
  return e;
}

export function assertStrongPassword(password: string): void {
  if (isWeakPassword(password)) throw new AppError('PASSWORD_TOO_WEAK', { min: minPasswordLength });
}

export async function listUsers(ctx: AppContext, actor: Actor, filter: { orgId?: string | undefined; operators?: boolean | undefined }): Promise<User[]> {
  if (filter.orgId) requireOrgAdmin(actor, filter.orgId, "list this organisation's users");
  else requireOperator(actor, 'list all users');
  return (await listUserRows(ctx.db, filter)).map(toUser);
}

export async function getUser(ctx: AppContext, actor: Actor, id: string): Promise<User> {
  requireScope(actor, 'read');
  const row = await findUserById(ctx.db, id);
  if (!row) throw notFound('user');
  if (row.id !== actor.userId && !(actor.isOperator || (row.org_id && actor.orgId === row.org_id && actor.role === 'admin'))) {
    throw notFound('user');
  }
  return toUser(row);
}

export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
}

export async function updateUser(ctx: AppContext, actor: Actor, id: string, patch: UserPatch): Promise<User> {
  const user = await ctx.db.transaction().execute(async (trx) => {
    const row = await findUserById(trx, id);
    if (!row) throw notFound('user');
    if (row.org_id) requireOrgAdmin(actor, row.org_id, 'change this user');
    else requireOperator(actor, 'change operators');
    // An operator who also belongs to an organisation is still only the hub's to disable.
    if (row.is_operator === 1 && patch.disabled !== undefined) requireOperator(actor, 'disable or enable a hub operator');
    if (patch.disabled !== undefined && row.id === actor.userId) throw forbidden('disable your own account');
    const now = ctx.now().toISOString();
    const update: Partial<UserRow> = { updated_at: now };
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'name must not be blank' });
      update.name = name;
    }
    if (patch.role !== undefined) {
      if (!row.org_id) throw new AppError('VALIDATION_FAILED', { detail: 'an operator without an organisation has no organisation role' });
      update.role = patch.role;
    }
    if (patch.disabled !== undefined) update.disabled_at = patch.disabled ? (row.disabled_at ?? now) : null;
    await updateUserRow(trx, id, update);
    // Keep someone in charge: an organisation with users keeps an active admin, the hub an operator.
    if (row.org_id && row.role === 'admin' && row.disabled_at === null && (update.role !== undefined || update.disabled_at)) {
      if ((await countActiveUsers(trx, { orgId: row.org_id, role: 'admin' })) === 0) throw new AppError('LAST_ADMIN');
    }
    if (row.is_operator === 1 && update.disabled_at && (await countActiveUsers(trx, { operators: true })) === 0) {
      throw new AppError('LAST_OPERATOR');
    }
    if (update.disabled_at) await deleteUserSessions(trx, id);
    await recordAudit(ctx, trx, actor, {
      action: patch.disabled === true ? 'user.disable' : patch.disabled === false ? 'user.enable' : patch.role ? 'user.role_change' : 'user.update',
      orgId: row.org_id,
      targetType: 'user',
      targetId: id,
      details: { email: row.email, ...(patch.role ? { from: row.role, to: patch.role } : {}), ...(patch.name ? { name: patch.name } : {}) },
    });
    return toUser((await findUserById(trx, id))!);
  });
  // Tokens and streams of this user must see the new role or status at once, in every process.
  await credentialsChanged(ctx);
  return user;
}

export interface CreateUserInput {
  email: string;
  name: string;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  /** omitted: a random password is generated and returned once */
  password?: string | undefined;
}

/** Direct creation, for the operator's CLI and first start; people normally join by invitation. */
export async function createUser(ctx: AppContext, actor: Actor, input: CreateUserInput): Promise<{ user: User; password: string | null }> {
  if (input.orgId && !input.isOperator) requireOrgAdmin(actor, input.orgId, 'add users to this organisation');
  else requireOperator(actor, 'create operators');
  const email = normaliseEmail(input.email);
  if (input.orgId && !input.role) throw new AppError('VALIDATION_FAILED', { detail: 'a role is required for an organisation member' });
  if (!input.orgId && !input.isOperator) throw new AppError('VALIDATION_FAILED', { detail: 'a user belongs to an organisation or is an operator' });
  const generated = input.password === undefined ? randomToken(15) : null;
  const password = input.password ?? generated!;
  assertStrongPassword(password);
  const passwordHash = await hashPassword(password, ctx.config.passwordScryptCost);
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    if (input.orgId && !(await findOrganisationById(trx, input.orgId))) throw notFound('organisation');
    if (await findUserByEmail(trx, email)) throw new AppError('EMAIL_TAKEN', { email });
    const now = ctx.now().toISOString();
    await insertUser(trx, {
      id,
      email,
      name: input.name.trim() || email,
      org_id: input.orgId,
      role: input.orgId ? input.role : null,
      is_operator: input.isOperator ? 1 : 0,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(ctx, trx, actor, {
      action: 'user.create',
      orgId: input.orgId,
      targetType: 'user',
      targetId: id,
      details: { email, role: input.role, operator: input.isOperator },
    });
  });
  return { user: toUser((await findUserById(ctx.db, id))!), password: generated };
}

/**
 * On first start the hub has nobody: create the operator account and hand its password
 * back once. Safe when several processes start together (the email is unique).
 */
export async function ensureFirstOperator(ctx: AppContext, actor: Actor): Promise<{ email: string; password: string } | null> {
  if ((await countUsers(ctx.db)) > 0) return null;
  try {
    const { user, password } = await createUser(ctx, actor, {
      email: ctx.config.adminEmail,
      name: 'Hub operator',
      orgId: null,
      role: null,
      isOperator: true,
    });
    return { email: user.email, password: password! };
  } catch (err) {
    if (err instanceof AppError && err.code === 'EMAIL_TAKEN') return null;
    if (/unique|duplicate/i.test((err as Error).message)) return null;
    throw err;
  }
}
