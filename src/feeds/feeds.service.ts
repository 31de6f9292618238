// Feed sources: who may add, change, run and remove them (the operator any; an organisation's
// admins their own organisation's feeds, shared with it only), what a feed's settings must be,
// and who may read which feed (members see the hub's feeds and their own organisation's).
import { intelChanged } from '../intel/intel-version.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { retireMentions } from '../intel/ingest.repository.js';
import { requireOrgAdmin, requireOperator, requireScope, type Actor } from '../orgs/actor.js';
import { nameKey } from '../orgs/organisations.service.js';
import { parseTlp } from '../sharing/shares.js';
import { checkUrlShape, describeUrl } from '../push/ssrf.js';
import { constraintViolation } from '../store/constraints.js';
import type { Database, FeedRow } from '../store/schema.js';
import { checkFilter, checkOptions, readCursor, readFilter, readOptions, type FeedAudience, type FeedFilter, type FeedKind, type FeedOptions, type VanishAction } from './feed-options.js';
import { deleteFeedRow, findFeedById, findFeedByNameKey, findRunById, insertFeed, listFeedRows, listRunRows, updateFeedRow, type FeedRowUpdate } from './feeds.repository.js';
import { toFeed, toRun, type Feed, type FeedRunView, type RunTrigger } from './feeds.view.js';
import { resolveFeedPath } from './fetch.js';
import { startFeedRun, type FeedRunOptions } from './runner.js';

export const feedNameMaxLength = 200;
export const feedUrlMaxLength = 2048;
export const intervalBounds = { min: 1, max: 10_080, default: 60 } as const;
export const expiryBounds = { min: 1, max: 3650 } as const;
export const runHistoryLimit = { default: 20, max: 200 } as const;

export interface FeedInput {
  name: string;
  kind: FeedKind;
  url?: string | null | undefined;
  file?: string | null | undefined;
  /** the organisation whose feed it is (operators only; an org admin's feed is always their org's) */
  orgId?: string | null | undefined;
  audience?: FeedAudience | undefined;
  options?: FeedOptions | undefined;
  filter?: FeedFilter | undefined;
  tlp?: string | undefined;
  confidence?: number | undefined;
  expiryDays?: number | null | undefined;
  onVanish?: VanishAction | undefined;
  intervalMinutes?: number | undefined;
  enabled?: boolean | undefined;
}

export type FeedPatch = Partial<FeedInput>;

/** May the actor change, run and remove this feed? */
export function canManage(actor: Actor, row: Pick<FeedRow, 'org_id'>): boolean {
  if (actor.isOperator) return true;
  return row.org_id !== null && actor.orgId === row.org_id && actor.role === 'admin';
}

/**
 * May the actor see this feed: one shared with all members is every member's (its name is on
 * every value it brought anyway); an organisation's own, that organisation's.
 */
function canSee(actor: Actor, row: Pick<FeedRow, 'org_id' | 'audience_kind'>): boolean {
  if (actor.isOperator) return true;
  if (actor.orgId === null) return false;
  return row.audience_kind === 'members' || row.org_id === actor.orgId;
}

export async function listFeeds(ctx: AppContext, actor: Actor): Promise<Feed[]> {
  requireScope(actor, 'read');
  if (!actor.isOperator && actor.orgId === null) throw forbidden('read the feeds');
  const rows = await listFeedRows(ctx.db, actor.isOperator ? 'all' : { orgId: actor.orgId });
  const now = ctx.now().toISOString();
  return rows.map((r) => toFeed(r, { manageable: canManage(actor, r), now }));
}

export async function getFeed(ctx: AppContext, actor: Actor, id: string): Promise<Feed> {
  requireScope(actor, 'read');
  const row = await findVisible(ctx.db, actor, id);
  return toFeed(row, { manageable: canManage(actor, row), now: ctx.now().toISOString() });
}

