// TAXII 2.1 reads and writes for a caller: discovery, the API root, the caller's
// collections, and objects, manifests and versions in pages, every row through the sharing
// policy. Object pages are built from the stored JSON text without parsing it.
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import { readerFor } from '../sharing/policy.js';
import { formatMicros, formatStixMicros } from '../stix/time.js';
import { collectionsFor, findCollection, mayWrite, type Collection } from './collections.js';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor.js';
import { parseFilters, type Endpoint, type ObjectFilters } from './filters.js';
import { ingestObjects, peerOriginLabel } from './ingest.service.js';
import { stixMediaType, taxiiMediaType } from './media.js';
import { findStatus, type StatusResource } from './status.repository.js';
import { deleteVersions, selectForDelete, selectPage, type PageRow } from './taxii.repository.js';
import { recordAudit } from '../audit/audit.service.js';

export const apiRootPath = '/taxii2/tocsin/';

export interface TaxiiAnswer {
  body: string | Buffer;
  headers: Record<string, string>;
}

export function discovery(ctx: AppContext) {
  const root = new URL(apiRootPath, ctx.config.publicUrl).toString();
  return {
    title: 'Tocsin threat-intelligence hub',
    description: 'STIX 2.1 over TAXII 2.1: the collections you see are the audiences you belong to.',
    contact: ctx.config.adminEmail,
    default: root,
    api_roots: [root],
  };
}

export function apiRoot(ctx: AppContext) {
  return {
    title: 'Tocsin',
    description: 'Warnings and indicators shared by the hub’s members, under TLP 2.0.',
    versions: [taxiiMediaType],
    max_content_length: ctx.config.taxiiMaxContentLength,
  };
}

export function collectionResource(c: Collection) {
  return { id: c.id, title: c.title, description: c.description, alias: c.alias, can_read: c.canRead, can_write: c.canWrite, media_types: [stixMediaType] };
}

export async function listCollections(ctx: AppContext, actor: Actor) {
  requireScope(actor, 'read');
  const collections = await collectionsFor(ctx.db, actor);
  return collections.length ? { collections: collections.map(collectionResource) } : {};
}

export async function getCollection(ctx: AppContext, actor: Actor, id: string) {
  requireScope(actor, 'read');
  return collectionResource(await findCollection(ctx.db, actor, id));
}

type Query = Record<string, unknown>;

/** GET …/objects/ and GET …/objects/{id}/ : an envelope. */
export async function getObjects(ctx: AppContext, actor: Actor, collectionId: string, query: Query, objectId?: string): Promise<TaxiiAnswer> {
  // On SQLite the stored JSON comes as bytes and goes out as bytes (PostgreSQL's driver has text anyway).
  const bytes = ctx.dialect === 'sqlite';
  const page = await readPage(ctx, actor, collectionId, query, objectId ? 'object' : 'objects', objectId, true, bytes);
  if (objectId && page.rows.length === 0 && !(await page.exists())) throw notFound('object');
  if (!page.rows.length) return answer(page, null);
  if (!bytes) return answer(page, `"objects":[${page.rows.map((r) => r.data).join(',')}]`);
  const parts: Buffer[] = [Buffer.from(`{${envelopeFields(page).join(',')},"objects":[`)];
  for (let i = 0; i < page.rows.length; i++) {
    if (i) parts.push(comma);
    parts.push(page.rows[i]!.data as Buffer);
  }
  parts.push(closeObjects);
  return { body: Buffer.concat(parts), headers: pageHeaders(page) };
}

const comma = Buffer.from(',');
const closeObjects = Buffer.from(']}');

export async function getManifest(ctx: AppContext, actor: Actor, collectionId: string, query: Query): Promise<TaxiiAnswer> {
  const page = await readPage(ctx, actor, collectionId, query, 'manifest', undefined, false);
  const records = page.rows.map((r) => ({ id: r.id, date_added: formatMicros(r.date_added), version: formatStixMicros(r.version), media_type: stixMediaType }));
  return answer(page, records.length ? `"objects":${JSON.stringify(records)}` : null);
}

export async function getVersions(ctx: AppContext, actor: Actor, collectionId: string, objectId: string, query: Query): Promise<TaxiiAnswer> {
  const page = await readPage(ctx, actor, collectionId, query, 'versions', objectId, false);
  if (page.rows.length === 0 && !(await page.exists())) throw notFound('object');
  const versions = page.rows.map((r) => formatStixMicros(r.version));
  return answer(page, versions.length ? `"versions":${JSON.stringify(versions)}` : null);
}

export async function deleteObject(ctx: AppContext, actor: Actor, collectionId: string, objectId: string, query: Query): Promise<void> {
  requireScope(actor, 'write');
  const collection = await findCollection(ctx.db, actor, collectionId);
  const filters = parseFilters(query, 'delete', 1);
  await ctx.db.transaction().execute(async (trx) => {
    const reader = await readerFor(trx, actor);
    const { rows, shares } = await selectForDelete(trx, { collection, reader, filters, objectId });
    if (rows.length === 0) throw notFound('object');
    // Only the producing organisation (or the operator) removes objects; a warning's objects
    // are withdrawn by retracting the warning, so its recipients are told.
    if (!actor.isOperator && shares.some((s) => s.producer_org_id === null || s.producer_org_id !== actor.orgId)) throw new AppError('FORBIDDEN', { action: 'delete objects another producer shared' });
    if (!mayWrite(actor)) throw new AppError('FORBIDDEN', { action: 'delete objects' });
    if (shares.some((s) => s.has_warning === 1)) throw new AppError('TAXII_OBJECT_IN_WARNING');
    await deleteVersions(trx, objectId, rows.map((r) => r.date_added));
    await recordAudit(ctx, trx, actor, { action: 'taxii.delete', orgId: actor.orgId, targetType: 'stix', targetId: objectId, details: { versions: rows.map((r) => formatStixMicros(r.version)) } });
  });
}

