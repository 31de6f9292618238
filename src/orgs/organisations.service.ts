// Organisations: who belongs to the hub, what they own, and whether they may vote.
// The operator creates and removes members; an organisation's admins keep its contact
// details and asset list current.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { VotingRule } from '../config/config.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { assertPlainText } from '../text.js';
import type { Database, OrganisationRow } from '../store/schema.js';
import { credentialsChanged } from './credential-cache.js';
import { requireOperator, requireOrgAdmin, requireScope, type Actor } from './actor.js';
import { warningListsChanged } from '../intel/warning-list-remark.js';
import { assertAssetCount, normaliseAsn, normaliseBrand, normaliseDomain, normaliseIpRange, normaliseLookalikePattern, uniqueSorted, type AssetListName } from './assets.js';
import {
  countOrganisationUsers,
  countUsersByOrganisation,
  deleteOrganisation,
  findOrganisationById,
  findOrganisationByNameKey,
  findOrganisationProfile,
  insertOrganisation,
  listOrganisations,
  loadAssets,
  replaceAssets,
  touchAssetsVersion,
  updateOrganisation,
  type OrgAssets,
  type OrganisationFilter,
} from './organisations.repository.js';

export const orgKinds = ['city', 'county', 'state', 'tribal', 'territorial', 'federal', 'private', 'nonprofit', 'isao'] as const;
export type OrgKind = (typeof orgKinds)[number];

