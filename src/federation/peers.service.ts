// Peer hubs, for the operator: add, change and remove the hubs this hub federates with, test
// the connection, run a pull or push now, and read their health. The credential for a peer
// is stored as given (it has to be sent) but never returned: only its last characters.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireOperator, type Actor } from '../orgs/actor.js';
import { credentialsChanged } from '../orgs/credential-cache.js';
import { nameKey } from '../orgs/organisations.service.js';
import { checkOutboundUrl, describeUrl, systemResolver, type Resolver } from '../push/ssrf.js';
import { constraintViolation } from '../store/constraints.js';
import type { Database, PeerRow } from '../store/schema.js';
import { deletePeerRow, findPeerById, findPeerByInboundToken, findPeerByNameKey, findTokenScopes, insertPeer, lastDateAdded, listPeerRows, listPullCursors, prunePullCursors, updatePeerRow, type PeerRowUpdate } from './peers.repository.js';
import { toPeer, type Peer } from './peers.view.js';
import { clientFor, runPeerNow, type RunOutcome, type RunPlan } from './runner.js';
import { clean, isCollectionId, type RemoteCollection } from './taxii-client.js';

export const peerDirections = ['pull', 'push', 'both'] as const;
export type PeerDirection = (typeof peerDirections)[number];
export const peerAuthKinds = ['bearer', 'basic', 'none'] as const;
export type PeerAuthKind = (typeof peerAuthKinds)[number];
export const localCollections = ['public', 'members'] as const;
export type LocalCollection = (typeof localCollections)[number];

export const peerNameMaxLength = 200;
export const peerUrlMaxLength = 2048;
export const peerSecretMaxLength = 4096;
export const maxPullCollections = 50;
export const intervalBounds = { min: 10, max: 86_400, default: 300 } as const;

export interface PeerInput {
  name: string;
  url: string;
  direction: PeerDirection;
  authKind: PeerAuthKind;
  username?: string | null | undefined;
  /** bearer: the token; basic: the password */
  secret?: string | null | undefined;
  pullCollections?: string[] | undefined;
  localCollection?: LocalCollection | undefined;
  pushCollection?: string | null | undefined;
  intervalSeconds?: number | undefined;
  sameCommunity?: boolean | undefined;
  enabled?: boolean | undefined;
  /** the API token the peer hub calls this hub with; null: none */
  inboundTokenId?: string | null | undefined;
}

export type PeerPatch = Partial<PeerInput>;

export interface PeerServiceOptions {
  /** DNS for the URL check when saving and for calls; tests substitute a fake */
  resolver?: Resolver;
}

export interface PeerTestResult {
  ok: boolean;
  error: string | null;
  apiRoot: string | null;
  title: string | null;
  maxContentLength: number | null;
  collections: RemoteCollection[];
  /** each configured remote collection: is it there, and may we do what we need there? */
  checks: Array<{ collectionId: string; purpose: 'pull' | 'push'; found: boolean; allowed: boolean }>;
}

export async function listPeers(ctx: AppContext, actor: Actor): Promise<Peer[]> {
  requireOperator(actor, 'read the peer hubs');
  const rows = await listPeerRows(ctx.db);
  const cursors = await listPullCursors(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => toPeer(ctx, r, cursors.filter((c) => c.peer_id === r.id)));
}

export async function getPeer(ctx: AppContext, actor: Actor, id: string): Promise<Peer> {
  requireOperator(actor, 'read the peer hubs');
  return view(ctx, await findOr404(ctx.db, id));
}