export async function postObjects(ctx: AppContext, actor: Actor, collectionId: string, body: unknown): Promise<StatusResource> {
  requireScope(actor, 'write');
  const collection = await findCollection(ctx.db, actor, collectionId);
  if (!collection.canWrite) throw new AppError('FORBIDDEN', { action: 'add objects to this collection' });
  const objects = envelopeObjects(body);
  // Posted by a peer hub with its own token: the peer's objects, as if pulled from it (so they
  // are never pushed back to it, and only CLEAR and GREEN are taken).
  const origin = actor.peer ? { peerId: actor.peer.id, label: peerOriginLabel(actor.peer.name) } : null;
  return ingestObjects(ctx, actor, { objects, collection, origin });
}

export async function getStatus(ctx: AppContext, actor: Actor, id: string): Promise<StatusResource> {
  requireScope(actor, 'read');
  const found = /^[0-9a-f-]{36}$/i.test(id) ? await findStatus(ctx.db, id.toLowerCase()) : undefined;
  // Whoever posted (their organisation, or the operator) reads it; others get a 404.
  const mine = found && (actor.isOperator || (found.owner.orgId !== null ? found.owner.orgId === actor.orgId : found.owner.userId === actor.userId));
  if (!found || !mine) throw notFound('status');
  const { owner: _owner, ...status } = found;
  return status;
}

/** A TAXII envelope {objects: […]} or a STIX bundle (some clients post bundles). */
export function envelopeObjects(body: unknown): unknown[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('TAXII_UNPROCESSABLE', { detail: 'the body must be a JSON object: a TAXII envelope or a STIX bundle' });
  const b = body as Record<string, unknown>;
  if (b.type !== undefined && b.type !== 'bundle') throw new AppError('TAXII_UNPROCESSABLE', { detail: `a ${String(b.type).slice(0, 40)} is not an envelope or a bundle` });
  if (b.objects === undefined) return [];
  if (!Array.isArray(b.objects)) throw new AppError('TAXII_UNPROCESSABLE', { detail: '"objects" must be a list' });
  return b.objects;
}

// ---------------------------------------------------------------------------------------

interface Page {
  rows: PageRow[];
  more: boolean;
  next: string | null;
  /** is the object (of a one-object read) in the collection at all, whatever the filters? */
  exists(): Promise<boolean>;
}

async function readPage(ctx: AppContext, actor: Actor, collectionId: string, query: Query, endpoint: Endpoint, objectId: string | undefined, withData: boolean, bytes = false): Promise<Page> {
  requireScope(actor, 'read');
  const filters = parseFilters(query, endpoint, ctx.config.taxiiPageSize);
  const [collection, reader] = await Promise.all([findCollection(ctx.db, actor, collectionId), readerFor(ctx.db, actor)]);
  const fingerprint = queryFingerprint([endpoint, collection.id, objectId ?? null, fingerprintOf(filters)]);
  const after = filters.next !== null ? decodeCursor(filters.next, fingerprint) : null;
  const rows = await selectPage(ctx.db, { collection, reader, filters, objectId, after, withData, bytes });
  const more = rows.length > filters.limit;
  if (more) rows.length = filters.limit;
  const exists = async () => {
    const unfiltered: ObjectFilters = { addedAfter: null, ids: null, types: null, versions: { all: true, first: false, last: false, exact: [] }, specVersions: null, limit: 1, next: null };
    return (await selectPage(ctx.db, { collection, reader, filters: unfiltered, objectId, after: null, withData: false })).length > 0;
  };
  return { rows, more, next: more ? encodeCursor(rows[rows.length - 1]!.date_added, fingerprint) : null, exists };
}

function fingerprintOf(f: ObjectFilters) {
  return { a: f.addedAfter, i: f.ids, t: f.types, v: f.versions, s: f.specVersions };
}

function answer(page: Page, list: string | null): TaxiiAnswer {
  const fields = envelopeFields(page);
  if (list) fields.push(list);
  return { body: `{${fields.join(',')}}`, headers: pageHeaders(page) };
}

/** An envelope's `more` and `next`, as JSON members. */
function envelopeFields(page: Page): string[] {
  const fields = [`"more":${page.more}`];
  if (page.next) fields.push(`"next":${JSON.stringify(page.next)}`);
  return fields;
}

function pageHeaders(page: Page): Record<string, string> {
  const headers: Record<string, string> = {};
  if (page.rows.length) {
    headers['x-taxii-date-added-first'] = formatMicros(page.rows[0]!.date_added);
    headers['x-taxii-date-added-last'] = formatMicros(page.rows[page.rows.length - 1]!.date_added);
  }
  return headers;
}
