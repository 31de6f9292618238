// The one sharing policy: who may read a shared object (TLP 2.0 + audience), who is pushed
// a warning, and who may share what. Every read path — REST, SSE, webhooks, email, counts,
// and later TAXII, exports and reports — uses these functions or the SQL filter below,
// which encode the same rule (a property test keeps the two in step).
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Actor } from '../orgs/actor.js';
import type { Database } from '../store/schema.js';
import type { Tlp } from '../stix/tlp.js';
import { runTemplate } from '../store/query-template.js';

export const audienceKinds = ['orgs', 'groups', 'members', 'public'] as const;
export type AudienceKind = (typeof audienceKinds)[number];

/** Who is reading, with the group memberships the rule needs. */
export interface Reader {
  /** null: anonymous (public views) or an operator without an organisation */
  orgId: string | null;
  groupIds: ReadonlySet<string>;
  /** signed-in hub operator: reads what is shared with all members */
  isOperator: boolean;
  anonymous: boolean;
  /**
   * The credential speaks for a peer hub (its token is linked to the peer): on top of the rule
   * above, only what may leave the hub to that peer — the rule of pushing to it.
   */
  peer?: PeerReader | undefined;
}

export interface PeerReader {
  id: string;
  sameCommunity: boolean;
}

/** The sharing envelope of an object. */
export interface ShareRule {
  tlp: Tlp;
  audienceKind: AudienceKind;
  producerOrgId: string | null;
  audienceOrgIds: readonly string[];
  audienceGroupIds: readonly string[];
}

export const anonymousReader: Reader = { orgId: null, groupIds: new Set(), isOperator: false, anonymous: true };

/** Is the reader inside the audience the producer chose (the producer's own org always is)? */
export function isRecipient(reader: Reader, share: ShareRule): boolean {
  // A peer hub's token is pushed only what may leave to the peer, as it reads.
  if (reader.peer && !mayLeaveTo(reader.peer, share)) return false;
  if (reader.anonymous) return share.audienceKind === 'public';
  if (reader.orgId !== null && reader.orgId === share.producerOrgId) return true;
  switch (share.audienceKind) {
    case 'public':
    case 'members':
      return reader.orgId !== null || reader.isOperator;
    case 'orgs':
      return reader.orgId !== null && share.audienceOrgIds.includes(reader.orgId);
    case 'groups':
      return share.audienceGroupIds.some((g) => reader.groupIds.has(g));
  }
}

/**
 * May the reader see the object at all (content, title, or that it exists)?
 * TLP:CLEAR may be disclosed to anyone; everything else only inside its audience.
 */
export function canRead(reader: Reader, share: ShareRule): boolean {
  if (reader.peer && !mayLeaveTo(reader.peer, share)) return false;
  return share.tlp === 'clear' || isRecipient(reader, share);
}

/**
 * May this share leave the hub to a peer hub? CLEAR always; GREEN only to a peer of the same
 * community and only when it was shared with every member (not a group or named organisations,
 * whose community is smaller than the peer's); AMBER and RED never.
 */
export function mayLeaveTo(peer: PeerReader, share: Pick<ShareRule, 'tlp' | 'audienceKind'>): boolean {
  if (!mayLeaveHub(share.tlp, peer.sameCommunity)) return false;
  return share.tlp === 'clear' || share.audienceKind === 'members' || share.audienceKind === 'public';
}

/**
 * What the structure of visibleTo's filter depends on besides the reader's organisation id:
 * a query template (store/query-template.ts) that holds the filter keys its shape on this.
 */
export function readerShape(reader: Reader): string {
  const peer = reader.peer ? `|peer:${reader.peer.sameCommunity ? 'community' : 'outside'}` : '';
  return `${reader.anonymous ? 'anonymous' : 'member'}|${reader.isOperator ? 'operator' : 'user'}${peer}`;
}

/**
 * The same rule as canRead, as a SQL condition on a `shares` row aliased `alias`.
 * Use it in every query that returns shared objects or counts them.
 */
export function visibleTo(reader: Reader, alias = 'shares') {
  const rule = memberRule(reader, alias);
  const peer = reader.peer;
  if (!peer) return rule;
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    const col = (c: string) => eb.ref(`${alias}.${c}`);
    // mayLeaveTo, in SQL.
    const leaves = peer.sameCommunity ? eb.or([eb(col('tlp'), '=', 'clear'), eb.and([eb(col('tlp'), '=', 'green'), eb(col('audience_kind'), 'in', ['members', 'public'])])]) : eb(col('tlp'), '=', 'clear');
    return eb.and([leaves, rule(eb)]);
  };
}