export async function createPeer(ctx: AppContext, actor: Actor, input: PeerInput, options: PeerServiceOptions = {}): Promise<Peer> {
  requireOperator(actor, 'add peer hubs');
  const fields = checkFields({
    name: input.name,
    url: input.url,
    direction: input.direction,
    authKind: input.authKind,
    username: input.username ?? null,
    secret: input.secret ?? null,
    pullCollections: input.pullCollections ?? [],
    localCollection: input.localCollection ?? 'public',
    pushCollection: input.pushCollection ?? null,
    intervalSeconds: input.intervalSeconds ?? intervalBounds.default,
  });
  // DNS before the transaction: a slow resolver must not hold the store.
  const url = await checkUrl(ctx, fields.url, options);
  const id = randomUUID();
  const now = ctx.now().toISOString();
  const created = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const row: PeerRow = {
        id,
        name: fields.name,
        name_key: nameKey(fields.name),
        url,
        api_root: null,
        max_content_length: null,
        auth_kind: fields.authKind,
        auth_username: fields.username,
        auth_secret: fields.secret,
        pull_collections: JSON.stringify(fields.pullCollections),
        local_collection: fields.localCollection,
        push_collection: fields.pushCollection,
        direction: fields.direction,
        interval_seconds: fields.intervalSeconds,
        same_community: input.sameCommunity ? 1 : 0,
        enabled: input.enabled === false ? 0 : 1,
        inbound_token_id: await checkInboundToken(trx, input.inboundTokenId ?? null, null),
        // Pushes start with what is added from now on; the peer can pull the history.
        push_cursor: await lastDateAdded(trx),
        objects_pushed: 0,
        next_pull_at: now,
        last_success_at: null,
        last_pull_at: null,
        last_push_at: null,
        last_error: null,
        last_error_at: null,
        consecutive_failures: 0,
        next_attempt_at: null,
        locked_until: null,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      };
      await insertPeer(trx, row);
      await recordAudit(ctx, trx, actor, { action: 'peer.create', orgId: null, targetType: 'peer', targetId: id, details: auditDetails(row) });
      return view(ctx, row, trx);
    })
    .catch((err: unknown) => {
      if (constraintViolation(err) === 'unique') throw new AppError('PEER_NAME_TAKEN', { name: fields.name });
      throw err;
    });
  // A token now speaking for a peer reads less: no process may keep its old view cached.
  if (created.inboundTokenId) await credentialsChanged(ctx);
  // The pump looks at the peer at once (first pull, new settings).
  await ctx.bus.publish({ kind: 'wake' });
  return created;
}