export async function createFeed(ctx: AppContext, actor: Actor, input: FeedInput): Promise<Feed> {
  if (!actor.isOperator) {
    if (!actor.orgId) throw forbidden('add feeds');
    requireOrgAdmin(actor, actor.orgId, 'add feeds');
    if (input.orgId && input.orgId !== actor.orgId) throw forbidden("add feeds for another organisation");
    if (input.audience === 'members') throw forbidden('share a feed with all members (the operator can); your feeds are shared with your organisation only');
  } else requireOperator(actor, 'add feeds');
  const orgId = actor.isOperator ? (input.orgId ?? null) : actor.orgId;
  const audience: FeedAudience = input.audience ?? (actor.isOperator ? 'members' : 'orgs');
  const fields = await checkFields(ctx, actor, {
    name: input.name,
    kind: input.kind,
    url: input.url ?? null,
    file: input.file ?? null,
    orgId,
    audience,
    options: input.options ?? {},
    filter: input.filter ?? {},
    tlp: input.tlp ?? 'green',
    confidence: input.confidence ?? 50,
    expiryDays: input.expiryDays ?? null,
    onVanish: input.onVanish ?? 'expire',
    intervalMinutes: input.intervalMinutes ?? intervalBounds.default,
  });
  const id = randomUUID();
  const now = ctx.now().toISOString();
  const row: FeedRow = {
    id,
    ...fields,
    name_key: nameKey(fields.name),
    enabled: input.enabled === false ? 0 : 1,
    etag: null,
    last_modified: null,
    cursor: null,
    next_run_at: now,
    last_run_at: null,
    last_success_at: null,
    last_status: null,
    last_error: null,
    consecutive_failures: 0,
    locked_until: null,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await insertFeed(trx, row);
      await recordAudit(ctx, trx, actor, { action: 'feed.create', orgId: row.org_id, targetType: 'feed', targetId: id, details: auditDetails(row) });
    })
    .catch((err: unknown) => {
      if (constraintViolation(err) === 'unique') throw new AppError('FEED_NAME_TAKEN', { name: fields.name });
      throw err;
    });
  // The scheduler looks at it at once (first run).
  await ctx.bus.publish({ kind: 'wake' });
  return toFeed(row, { manageable: true, now });
}

export async function updateFeed(ctx: AppContext, actor: Actor, id: string, patch: FeedPatch): Promise<Feed> {
  const before = await findManageable(ctx.db, actor, id, 'change this feed');
  if (!actor.isOperator) {
    if (patch.orgId !== undefined && patch.orgId !== before.org_id) throw forbidden('move a feed to another organisation');
    if (patch.audience === 'members') throw forbidden('share a feed with all members (the operator can)');
  }
  const kind = patch.kind ?? (before.kind as FeedKind);
  const beforeOptions = readOptions(before.options);
  // A TAXII credential stays unless a new one (or another kind of credential) is given.
  let options = patch.options ?? (patch.kind && patch.kind !== before.kind ? {} : beforeOptions);
  if (kind === 'taxii' && patch.options && patch.options.secret === undefined && (patch.options.authKind ?? beforeOptions.authKind) === beforeOptions.authKind && beforeOptions.secret) {
    options = { ...options, secret: beforeOptions.secret };
  }
  const usesUrl = patch.file ? false : patch.url ? true : before.url !== null;
  const fields = await checkFields(ctx, actor, {
    name: patch.name ?? before.name,
    kind,
    url: usesUrl ? (patch.url ?? before.url) : null,
    file: usesUrl ? null : (patch.file ?? before.file_path),
    orgId: patch.orgId !== undefined ? patch.orgId : before.org_id,
    audience: patch.audience ?? (before.audience_kind as FeedAudience),
    options,
    filter: patch.filter ?? readFilter(before.filter),
    tlp: patch.tlp ?? before.default_tlp,
    confidence: patch.confidence ?? before.confidence,
    expiryDays: patch.expiryDays !== undefined ? patch.expiryDays : before.expiry_days,
    onVanish: patch.onVanish ?? (before.on_vanish as VanishAction),
    intervalMinutes: patch.intervalMinutes ?? before.interval_minutes,
  });
  const now = ctx.now().toISOString();
  const next: FeedRowUpdate = { ...fields, name_key: nameKey(fields.name), enabled: patch.enabled === undefined ? before.enabled : patch.enabled ? 1 : 0 };
  const changed = (Object.keys(next) as Array<keyof FeedRowUpdate>).filter((k) => k !== 'name_key' && next[k] !== before[k as keyof FeedRow]);
  if (changed.length === 0) return toFeed(before, { manageable: true, now });
  const update: FeedRowUpdate = { ...next, updated_at: now };
  // What is read or how it is shared changed: read everything again at once (no 304, no cursor).
  const content = changed.filter((k) => !['name', 'interval_minutes', 'enabled', 'on_vanish'].includes(k));
  if (content.length) {
    update.etag = null;
    update.last_modified = null;
    const { shares } = readCursor(before.cursor);
    update.cursor = shares ? JSON.stringify({ shares }) : null;
    update.next_run_at = now;
  } else if (changed.includes('interval_minutes') || changed.includes('enabled')) update.next_run_at = now;
  const after = { ...before, ...update } as FeedRow;
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await updateFeedRow(trx, id, update);
      await recordAudit(ctx, trx, actor, {
        action: 'feed.update',
        orgId: after.org_id,
        targetType: 'feed',
        targetId: id,
        details: { fields: changed.map((k) => (k === 'file_path' ? 'file' : k)), ...auditDetails(after) },
      });
    })
    .catch((err: unknown) => {
      if (constraintViolation(err) === 'unique') throw new AppError('FEED_NAME_TAKEN', { name: fields.name });
      throw err;
    });
  await ctx.bus.publish({ kind: 'wake' });
  return toFeed(after, { manageable: true, now });
}