export interface Contact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface Organisation extends OrgAssets {
  id: string;
  name: string;
  kind: OrgKind;
  population: number | null;
  region: string | null;
  observer: boolean;
  votingEligible: boolean;
  contact: Contact;
  userCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrganisationInput {
  name: string;
  kind: OrgKind;
  population?: number | null;
  region?: string | null;
  observer?: boolean;
  contact?: Partial<Contact>;
  domains?: string[];
  ipRanges?: string[];
  asns?: Array<number | string>;
  emailDomains?: string[];
  brands?: string[];
  lookalikePatterns?: string[];
}

export type OrganisationPatch = Partial<OrganisationInput>;

/** Fields an organisation's own admin may change; the rest (name, kind, population, observer) are the operator's. */
const selfServiceFields = new Set(['contact', 'domains', 'ipRanges', 'asns', 'emailDomains', 'brands', 'lookalikePatterns', 'region']);

export function isVotingEligible(rule: VotingRule, org: Pick<OrganisationRow, 'kind' | 'population' | 'observer'>): boolean {
  if (org.observer) return false;
  const min = rule[org.kind];
  return min !== undefined && org.population !== null && org.population >= min;
}

export function nameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export async function createOrganisation(ctx: AppContext, actor: Actor, input: OrganisationInput): Promise<Organisation> {
  requireOperator(actor, 'create organisations');
  const now = ctx.now().toISOString();
  const id = randomUUID();
  const name = cleanName(input.name);
  const assets = normaliseAssets(input);
  await ctx.db.transaction().execute(async (trx) => {
    await assertNameFree(trx, name);
    await insertOrganisation(trx, {
      id,
      name,
      name_key: nameKey(name),
      kind: input.kind,
      population: input.population ?? null,
      region: cleanOptional(input.region),
      observer: input.observer ? 1 : 0,
      contact_name: cleanOptional(input.contact?.name),
      contact_email: cleanOptional(input.contact?.email)?.toLowerCase() ?? null,
      contact_phone: cleanOptional(input.contact?.phone),
      created_at: now,
      updated_at: now,
    });
    await writeAssets(ctx, trx, id, assets);
    await recordAudit(ctx, trx, actor, { action: 'org.create', orgId: id, targetType: 'organisation', targetId: id, details: { name } });
  });
  if (Object.keys(assets).length) assetsChanged(ctx);
  return getOrganisation(ctx, actor, id);
}

export async function getOrganisation(ctx: AppContext, actor: Actor, id: string): Promise<Organisation> {
  requireScope(actor, 'read');
  const found = await findOrganisationProfile(ctx.db, id);
  if (!found) throw notFound('organisation');
  return toOrganisation(ctx.config.votingRule, found.row, found.assets, found.userCount);
}

/** The member directory: every member may see who else belongs and how to reach them. */
export async function listDirectory(ctx: AppContext, actor: Actor, filter: OrganisationFilter): Promise<Organisation[]> {
  requireScope(actor, 'read');
  const rows = await listOrganisations(ctx.db, filter);
  const [assets, counts] = await Promise.all([loadAssets(ctx.db, rows.map((r) => r.id)), countUsersByOrganisation(ctx.db)]);
  return rows.map((row) => toOrganisation(ctx.config.votingRule, row, assets.get(row.id)!, counts.get(row.id) ?? 0));
}

export async function updateOrganisationProfile(ctx: AppContext, actor: Actor, id: string, patch: OrganisationPatch): Promise<Organisation> {
  requireOrgAdmin(actor, id, "change this organisation's profile");
  if (!actor.isOperator) {
    const denied = Object.keys(patch).filter((k) => !selfServiceFields.has(k));
    if (denied.length) throw forbidden(`change ${denied.join(', ')} (only the hub operator can)`);
  }
  const assets = normaliseAssets(patch);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await findOrganisationById(trx, id);
    if (!row) throw notFound('organisation');
    const update: Partial<OrganisationRow> = { updated_at: ctx.now().toISOString() };
    if (patch.name !== undefined) {
      const name = cleanName(patch.name);
      if (nameKey(name) !== row.name_key) await assertNameFree(trx, name);
      update.name = name;
      update.name_key = nameKey(name);
    }
    if (patch.kind !== undefined) update.kind = patch.kind;
    if (patch.population !== undefined) update.population = patch.population;
    if (patch.region !== undefined) update.region = cleanOptional(patch.region);
    if (patch.observer !== undefined) update.observer = patch.observer ? 1 : 0;
    if (patch.contact !== undefined) {
      if (patch.contact.name !== undefined) update.contact_name = cleanOptional(patch.contact.name);
      if (patch.contact.email !== undefined) update.contact_email = cleanOptional(patch.contact.email)?.toLowerCase() ?? null;
      if (patch.contact.phone !== undefined) update.contact_phone = cleanOptional(patch.contact.phone);
    }
    await updateOrganisation(trx, id, update);
    await writeAssets(ctx, trx, id, assets);
    await recordAudit(ctx, trx, actor, {
      action: 'org.update',
      orgId: id,
      targetType: 'organisation',
      targetId: id,
      details: { fields: Object.keys(patch) },
    });
  });
  if (patch.observer !== undefined) await credentialsChanged(ctx);
  if (Object.keys(assets).length) assetsChanged(ctx);
  return getOrganisation(ctx, actor, id);
}

export async function removeOrganisation(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireOperator(actor, 'delete organisations');
  await ctx.db.transaction().execute(async (trx) => {
    const row = await findOrganisationById(trx, id);
    if (!row) throw notFound('organisation');
    const users = await countOrganisationUsers(trx, id);
    if (users > 0) throw new AppError('ORG_NOT_EMPTY', { count: users });
    const owned = await trx.selectFrom('sharing_groups').select('id').where('owner_org_id', '=', id).execute();
    if (owned.length) throw new AppError('ORG_OWNS_GROUPS', { count: owned.length });
    await trx.deleteFrom('api_tokens').where('org_id', '=', id).execute();
    await deleteOrganisation(trx, id);
    // Its assets went with it (cascade): watchlist indexes in every process must forget them.
    await touchAssetsVersion(trx, ctx.now().toISOString());
    await recordAudit(ctx, trx, actor, { action: 'org.delete', orgId: null, targetType: 'organisation', targetId: id, details: { name: row.name } });
  });
  assetsChanged(ctx);
}

