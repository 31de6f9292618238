// API tokens for scripts and security tools: shown once, stored hashed, scoped, expiring,
// revocable. Wire form: tcs_<id>_<secret>; usable as Bearer, or as HTTP Basic with the id
// (or anything) as user name and the secret (or the whole token) as password.
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { addMs, type AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { ApiTokenRow } from '../store/schema.js';
import { isOrgAdmin, requireScope, scopes as allScopes, type Actor, type Scope } from './actor.js';
import { actorForUser, type RequestInfo } from './auth.service.js';
import { cachedCredential, credentialsChanged, rememberCredential, type CachedCredential } from './credential-cache.js';
import { randomToken, safeEqual, sha256 } from './secrets.js';
import { findUserById } from './users.repository.js';

export interface Token {
  id: string;
  name: string;
  userId: string;
  userEmail: string;
  orgId: string | null;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

const tokenPattern = /^tcs_(tk[0-9a-f]{18})_([A-Za-z0-9_-]{43})$/;

export function parseToken(value: string): { id: string; secret: string } | null {
  const m = tokenPattern.exec(value.trim());
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** Scopes are cumulative: admin implies write implies read. */
export function expandScopes(requested: Scope[]): Scope[] {
  const top = Math.max(...requested.map((s) => allScopes.indexOf(s)));
  return allScopes.slice(0, top + 1);
}

/** The most a user's role allows a token of theirs to do. */
function maxScopeFor(actor: Actor): Scope[] {
  if (actor.isOperator || actor.role === 'admin') return actor.orgObserver ? ['read', 'admin'] : ['read', 'write', 'admin'];
  if (actor.role === 'analyst' && !actor.orgObserver) return ['read', 'write'];
  return ['read'];
}

export async function createToken(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; scopes: Scope[]; expiresInDays?: number | null | undefined },
): Promise<{ token: Token; secret: string }> {
  if (!actor.userId) throw forbidden('create tokens without a user account (use `tocsin token create --user`)');
  requireScope(actor, 'admin');
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'token name must not be blank' });
  if (input.scopes.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'choose at least one scope' });
  const allowed = maxScopeFor(actor);
  const excess = input.scopes.filter((s) => !allowed.includes(s));
  if (excess.length) throw forbidden(`create a token with the ${excess.join(', ')} scope (your role allows ${allowed.join(', ')})`);
  // An observer's admin token manages its organisation but can never write content.
  const effective = expandScopes(input.scopes).filter((s) => allowed.includes(s));
  const now = ctx.now().toISOString();
  const days = input.expiresInDays === undefined ? ctx.config.tokenDefaultDays : input.expiresInDays;
  const id = `tk${randomBytes(9).toString('hex')}`;
  const secret = randomToken(32);
  const row: ApiTokenRow = {
    id,
    secret_hash: sha256(secret),
    user_id: actor.userId,
    org_id: actor.orgId,
    name: name.slice(0, 200),
    scopes: effective.join(','),
    created_at: now,
    expires_at: days === null ? null : addMs(now, days * 86_400_000),
    last_used_at: null,
    last_used_ip: null,
    revoked_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('api_tokens').values(row).execute();
    await recordAudit(ctx, trx, actor, { action: 'token.create', orgId: actor.orgId, targetType: 'token', targetId: id, details: { name: row.name, scopes: effective } });
  });
  return { token: toToken(row, actor.email ?? '', ctx.now()), secret: `tcs_${id}_${secret}` };
}

/** Own tokens; an org admin may list the organisation's; the operator anyone's. */
export async function listTokens(ctx: AppContext, actor: Actor, filter: { orgId?: string | undefined; userId?: string | undefined }): Promise<Token[]> {
  requireScope(actor, 'read');
  let q = ctx.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('api_tokens')
    .select('users.email as user_email')
    .orderBy('api_tokens.created_at', 'desc');
  if (filter.orgId) {
    if (!isOrgAdmin(actor, filter.orgId)) throw forbidden("list this organisation's tokens");
    q = q.where('api_tokens.org_id', '=', filter.orgId);
  } else if (filter.userId && filter.userId !== actor.userId) {
    if (!actor.isOperator) throw forbidden("list another user's tokens");
    q = q.where('api_tokens.user_id', '=', filter.userId);
  } else {
    q = q.where('api_tokens.user_id', '=', actor.userId ?? '');
  }
  const now = ctx.now();
  return (await q.execute()).map((r) => toToken(r, r.user_email, now));
}