export async function updatePeer(ctx: AppContext, actor: Actor, id: string, patch: PeerPatch, options: PeerServiceOptions = {}): Promise<Peer> {
  requireOperator(actor, 'change peer hubs');
  const before = await findOr404(ctx.db, id);
  const authKind = patch.authKind ?? (before.auth_kind as PeerAuthKind);
  const authChanged = patch.authKind !== undefined && patch.authKind !== before.auth_kind;
  const fields = checkFields({
    name: patch.name ?? before.name,
    url: patch.url ?? before.url,
    direction: patch.direction ?? (before.direction as PeerDirection),
    authKind,
    username: patch.username !== undefined ? patch.username : authChanged ? null : before.auth_username,
    // The stored secret stays unless a new one is given (or the kind of credential changes).
    secret: patch.secret !== undefined ? patch.secret : authChanged ? null : before.auth_secret,
    pullCollections: patch.pullCollections ?? (JSON.parse(before.pull_collections) as string[]),
    localCollection: patch.localCollection ?? (before.local_collection as LocalCollection),
    pushCollection: patch.pushCollection !== undefined ? patch.pushCollection : before.push_collection,
    intervalSeconds: patch.intervalSeconds ?? before.interval_seconds,
  });
  const url = patch.url !== undefined ? await checkUrl(ctx, fields.url, options) : before.url;

  const updated = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const row = await findOr404(trx, id);
      const next: PeerRowUpdate = {
        name: fields.name,
        name_key: nameKey(fields.name),
        url,
        auth_kind: fields.authKind,
        auth_username: fields.username,
        auth_secret: fields.secret,
        pull_collections: JSON.stringify(fields.pullCollections),
        local_collection: fields.localCollection,
        push_collection: fields.pushCollection,
        direction: fields.direction,
        interval_seconds: fields.intervalSeconds,
        same_community: patch.sameCommunity === undefined ? row.same_community : patch.sameCommunity ? 1 : 0,
        enabled: patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
        inbound_token_id: patch.inboundTokenId === undefined ? row.inbound_token_id : await checkInboundToken(trx, patch.inboundTokenId, id),
      };
      const changed = (Object.keys(next) as Array<keyof PeerRowUpdate>).filter((k) => next[k] !== row[k as keyof PeerRow] && k !== 'name_key');
      if (changed.length === 0) return view(ctx, row, trx);
      const now = ctx.now().toISOString();
      const update: PeerRowUpdate = { ...next, updated_at: now, next_pull_at: now, next_attempt_at: null };
      // Another hub behind the URL: its positions mean nothing here; start again (pulls dedupe).
      if (url !== row.url) {
        update.api_root = null;
        update.max_content_length = null;
        await prunePullCursors(trx, id, []);
      } else {
        await prunePullCursors(trx, id, fields.pullCollections);
      }
      // Pushing switched on: from now on, not the whole history.
      const pushes = (d: string) => d === 'push' || d === 'both';
      if (pushes(fields.direction) && !pushes(row.direction)) update.push_cursor = await lastDateAdded(trx);
      await updatePeerRow(trx, id, update);
      const after = { ...row, ...update } as PeerRow;
      await recordAudit(ctx, trx, actor, {
        action: 'peer.update',
        orgId: null,
        targetType: 'peer',
        targetId: id,
        details: { fields: changed.map((k) => (k === 'auth_secret' ? 'secret' : k)), ...auditDetails(after), ...(url !== row.url ? { previousDestination: describeUrl(row.url) } : {}) },
      });
      return view(ctx, after, trx);
    })
    .catch((err: unknown) => {
      if (constraintViolation(err) === 'unique') throw new AppError('PEER_NAME_TAKEN', { name: fields.name });
      throw err;
    });
  // The token's view follows the peer's link and community at once, in every process.
  if (patch.inboundTokenId !== undefined || patch.sameCommunity !== undefined) await credentialsChanged(ctx);
  await ctx.bus.publish({ kind: 'wake' });
  return updated;
}

export async function deletePeer(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireOperator(actor, 'remove peer hubs');
  const linked = await ctx.db.transaction().execute(async (trx) => {
    const row = await findOr404(trx, id);
    await deletePeerRow(trx, id);
    // Objects received from it stay, with their provenance (origin_peer_id keeps its id).
    await recordAudit(ctx, trx, actor, { action: 'peer.delete', orgId: null, targetType: 'peer', targetId: id, details: { name: row.name, destination: describeUrl(row.url) } });
    return row.inbound_token_id !== null;
  });
  if (linked) await credentialsChanged(ctx);
}

/**
 * The token a peer hub calls this hub with: one that exists and works, of read and perhaps write
 * scope (never admin: a peer manages nothing here), and not already another peer's.
 */
async function checkInboundToken(trx: Kysely<Database>, tokenId: string | null, peerId: string | null): Promise<string | null> {
  if (tokenId === null) return null;
  const token = await findTokenScopes(trx, tokenId);
  if (!token || token.revoked_at !== null) throw new AppError('VALIDATION_FAILED', { detail: 'inboundTokenId: no such API token (or it is revoked)' });
  if (token.scopes.split(',').includes('admin')) throw new AppError('VALIDATION_FAILED', { detail: "inboundTokenId: a peer hub's token must not have the admin scope (read, and write to post, are enough)" });
  const other = await findPeerByInboundToken(trx, tokenId);
  if (other && other.id !== peerId) throw new AppError('PEER_TOKEN_TAKEN', { name: other.name });
  return tokenId;
}