async function assertNameFree(db: Kysely<Database>, name: string): Promise<void> {
  if (await findOrganisationByNameKey(db, nameKey(name))) throw new AppError('ORG_NAME_TAKEN', { name });
}

function cleanName(name: string): string {
  const cleaned = name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!cleaned) throw new AppError('VALIDATION_FAILED', { detail: 'name must not be blank' });
  assertPlainText(cleaned, 'name');
  return cleaned;
}

function cleanOptional(v: string | null | undefined): string | null {
  const t = v?.trim();
  if (t) assertPlainText(t, 'text');
  return t ? t : null;
}

interface NormalisedAssets {
  domains?: string[];
  ipRanges?: string[];
  asns?: number[];
  emailDomains?: string[];
  brands?: string[];
  lookalikePatterns?: string[];
}

function list<V, T extends string | number>(name: AssetListName, values: readonly V[] | undefined, normalise: (v: V) => T): T[] | undefined {
  if (!values) return undefined;
  const unique = uniqueSorted(values.map(normalise));
  assertAssetCount(name, unique.length);
  return unique;
}

function normaliseAssets(input: Partial<OrganisationInput>): NormalisedAssets {
  const out: NormalisedAssets = {};
  const domains = list('domains', input.domains, normaliseDomain);
  const ipRanges = list('ipRanges', input.ipRanges, normaliseIpRange);
  const asns = list('asns', input.asns, normaliseAsn);
  const emailDomains = list('emailDomains', input.emailDomains, normaliseDomain);
  const brands = list('brands', input.brands, normaliseBrand);
  const lookalikePatterns = list('lookalikePatterns', input.lookalikePatterns, normaliseLookalikePattern);
  if (domains) out.domains = domains;
  if (ipRanges) out.ipRanges = ipRanges;
  if (asns) out.asns = asns;
  if (emailDomains) out.emailDomains = emailDomains;
  if (brands) out.brands = brands;
  if (lookalikePatterns) out.lookalikePatterns = lookalikePatterns;
  return out;
}

async function writeAssets(ctx: AppContext, db: Kysely<Database>, orgId: string, assets: NormalisedAssets): Promise<void> {
  if (Object.keys(assets).length === 0) return;
  if (assets.domains) await replaceAssets(db, orgId, 'domain', assets.domains);
  if (assets.ipRanges) await replaceAssets(db, orgId, 'ip_range', assets.ipRanges);
  if (assets.asns) await replaceAssets(db, orgId, 'asn', assets.asns.map(String));
  if (assets.emailDomains) await replaceAssets(db, orgId, 'email_domain', assets.emailDomains);
  if (assets.brands) await replaceAssets(db, orgId, 'brand', assets.brands);
  if (assets.lookalikePatterns) await replaceAssets(db, orgId, 'lookalike', assets.lookalikePatterns);
  // In the same transaction: every process's watchlist index sees the change with the commit.
  await touchAssetsVersion(db, ctx.now().toISOString());
}

/**
 * After the commit (a reload before it would cache the old assets): this process's warning
 * lists forget the old member assets at once (other processes within their 30 s cache), and
 * the stored marks follow in the background.
 */
function assetsChanged(ctx: AppContext): void {
  warningListsChanged(ctx);
}

export function toOrganisation(rule: VotingRule, row: OrganisationRow, assets: OrgAssets, userCount: number): Organisation {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as OrgKind,
    population: row.population === null ? null : Number(row.population),
    region: row.region,
    observer: row.observer === 1,
    votingEligible: isVotingEligible(rule, row),
    contact: { name: row.contact_name, email: row.contact_email, phone: row.contact_phone },
    domains: assets.domains,
    ipRanges: assets.ipRanges,
    asns: assets.asns,
    emailDomains: assets.emailDomains,
    brands: assets.brands,
    lookalikePatterns: assets.lookalikePatterns,
    userCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