/** Remove a feed: its values are withdrawn (still searchable, never exported), its run history goes. */
export async function deleteFeed(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const row = await findManageable(ctx.db, actor, id, 'remove this feed');
  const now = ctx.now().toISOString();
  if (row.locked_until !== null && row.locked_until > now) throw new AppError('FEED_BUSY', { name: row.name });
  await ctx.db.transaction().execute(async (trx) => {
    const withdrawn = await retireMentions(trx, id, { status: 'withdrawn', at: now });
    await deleteFeedRow(trx, id);
    await recordAudit(ctx, trx, actor, { action: 'feed.delete', orgId: row.org_id, targetType: 'feed', targetId: id, details: { name: row.name, kind: row.kind, withdrawn: withdrawn.length } });
  });
  await intelChanged(ctx);
}

/** Start a run now (whatever the schedule); resolves once the run is recorded, with its id and its end. */
export async function runFeedNow(ctx: AppContext, actor: Actor, id: string, trigger: RunTrigger = 'manual', options: FeedRunOptions = {}): Promise<{ runId: string; done: Promise<FeedRunView> }> {
  const row = await findManageable(ctx.db, actor, id, 'run this feed');
  if (row.enabled !== 1) throw new AppError('FEED_DISABLED', { name: row.name });
  const started = await startFeedRun(ctx, id, trigger, options);
  if (!started) throw new AppError('FEED_BUSY', { name: row.name });
  await recordAudit(ctx, ctx.db, actor, { action: 'feed.run', orgId: row.org_id, targetType: 'feed', targetId: id, details: { name: row.name, runId: started.runId, trigger, force: options.force === true } });
  return started;
}

export async function listFeedRuns(ctx: AppContext, actor: Actor, id: string, limit: number = runHistoryLimit.default): Promise<FeedRunView[]> {
  requireScope(actor, 'read');
  const row = await findVisible(ctx.db, actor, id);
  return (await listRunRows(ctx.db, row.id, Math.min(Math.max(1, limit), runHistoryLimit.max))).map(toRun);
}

export async function getFeedRun(ctx: AppContext, actor: Actor, runId: string): Promise<FeedRunView> {
  requireScope(actor, 'read');
  const run = /^[0-9a-f-]{36}$/i.test(runId) ? await findRunById(ctx.db, runId.toLowerCase()) : undefined;
  if (!run) throw notFound('feed run');
  await findVisible(ctx.db, actor, run.feed_id, 'feed run');
  return toRun(run);
}

/** By id or exact (case-insensitive) name, for the CLI. */
export async function resolveFeed(ctx: AppContext, ref: string): Promise<string> {
  const row = (/^[0-9a-f-]{36}$/i.test(ref) ? await findFeedById(ctx.db, ref.toLowerCase()) : undefined) ?? (await findFeedByNameKey(ctx.db, nameKey(ref)));
  if (!row) throw notFound(`feed "${ref}"`);
  return row.id;
}

// ---------------------------------------------------------------------------------------

async function findVisible(db: Kysely<Database>, actor: Actor, id: string, what = 'feed'): Promise<FeedRow> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findFeedById(db, id.toLowerCase()) : undefined;
  // Another organisation's feed is not even said to exist.
  if (!row || !canSee(actor, row)) throw notFound(what);
  return row;
}

async function findManageable(db: Kysely<Database>, actor: Actor, id: string, action: string): Promise<FeedRow> {
  requireScope(actor, 'admin');
  const row = await findVisible(db, actor, id);
  if (!canManage(actor, row)) throw forbidden(action);
  return row;
}

interface Fields {
  name: string;
  kind: FeedKind;
  url: string | null;
  file: string | null;
  orgId: string | null;
  audience: FeedAudience;
  options: FeedOptions;
  filter: FeedFilter;
  tlp: string;
  confidence: number;
  expiryDays: number | null;
  onVanish: VanishAction;
  intervalMinutes: number;
}

