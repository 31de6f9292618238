// Creating a share: checks that the sender may give this TLP to this audience (RED needs
// named recipients, public needs CLEAR, groups must include the sender) and writes it.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import type { Database, ShareRow } from '../store/schema.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import { audienceKinds, type AudienceKind, type ShareRule } from './policy.js';

export interface AudienceInput {
  kind: AudienceKind;
  orgIds?: string[] | undefined;
  groupIds?: string[] | undefined;
}

export interface ShareInput {
  tlp: string;
  audience: AudienceInput;
  anonymous?: boolean | undefined;
}

export interface Share extends ShareRule {
  id: string;
  anonymous: boolean;
  /** what non-producers see as the source when anonymous */
  publicLabel: string | null;
  producerUserId: string | null;
  createdAt: string;
}

export function parseTlp(value: string): Tlp {
  const t = value.trim().toLowerCase().replace(/^tlp:/, '');
  const tlp = t === 'white' ? 'clear' : t;
  if (!(tlpLevels as readonly string[]).includes(tlp)) throw new AppError('TLP_UNKNOWN', { tlp: value.slice(0, 40) });
  return tlp as Tlp;
}

/** Validate a share request for this sender; returns the normalised rule. Reads with `db` (pass the transaction). */
export async function checkShare(
  db: Kysely<Database>,
  actor: Actor,
  input: ShareInput,
  opts: { allowOwnOrgOnly?: boolean } = {},
): Promise<ShareRule & { anonymous: boolean }> {
  const tlp = parseTlp(input.tlp);
  const kind = input.audience.kind;
  if (!(audienceKinds as readonly string[]).includes(kind)) throw new AppError('VALIDATION_FAILED', { detail: `audience kind "${kind}" is not one of ${audienceKinds.join(', ')}` });
  const orgIds = [...new Set(input.audience.orgIds ?? [])];
  const groupIds = [...new Set(input.audience.groupIds ?? [])];
  if (tlp === 'red' && kind !== 'orgs') throw new AppError('RED_NEEDS_RECIPIENTS');
  if (kind === 'public' && tlp !== 'clear') throw new AppError('PUBLIC_NEEDS_CLEAR');
  if (input.anonymous && !actor.orgId) throw new AppError('ANONYMOUS_NEEDS_ORG');

  if (kind === 'orgs') {
    const others = orgIds.filter((id) => id !== actor.orgId);
    // Keeping something for one's own organisation only (a TAXII post into its inbox).
    const ownOnly = opts.allowOwnOrgOnly && actor.orgId !== null && orgIds.length === 1 && orgIds[0] === actor.orgId;
    if (others.length === 0 && !ownOnly) throw new AppError(tlp === 'red' ? 'RED_NEEDS_RECIPIENTS' : 'AUDIENCE_EMPTY', { what: 'organisation' });
    const found = await db.selectFrom('organisations').select('id').where('id', 'in', orgIds).execute();
    if (found.length !== orgIds.length) throw notFound('recipient organisation');
  } else if (kind === 'groups') {
    if (groupIds.length === 0) throw new AppError('AUDIENCE_EMPTY', { what: 'sharing group' });
    const groups = await db.selectFrom('sharing_groups').select(['id', 'name']).where('id', 'in', groupIds).execute();
    if (groups.length !== groupIds.length) throw notFound('sharing group');
    // The operator curates groups; anyone else shares only with groups their organisation is in.
    if (!actor.isOperator) {
      const memberOf = new Set(
        actor.orgId
          ? (await db.selectFrom('sharing_group_members').select('group_id').where('org_id', '=', actor.orgId).where('group_id', 'in', groupIds).execute()).map((r) => r.group_id)
          : [],
      );
      const outside = groups.find((g) => !memberOf.has(g.id));
      if (outside) throw new AppError('AUDIENCE_NOT_ALLOWED', { what: `the group "${outside.name}"` });
    }
  }
  return {
    tlp,
    audienceKind: kind,
    producerOrgId: actor.orgId,
    audienceOrgIds: kind === 'orgs' ? orgIds : [],
    audienceGroupIds: kind === 'groups' ? groupIds : [],
    anonymous: Boolean(input.anonymous),
  };
}

/** "A member city in Region 3": enough for recipients to judge relevance, not to identify. */
export async function anonymousLabel(db: Kysely<Database>, orgId: string): Promise<string> {
  const org = await db.selectFrom('organisations').select(['kind', 'region']).where('id', '=', orgId).executeTakeFirst();
  if (!org) return 'A member';
  const kind = org.kind === 'isao' ? 'organisation' : org.kind === 'private' ? 'company' : org.kind;
  return org.region ? `A member ${kind} in ${org.region}` : `A member ${kind}`;
}

export async function insertShare(
  db: Kysely<Database>,
  rule: ShareRule & { anonymous: boolean },
  producer: { userId: string | null; publicLabel: string | null },
  createdAt: string,
): Promise<Share> {
  const id = randomUUID();
  await db
    .insertInto('shares')
    .values({
      id,
      tlp: rule.tlp,
      audience_kind: rule.audienceKind,
      producer_org_id: rule.producerOrgId,
      producer_user_id: producer.userId,
      anonymous: rule.anonymous ? 1 : 0,
      public_label: producer.publicLabel,
      created_at: createdAt,
    })
    .execute();
  const audience = [
    ...rule.audienceOrgIds.map((ref_id) => ({ share_id: id, kind: 'org', ref_id })),
    ...rule.audienceGroupIds.map((ref_id) => ({ share_id: id, kind: 'group', ref_id })),
  ];
  if (audience.length) await db.insertInto('share_audience').values(audience).execute();
  return { ...rule, id, publicLabel: producer.publicLabel, producerUserId: producer.userId, createdAt };
}

export async function loadShare(db: Kysely<Database>, id: string): Promise<Share | undefined> {
  const row = await db.selectFrom('shares').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const audience = await db.selectFrom('share_audience').selectAll().where('share_id', '=', id).execute();
  return toShare(row, audience);
}

export function toShare(row: ShareRow, audience: Array<{ kind: string; ref_id: string }>): Share {
  return {
    id: row.id,
    tlp: row.tlp as Tlp,
    audienceKind: row.audience_kind as AudienceKind,
    producerOrgId: row.producer_org_id,
    audienceOrgIds: audience.filter((a) => a.kind === 'org').map((a) => a.ref_id),
    audienceGroupIds: audience.filter((a) => a.kind === 'group').map((a) => a.ref_id),
    anonymous: row.anonymous === 1,
    publicLabel: row.public_label,
    producerUserId: row.producer_user_id,
    createdAt: row.created_at,
  };
}