function memberRule(reader: Reader, alias: string) {
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    const col = (c: string) => eb.ref(`${alias}.${c}`);
    const clear = eb(col('tlp'), '=', 'clear');
    if (reader.anonymous) return eb.or([clear, eb(col('audience_kind'), '=', 'public')]);
    const ors: Expression<SqlBool>[] = [clear];
    if (reader.orgId !== null || reader.isOperator) ors.push(eb(col('audience_kind'), 'in', ['members', 'public']));
    if (reader.orgId !== null) {
      const orgId = reader.orgId;
      ors.push(eb(col('producer_org_id'), '=', orgId));
      ors.push(
        eb.and([
          eb(col('audience_kind'), '=', 'orgs'),
          eb.exists(
            eb
              .selectFrom('share_audience as sa_o')
              .select(sql`1`.as('one'))
              .whereRef('sa_o.share_id', '=', col('id'))
              .where('sa_o.kind', '=', 'org')
              .where('sa_o.ref_id', '=', orgId),
          ),
        ]),
      );
      ors.push(
        eb.and([
          eb(col('audience_kind'), '=', 'groups'),
          eb.exists(
            eb
              .selectFrom('share_audience as sa_g')
              .innerJoin('sharing_group_members as sgm', 'sgm.group_id', 'sa_g.ref_id')
              .select(sql`1`.as('one'))
              .whereRef('sa_g.share_id', '=', col('id'))
              .where('sa_g.kind', '=', 'group')
              .where('sgm.org_id', '=', orgId),
          ),
        ]),
      );
    }
    return eb.or(ors);
  };
}

/** The reader behind an actor: its organisation's current group memberships. */
export async function readerFor(db: Kysely<Database>, actor: Actor | null): Promise<Reader> {
  if (!actor || (actor.kind === 'user' && !actor.userId)) return anonymousReader;
  const groupIds = actor.orgId ? await groupIdsOf(db, actor.orgId) : [];
  return { orgId: actor.orgId, groupIds: new Set(groupIds), isOperator: actor.isOperator, anonymous: false, ...peerOf(actor) };
}

/**
 * A reader for the SQL filter only (visibleTo), which joins the organisation's sharing groups
 * itself: it is built without the query that loads them. Never use it for in-memory checks
 * (canRead, isRecipient): with no groups they would wrongly refuse group shares (failing
 * closed). Hot read paths use it: a SIEM's lookups, hundreds a second.
 */
export function sqlReaderFor(actor: Actor | null): Reader {
  if (!actor || (actor.kind === 'user' && !actor.userId)) return anonymousReader;
  return { orgId: actor.orgId, groupIds: new Set(), isOperator: actor.isOperator, anonymous: false, ...peerOf(actor) };
}

function peerOf(actor: Actor): { peer?: PeerReader } {
  return actor.peer ? { peer: { id: actor.peer.id, sameCommunity: actor.peer.sameCommunity } } : {};
}

export async function readerForOrg(db: Kysely<Database>, orgId: string): Promise<Reader> {
  return { orgId, groupIds: new Set(await groupIdsOf(db, orgId)), isOperator: false, anonymous: false };
}

async function groupIdsOf(db: Kysely<Database>, orgId: string): Promise<string[]> {
  const rows = await runTemplate(db, 'group ids of', { orgId }, (v) => db.selectFrom('sharing_group_members').select('group_id').where('org_id', '=', v.orgId));
  return rows.map((r) => r.group_id);
}

/** Load the rules of many shares at once (for in-memory checks on streams and deliveries). */
export async function loadShareRules(db: Kysely<Database>, shareIds: string[]): Promise<Map<string, ShareRule>> {
  const result = new Map<string, ShareRule>();
  if (shareIds.length === 0) return result;
  const unique = [...new Set(shareIds)];
  const [shares, audience] = await Promise.all([
    db.selectFrom('shares').select(['id', 'tlp', 'audience_kind', 'producer_org_id']).where('id', 'in', unique).execute(),
    db.selectFrom('share_audience').selectAll().where('share_id', 'in', unique).execute(),
  ]);
  for (const s of shares) {
    result.set(s.id, { tlp: s.tlp as Tlp, audienceKind: s.audience_kind as AudienceKind, producerOrgId: s.producer_org_id, audienceOrgIds: [], audienceGroupIds: [] });
  }
  for (const a of audience) {
    const rule = result.get(a.share_id);
    if (!rule) continue;
    (a.kind === 'org' ? (rule.audienceOrgIds as string[]) : (rule.audienceGroupIds as string[])).push(a.ref_id);
  }
  return result;
}

/** TLP levels that may leave the hub to other hubs or public feeds (used by later issues). */
export function mayLeaveHub(tlp: Tlp, peerIsSameCommunity: boolean): boolean {
  return tlp === 'clear' || (tlp === 'green' && peerIsSameCommunity);
}
