// Who is asking: every service call takes an Actor, and the rules below decide what it may do.
import { AppError, forbidden } from '../errors.js';

export const roles = ['admin', 'analyst', 'member'] as const;
export type Role = (typeof roles)[number];
export const scopes = ['read', 'write', 'admin'] as const;
export type Scope = (typeof scopes)[number];

export interface Actor {
  /** user: a person or a token acting for one; cli: the operator at the console; system: the hub itself */
  kind: 'user' | 'cli' | 'system';
  userId: string | null;
  email: string | null;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  /** the actor's organisation is an observer (read-only) */
  orgObserver: boolean;
  /** what the credential allows; a session or the CLI has every scope */
  scopes: ReadonlySet<Scope>;
  via: 'session' | 'token' | 'cli' | 'system';
  tokenId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** the token speaks for a peer hub (peers.inbound_token_id): reads are limited to what may leave to it */
  peer?: { id: string; name: string; sameCommunity: boolean } | undefined;
}

const allScopes: ReadonlySet<Scope> = new Set(scopes);

export function cliActor(): Actor {
  return {
    kind: 'cli',
    userId: null,
    email: null,
    orgId: null,
    role: null,
    isOperator: true,
    orgObserver: false,
    scopes: allScopes,
    via: 'cli',
    tokenId: null,
    ip: null,
    userAgent: null,
  };
}

export function systemActor(): Actor {
  return { ...cliActor(), kind: 'system', via: 'system' };
}

export function fullScopes(): ReadonlySet<Scope> {
  return allScopes;
}

export function requireScope(actor: Actor, scope: Scope): void {
  if (!actor.scopes.has(scope)) throw new AppError('SCOPE_INSUFFICIENT', { scope });
}

export function requireOperator(actor: Actor, action: string): void {
  if (!actor.isOperator) throw forbidden(action);
  requireScope(actor, 'admin');
}

/** The hub operator, or an admin of `orgId`, holding an admin-scoped credential. */
export function requireOrgAdmin(actor: Actor, orgId: string, action: string): void {
  requireScope(actor, 'admin');
  if (actor.isOperator) return;
  if (actor.orgId !== orgId || actor.role !== 'admin') throw forbidden(action);
}

export function isOrgAdmin(actor: Actor, orgId: string): boolean {
  return actor.isOperator || (actor.orgId === orgId && actor.role === 'admin');
}

/** May create or change shared content (later issues): analysts and admins of non-observer orgs. */
export function requireContributor(actor: Actor, action: string): void {
  requireScope(actor, 'write');
  if (actor.orgObserver) throw new AppError('OBSERVER_READ_ONLY');
  if (actor.isOperator && actor.orgId === null) return;
  if (actor.role !== 'admin' && actor.role !== 'analyst') throw forbidden(action);
}