/** Call the peer now (discovery, API root, collections) and say what works; nothing is stored. */
export async function testPeer(ctx: AppContext, actor: Actor, id: string, options: PeerServiceOptions = {}): Promise<PeerTestResult> {
  requireOperator(actor, 'test peer hubs');
  const row = await findOr404(ctx.db, id);
  const result: PeerTestResult = { ok: false, error: null, apiRoot: null, title: null, maxContentLength: null, collections: [], checks: [] };
  const client = clientFor(ctx, row, { resolver: options.resolver ?? systemResolver });
  try {
    const root = await client.discover(row.url);
    Object.assign(result, { apiRoot: root.apiRoot, title: root.title, maxContentLength: root.maxContentLength });
    result.collections = await client.collections(root.apiRoot);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    return result;
  }
  const byId = new Map(result.collections.map((c) => [c.id, c]));
  const direction = row.direction as PeerDirection;
  if (direction !== 'push') {
    for (const cid of JSON.parse(row.pull_collections) as string[]) result.checks.push({ collectionId: cid, purpose: 'pull', found: byId.has(cid), allowed: byId.get(cid)?.canRead === true });
  }
  if (direction !== 'pull' && row.push_collection) {
    const c = byId.get(row.push_collection);
    result.checks.push({ collectionId: row.push_collection, purpose: 'push', found: c !== undefined, allowed: c?.canWrite === true });
  }
  const bad = result.checks.filter((c) => !c.allowed);
  result.ok = bad.length === 0;
  if (bad.length) {
    result.error = bad.map((c) => (c.found ? `collection ${c.collectionId} does not let us ${c.purpose === 'pull' ? 'read' : 'write'}` : `the peer has no collection ${c.collectionId} that we can see`)).join('; ');
  }
  return result;
}

/** Pull and/or push now, whatever the schedule and backoff; the outcome is also the peer's new health. */
export async function runPeerFor(ctx: AppContext, actor: Actor, id: string, what: 'pull' | 'push' | 'both' = 'both', options: PeerServiceOptions = {}): Promise<RunOutcome> {
  requireOperator(actor, 'run peer hubs');
  const row = await findOr404(ctx.db, id);
  if (row.enabled !== 1) throw new AppError('PEER_DISABLED', { name: row.name });
  const direction = row.direction as PeerDirection;
  const plan: RunPlan = {
    pull: direction !== 'push' && what !== 'push',
    push: direction !== 'pull' && what !== 'pull',
  };
  if (!plan.pull && !plan.push) throw new AppError('VALIDATION_FAILED', { detail: `the peer is set to ${direction} only` });
  const outcome = await runPeerNow(ctx, id, plan, { resolver: options.resolver ?? systemResolver });
  if (!outcome) throw new AppError('PEER_BUSY', { name: row.name });
  await recordAudit(ctx, ctx.db, actor, {
    action: 'peer.run',
    orgId: null,
    targetType: 'peer',
    targetId: id,
    details: { what, ok: outcome.ok, pulled: outcome.pulls.reduce((n, r) => n + r.added, 0), pushed: outcome.push?.sent ?? 0, ...(outcome.error ? { error: outcome.error.slice(0, 300) } : {}) },
  });
  return outcome;
}

/** By id or exact (case-insensitive) name, for the CLI. */
export async function resolvePeer(ctx: AppContext, ref: string): Promise<string> {
  const row = (/^[0-9a-f-]{36}$/i.test(ref) ? await findPeerById(ctx.db, ref.toLowerCase()) : undefined) ?? (await findPeerByNameKey(ctx.db, nameKey(ref)));
  if (!row) throw notFound(`peer hub "${ref}"`);
  return row.id;
}

// ---------------------------------------------------------------------------------------

async function findOr404(db: Kysely<Database>, id: string): Promise<PeerRow> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findPeerById(db, id) : undefined;
  if (!row) throw notFound('peer hub');
  return row;
}

async function view(ctx: AppContext, row: PeerRow, db: Kysely<Database> = ctx.db): Promise<Peer> {
  return toPeer(ctx, row, await listPullCursors(db, [row.id]));
}

interface Fields {
  name: string;
  url: string;
  direction: PeerDirection;
  authKind: PeerAuthKind;
  username: string | null;
  secret: string | null;
  pullCollections: string[];
  localCollection: LocalCollection;
  pushCollection: string | null;
  intervalSeconds: number;
}

