// Names on the command line: organisations and groups by id or exact name, users by email
// or id, and the actor a command runs as when it acts for a user (`--as`).
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import { actorForUser } from '../orgs/auth.service.js';
import { findGroupById, findGroupByNameKey } from '../orgs/groups.repository.js';
import { findOrganisationById, findOrganisationByNameKey } from '../orgs/organisations.repository.js';
import { nameKey } from '../orgs/organisations.service.js';
import { findUserByEmail, findUserById } from '../orgs/users.repository.js';
import type { UserRow } from '../store/schema.js';

export async function resolveOrg(ctx: AppContext, ref: string): Promise<string> {
  const org = (await findOrganisationById(ctx.db, ref)) ?? (await findOrganisationByNameKey(ctx.db, nameKey(ref)));
  if (!org) throw notFound(`organisation "${ref}"`);
  return org.id;
}

export async function resolveGroup(ctx: AppContext, ref: string): Promise<string> {
  const group = (await findGroupById(ctx.db, ref)) ?? (await findGroupByNameKey(ctx.db, nameKey(ref)));
  if (!group) throw notFound(`sharing group "${ref}"`);
  return group.id;
}

export async function resolveUser(ctx: AppContext, ref: string): Promise<UserRow> {
  const user = ref.includes('@') ? await findUserByEmail(ctx.db, ref) : await findUserById(ctx.db, ref);
  if (!user) throw notFound(`user "${ref}"`);
  return user;
}

/** Act as a user from the console: their organisation, role and full scopes, audited as that user via the CLI. */
export async function actAs(ctx: AppContext, ref: string): Promise<Actor> {
  const user = await resolveUser(ctx, ref);
  if (user.disabled_at) throw new AppError('AUTH_ACCOUNT_DISABLED');
  const org = user.org_id ? await findOrganisationById(ctx.db, user.org_id) : undefined;
  return actorForUser(user, org?.observer === 1, { ip: null, userAgent: 'tocsin-cli' }, 'session', null);
}
