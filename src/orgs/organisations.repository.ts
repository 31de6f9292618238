// SQL for organisations and the assets they own.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../store/dialect.js';
import type { Database, NewOrganisationRow, OrganisationRow, OrganisationUpdate } from '../store/schema.js';

export interface OrgAssets {
  domains: string[];
  ipRanges: string[];
  asns: number[];
  emailDomains: string[];
  brands: string[];
  lookalikePatterns: string[];
}

/** org_assets.kind of each list. */
export const assetKinds = { domains: 'domain', ipRanges: 'ip_range', asns: 'asn', emailDomains: 'email_domain', brands: 'brand', lookalikePatterns: 'lookalike' } as const;
export type AssetKind = (typeof assetKinds)[keyof typeof assetKinds];

export function emptyAssets(): OrgAssets {
  return { domains: [], ipRanges: [], asns: [], emailDomains: [], brands: [], lookalikePatterns: [] };
}

function addAsset(assets: OrgAssets, kind: string, value: string): void {
  if (kind === 'asn') assets.asns.push(Number(value));
  else if (kind === 'domain') assets.domains.push(value);
  else if (kind === 'ip_range') assets.ipRanges.push(value);
  else if (kind === 'email_domain') assets.emailDomains.push(value);
  else if (kind === 'brand') assets.brands.push(value);
  else if (kind === 'lookalike') assets.lookalikePatterns.push(value);
}

export async function insertOrganisation(db: Kysely<Database>, row: NewOrganisationRow): Promise<void> {
  await db.insertInto('organisations').values(row).execute();
}

export async function findOrganisationById(db: Kysely<Database>, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The organisation with its number of active users and its assets, in one round trip: this is
 * the read a member's tools make most, so the assets come back as a JSON array from a subquery.
 */
export async function findOrganisationProfile(
  db: Kysely<Database>,
  id: string,
): Promise<{ row: OrganisationRow; userCount: number; assets: OrgAssets } | undefined> {
  const assetsJson = isPostgres(db)
    ? sql<string>`(select coalesce(json_agg(json_build_object('kind', a.kind, 'value', a.value) order by a.value), '[]')::text from org_assets a where a.org_id = organisations.id)`
    : sql<string>`(select coalesce(json_group_array(json_object('kind', a.kind, 'value', a.value)), '[]') from (select kind, value from org_assets where org_id = organisations.id order by value) a)`;
  const found = await db
    .selectFrom('organisations')
    .selectAll('organisations')
    .select((eb) => [
      eb
        .selectFrom('users')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('users.org_id', '=', 'organisations.id')
        .where('users.disabled_at', 'is', null)
        .as('user_count'),
      assetsJson.as('assets_json'),
    ])
    .where('organisations.id', '=', id)
    .executeTakeFirst();
  if (!found) return undefined;
  const { user_count, assets_json, ...row } = found;
  const assets = emptyAssets();
  for (const a of JSON.parse(assets_json) as Array<{ kind: string; value: string }>) {
    addAsset(assets, a.kind, a.value);
  }
  assets.asns.sort((x, y) => x - y);
  return { row, userCount: Number(user_count ?? 0), assets };
}

export async function findOrganisationByNameKey(db: Kysely<Database>, nameKey: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
}

export interface OrganisationFilter {
  q?: string | undefined;
  kind?: string | undefined;
  region?: string | undefined;
}

export async function listOrganisations(db: Kysely<Database>, filter: OrganisationFilter): Promise<OrganisationRow[]> {
  let query = db.selectFrom('organisations').selectAll().orderBy('name_key');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.region) query = query.where('region', '=', filter.region);
  if (filter.q) query = query.where(sql<boolean>`name_key like ${`%${escapeLike(filter.q.toLowerCase())}%`} escape '\\'`);
  return query.execute();
}

export async function updateOrganisation(db: Kysely<Database>, id: string, update: OrganisationUpdate): Promise<void> {
  await db.updateTable('organisations').set(update).where('id', '=', id).execute();
}

export async function deleteOrganisation(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('organisations').where('id', '=', id).execute();
}

export async function countOrganisationUsers(db: Kysely<Database>, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countUsersByOrganisation(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('users')
    .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', 'is not', null)
    .where('disabled_at', 'is', null)
    .groupBy('org_id')
    .execute();
  return new Map(rows.map((r) => [r.org_id!, Number(r.n)]));
}

export async function loadAssets(db: Kysely<Database>, orgIds: string[]): Promise<Map<string, OrgAssets>> {
  const result = new Map<string, OrgAssets>(orgIds.map((id) => [id, emptyAssets()]));
  if (orgIds.length === 0) return result;
  const rows = await db.selectFrom('org_assets').selectAll().where('org_id', 'in', orgIds).orderBy('value').execute();
  for (const row of rows) {
    addAsset(result.get(row.org_id)!, row.kind, row.value);
  }
  for (const a of result.values()) a.asns.sort((x, y) => x - y);
  return result;
}

// Bumped in the transaction that changes any organisation's assets, so every process's
// watchlist index can tell with one primary-key read that it is out of date.
const assetsVersionKey = 'org-assets.version';

export async function touchAssetsVersion(db: Kysely<Database>, at: string): Promise<void> {
  const value = JSON.stringify(randomUUID());
  await db
    .insertInto('hub_settings')
    .values({ key: assetsVersionKey, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

export async function readAssetsVersion(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('hub_settings').select('value').where('key', '=', assetsVersionKey).executeTakeFirst();
  return row?.value ?? '';
}

/** Replace one kind of asset wholesale (the API sends the full list). */
export async function replaceAssets(db: Kysely<Database>, orgId: string, kind: AssetKind, values: string[]): Promise<void> {
  await db.deleteFrom('org_assets').where('org_id', '=', orgId).where('kind', '=', kind).execute();
  if (values.length) await db.insertInto('org_assets').values(values.map((value) => ({ org_id: orgId, kind, value }))).execute();
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