const controlChars = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** The whole configuration, checked together (a direction needs its collections, a credential its secret). */
function checkFields(f: Fields): Fields {
  const bad = (detail: string) => new AppError('VALIDATION_FAILED', { detail });
  const name = f.name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!name) throw bad('name must not be blank');
  if (controlChars.test(name)) throw bad('name must not contain control characters');
  if (name.length > peerNameMaxLength) throw bad(`name must be at most ${peerNameMaxLength} characters`);

  let username: string | null = null;
  let secret: string | null = null;
  if (f.authKind === 'none' && (f.secret || f.username)) throw bad('a user name or secret is used only with bearer or basic authentication (authKind)');
  if (f.authKind !== 'none') {
    secret = f.secret ?? null;
    if (!secret) throw bad(`a ${f.authKind === 'bearer' ? 'token' : 'password'} (secret) is needed for ${f.authKind} authentication`);
    if (secret.length > peerSecretMaxLength) throw bad(`secret must be at most ${peerSecretMaxLength} characters`);
    if (controlChars.test(secret)) throw bad('secret must not contain control characters or line breaks');
    if (f.authKind === 'bearer' && !/^[\x21-\x7e]+$/.test(secret)) throw bad('a bearer token must be printable ASCII without spaces');
  }
  if (f.authKind === 'basic') {
    username = f.username?.trim() ?? '';
    if (!username) throw bad('a user name is needed for basic authentication');
    if (username.length > 200 || username.includes(':') || controlChars.test(username)) throw bad('the user name must be at most 200 characters, without ":" or control characters');
  }

  const pullCollections = [...new Set(f.pullCollections.map((c) => c.trim()))];
  if (pullCollections.length > maxPullCollections) throw bad(`pull from at most ${maxPullCollections} collections`);
  const wrong = pullCollections.find((c) => !isCollectionId(c));
  if (wrong !== undefined) throw bad(`"${clean(wrong).slice(0, 60)}" is not a TAXII collection id`);
  const pushCollection = f.pushCollection?.trim() || null;
  if (pushCollection && !isCollectionId(pushCollection)) throw bad(`"${clean(pushCollection).slice(0, 60)}" is not a TAXII collection id`);
  if (f.direction !== 'push' && pullCollections.length === 0) throw bad('name at least one collection of the peer to pull from (pullCollections)');
  if (f.direction !== 'pull' && !pushCollection) throw bad('name the collection of the peer to push to (pushCollection)');

  if (!Number.isInteger(f.intervalSeconds) || f.intervalSeconds < intervalBounds.min || f.intervalSeconds > intervalBounds.max) {
    throw bad(`intervalSeconds must be a whole number from ${intervalBounds.min} to ${intervalBounds.max}`);
  }
  if (f.url.length > peerUrlMaxLength) throw bad(`url must be at most ${peerUrlMaxLength} characters`);
  return { ...f, name, username, secret, pullCollections, pushCollection };
}

async function checkUrl(ctx: AppContext, raw: string, options: PeerServiceOptions): Promise<string> {
  let parsed: URL | null = null;
  try {
    parsed = new URL(raw.trim());
  } catch {
    // checkOutboundUrl says why
  }
  if (parsed && (parsed.username || parsed.password)) throw new AppError('URL_REFUSED', { url: describeUrl(raw), reason: 'it must not contain a user name or password; give the credential as a token or user name and password instead' });
  const url = await checkOutboundUrl(raw.trim(), ctx.config.outboundAllow, options.resolver ?? systemResolver);
  url.hash = '';
  return url.toString();
}

function auditDetails(row: PeerRow): Record<string, unknown> {
  return {
    name: row.name,
    destination: describeUrl(row.url),
    direction: row.direction,
    authKind: row.auth_kind,
    pullCollections: JSON.parse(row.pull_collections) as string[],
    localCollection: row.local_collection,
    pushCollection: row.push_collection,
    sameCommunity: row.same_community === 1,
    enabled: row.enabled === 1,
  };
}