export async function revokeToken(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    const mayRevoke = row && (row.user_id === actor.userId || (row.org_id !== null && isOrgAdmin(actor, row.org_id)) || actor.isOperator);
    if (!row || !mayRevoke) throw notFound('token');
    if (row.user_id !== actor.userId) requireScope(actor, 'admin');
    if (row.revoked_at) return;
    await trx.updateTable('api_tokens').set({ revoked_at: ctx.now().toISOString() }).where('id', '=', id).execute();
    await recordAudit(ctx, trx, actor, { action: 'token.revoke', orgId: row.org_id, targetType: 'token', targetId: id, details: { name: row.name } });
  });
  await credentialsChanged(ctx);
}

// Per process: which token+address pairs are known, and when last_used_at was written.
const knownAddresses = new Set<string>();
const lastTouched = new Map<string, number>();

/** The actor behind a token; throws a specific error for an expired or revoked one. */
export async function resolveToken(ctx: AppContext, tokenId: string, secret: string, info: RequestInfo): Promise<Actor> {
  const found = cachedCredential(ctx, tokenId) ?? (await loadCredential(ctx, tokenId));
  const row = found?.token;
  if (!found || !row || !safeEqual(row.secret_hash, sha256(secret))) throw new AppError('AUTH_TOKEN_INVALID');
  if (row.revoked_at) throw new AppError('AUTH_TOKEN_REVOKED', { at: row.revoked_at });
  const now = ctx.now();
  if (row.expires_at && row.expires_at <= now.toISOString()) throw new AppError('AUTH_TOKEN_EXPIRED', { at: row.expires_at });
  const user = found.user;
  if (user.disabled_at) throw new AppError('AUTH_TOKEN_INVALID');
  const actor = actorForUser(user, found.orgObserver, info, 'token', row.id, new Set(row.scopes.split(',') as Scope[]));
  if (found.peer) actor.peer = found.peer;
  await noteTokenUse(ctx, actor, row, now);
  return actor;
}

/** Token, user and organisation in one round trip; remembered briefly (see credential-cache.ts). */
async function loadCredential(ctx: AppContext, tokenId: string): Promise<CachedCredential | undefined> {
  const token = await ctx.db.selectFrom('api_tokens').selectAll().where('id', '=', tokenId).executeTakeFirst();
  if (!token) return undefined;
  const user = await findUserById(ctx.db, token.user_id);
  if (!user) return undefined;
  const org = user.org_id ? await ctx.db.selectFrom('organisations').select('observer').where('id', '=', user.org_id).executeTakeFirst() : undefined;
  // A token a peer hub calls with reads only what may leave to that peer (sharing/policy.ts).
  const peer = await ctx.db.selectFrom('peers').select(['id', 'name', 'same_community']).where('inbound_token_id', '=', token.id).executeTakeFirst();
  const entry = { token, user, orgObserver: org?.observer === 1, peer: peer ? { id: peer.id, name: peer.name, sameCommunity: Number(peer.same_community) === 1 } : null };
  rememberCredential(ctx, entry);
  return { ...entry, at: Date.now() };
}

async function noteTokenUse(ctx: AppContext, actor: Actor, row: ApiTokenRow, now: Date): Promise<void> {
  const ip = actor.ip ?? 'unknown';
  const key = `${row.id}|${ip}`;
  if (!knownAddresses.has(key)) {
    const inserted = await ctx.db
      .insertInto('token_addresses')
      .values({ token_id: row.id, ip, first_seen_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['token_id', 'ip']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      await recordAudit(ctx, ctx.db, actor, { action: 'token.new_address', orgId: row.org_id, targetType: 'token', targetId: row.id, details: { ip, name: row.name } });
    }
    if (knownAddresses.size > 100_000) knownAddresses.clear();
    knownAddresses.add(key);
  }
  const last = lastTouched.get(row.id) ?? 0;
  if (now.getTime() - last > 60_000) {
    lastTouched.set(row.id, now.getTime());
    await ctx.db.updateTable('api_tokens').set({ last_used_at: now.toISOString(), last_used_ip: ip }).where('id', '=', row.id).execute();
  }
}

function toToken(row: ApiTokenRow, userEmail: string, now: Date): Token {
  const status = row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now.toISOString() ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    userEmail,
    orgId: row.org_id,
    scopes: row.scopes.split(',') as Scope[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
    status,
  };
}
