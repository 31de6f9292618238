// Which collection an import goes into or an export reads from, named as a person would on
// the command line (public, members, inbox, a group's id or name, a TAXII collection id), and
// which default TLP it may give to objects that carry no TLP marking.
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import { findGroupById, findGroupByNameKey } from '../orgs/groups.repository.js';
import { nameKey } from '../orgs/organisations.service.js';
import { parseTlp } from '../sharing/shares.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import { collectionsFor, mayWrite, type Collection } from '../taxii/collections.js';

const kinds = new Set(['public', 'members', 'inbox']);

/** The actor's collection named `ref`; for the operator, any sharing group (operators curate groups). */
export async function resolveCollection(ctx: AppContext, actor: Actor, ref: string): Promise<Collection> {
  const wanted = ref.trim();
  const mine = await collectionsFor(ctx.db, actor);
  if (kinds.has(wanted.toLowerCase())) {
    const found = mine.find((c) => c.kind === wanted.toLowerCase());
    if (found) return found;
    throw new AppError('VALIDATION_FAILED', { detail: 'an operator without an organisation has no inbox: use --as with a member of the organisation' });
  }
  const byId = mine.find((c) => c.id === wanted.toLowerCase());
  if (byId) return byId;
  const group = (await findGroupById(ctx.db, wanted)) ?? (await findGroupByNameKey(ctx.db, nameKey(wanted)));
  if (group) {
    const member = mine.find((c) => c.kind === 'group' && c.refId === group.id);
    if (member) return member;
    if (actor.isOperator) return operatorGroupCollection(actor, group);
  }
  throw notFound(`collection "${wanted.slice(0, 100)}" (use public, members, inbox, or a sharing group your organisation belongs to)`);
}

/** A group's collection for an operator outside it: the same shape collections.ts gives members. */
function operatorGroupCollection(actor: Actor, group: { id: string; name: string }): Collection {
  return {
    id: group.id,
    kind: 'group',
    title: `Group: ${group.name}`,
    description: `What members share with the sharing group "${group.name}".`,
    alias: `group-${group.id.slice(0, 8)}`,
    refId: group.id,
    defaultTlp: 'amber',
    canRead: true,
    canWrite: mayWrite(actor),
  };
}

/**
 * The TLPs objects may carry in this collection, as the sharing rule allows: only CLEAR is
 * public, RED only goes to a named organisation (the inbox).
 */
export function allowedTlps(collection: Collection): Tlp[] {
  if (collection.kind === 'public') return ['clear'];
  if (collection.kind === 'inbox') return [...tlpLevels];
  return tlpLevels.filter((t) => t !== 'red');
}

/** The collection with `tlp` (text as typed: "amber", "TLP:GREEN") as its default, or its own default. */
export function withDefaultTlp(collection: Collection, tlp: string | undefined | null): Collection {
  if (tlp === undefined || tlp === null || tlp === '') return collection;
  const parsed = parseTlp(tlp);
  if (!allowedTlps(collection).includes(parsed)) throw new AppError('TLP_WIDER_THAN_COLLECTION', { tlp: parsed.toUpperCase(), collection: collection.title });
  return { ...collection, defaultTlp: parsed };
}

/** Refuse an import by someone who may not add objects here. */
export function requireWritable(actor: Actor, collection: Collection): void {
  if (actor.orgObserver) throw new AppError('OBSERVER_READ_ONLY');
  if (!actor.scopes.has('write')) throw new AppError('SCOPE_INSUFFICIENT', { scope: 'write' });
  if (!collection.canWrite) throw new AppError('FORBIDDEN', { action: `import objects into "${collection.title}" (analysts and admins of member organisations can)` });
}