type StoredFields = Pick<FeedRow, 'name' | 'kind' | 'url' | 'file_path' | 'org_id' | 'audience_kind' | 'options' | 'filter' | 'default_tlp' | 'confidence' | 'expiry_days' | 'on_vanish' | 'interval_minutes'>;

const controlChars = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** The whole configuration, checked together; file paths resolved, URLs shape-checked. */
async function checkFields(ctx: AppContext, actor: Actor, f: Fields): Promise<StoredFields> {
  const bad = (detail: string) => new AppError('VALIDATION_FAILED', { detail });
  const name = f.name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!name) throw bad('name must not be blank');
  if (controlChars.test(name)) throw bad('name must not contain control characters');
  if (name.length > feedNameMaxLength) throw bad(`name must be at most ${feedNameMaxLength} characters`);

  const tlp = parseTlp(f.tlp);
  if (f.audience === 'orgs' && !f.orgId) throw bad('a feed shared with one organisation (audience "orgs") needs its organisation (orgId)');
  if (tlp === 'red' && f.audience !== 'orgs') throw new AppError('RED_NEEDS_RECIPIENTS');
  if (f.orgId) {
    const org = await ctx.db.selectFrom('organisations').select('id').where('id', '=', f.orgId).executeTakeFirst();
    if (!org) throw notFound('organisation');
  }
  if (!Number.isInteger(f.confidence) || f.confidence < 0 || f.confidence > 100) throw bad('confidence must be a whole number from 0 to 100');
  if (f.expiryDays !== null && (!Number.isInteger(f.expiryDays) || f.expiryDays < expiryBounds.min || f.expiryDays > expiryBounds.max)) {
    throw bad(`expiryDays must be a whole number of days from ${expiryBounds.min} to ${expiryBounds.max}, or null for the per-type defaults`);
  }
  if (!Number.isInteger(f.intervalMinutes) || f.intervalMinutes < intervalBounds.min || f.intervalMinutes > intervalBounds.max) {
    throw bad(`intervalMinutes must be a whole number from ${intervalBounds.min} to ${intervalBounds.max}`);
  }
  const options = checkOptions(f.kind, f.options);
  const filter = checkFilter(f.filter);

  let url: string | null = null;
  let file: string | null = null;
  const givenUrl = f.url?.trim() || null;
  const givenFile = f.file?.trim() || null;
  if (givenUrl && givenFile) throw bad('give the feed a url or a file, not both');
  if (!givenUrl && !givenFile) throw bad('give the feed a url (http:// or https://) or a file (inside the feed folder)');
  if (givenUrl) {
    if (givenUrl.length > feedUrlMaxLength) throw bad(`url must be at most ${feedUrlMaxLength} characters`);
    let parsed: URL | null = null;
    try {
      parsed = new URL(givenUrl);
    } catch {
      // checkUrlShape says why
    }
    if (parsed && (parsed.username || parsed.password)) {
      throw new AppError('URL_REFUSED', { url: describeUrl(givenUrl), reason: 'it must not contain a user name or password; for TAXII give the credential in the options (authKind, username, secret)' });
    }
    // The shape now (no DNS: a feed can be added while its host is down); every address at each fetch.
    const u = checkUrlShape(givenUrl, ctx.config.outboundAllow).url;
    u.hash = '';
    url = u.toString();
  } else {
    if (!actor.isOperator) throw forbidden('read feeds from files on the hub (the operator can)');
    if (f.kind === 'taxii') throw bad('a TAXII feed needs the url of the server (its discovery or API root address)');
    file = await resolveFeedPath(ctx.config.feedFileRoot, givenFile!, f.kind === 'misp' ? 'dir' : 'file');
  }
  return {
    name,
    kind: f.kind,
    url,
    file_path: file,
    org_id: f.orgId,
    audience_kind: f.audience,
    options: JSON.stringify(options),
    filter: JSON.stringify(filter),
    default_tlp: tlp,
    confidence: f.confidence,
    expiry_days: f.expiryDays,
    on_vanish: f.onVanish,
    interval_minutes: f.intervalMinutes,
  };
}

function auditDetails(row: FeedRow): Record<string, unknown> {
  const { secret: _secret, ...options } = readOptions(row.options);
  return {
    name: row.name,
    kind: row.kind,
    source: row.url ? describeUrl(row.url) : row.file_path,
    orgId: row.org_id,
    audience: row.audience_kind,
    tlp: row.default_tlp,
    options,
    enabled: row.enabled === 1,
  };
}
