// Pulling from a peer: page through each configured remote collection from the saved
// cursor and hand every page to the TAXII ingest as objects from that hub (only CLEAR and
// GREEN are accepted; each object keeps the peer as its origin). The cursor is saved only
// after the page is committed, so a crash re-reads at most one page, which dedupes.
import type { AppContext } from '../context.js';
import { systemActor } from '../orgs/actor.js';
import type { PeerRow } from '../store/schema.js';
import { collectionsFor, type Collection } from '../taxii/collections.js';
import { ingestObjects, peerOriginLabel } from '../taxii/ingest.service.js';
import { listPullCursors, savePullCursor } from './peers.repository.js';
import { PeerCallError, type TaxiiClient } from './taxii-client.js';

/** Pages read from one collection in one run; the rest follows at once in the next run. */
export const maxPagesPerRun = 20;

export interface PullResult {
  collectionId: string;
  pages: number;
  received: number;
  added: number;
  alreadyHad: number;
  refused: number;
  /** the listing reached its end (false: stopped at the page budget, continues soon) */
  complete: boolean;
}

export interface PullContext {
  ctx: AppContext;
  peer: PeerRow;
  client: TaxiiClient;
  apiRoot: string;
  /** renews the lease between pages; false when another process has taken the peer */
  keepLease(): Promise<boolean>;
}

export class LeaseLostError extends Error {
  constructor() {
    super('the lease on the peer ran out and another process took it over');
    this.name = 'LeaseLostError';
  }
}

/** The hub's own public or members collection, where a peer's objects land. */
export async function localCollection(ctx: AppContext, kind: string): Promise<Collection> {
  const found = (await collectionsFor(ctx.db, systemActor())).find((c) => c.kind === kind);
  if (!found) throw new Error(`no local collection of kind ${kind}`);
  return found;
}

export function peerLabel(peer: Pick<PeerRow, 'name'>): string {
  return peerOriginLabel(peer.name);
}

export async function pullAll(p: PullContext): Promise<PullResult[]> {
  const ids = JSON.parse(p.peer.pull_collections) as string[];
  const cursors = new Map((await listPullCursors(p.ctx.db, [p.peer.id])).map((c) => [c.collection_id, c]));
  const target = await localCollection(p.ctx, p.peer.local_collection);
  const results: PullResult[] = [];
  for (const id of ids) {
    const c = cursors.get(id);
    results.push(await pullCollection(p, target, id, { addedAfter: c?.added_after ?? null, next: c?.next ?? null, lastSeen: c?.last_seen ?? null }));
  }
  return results;
}

interface Cursor {
  addedAfter: string | null;
  next: string | null;
  /** the last X-TAXII-Date-Added-Last of the listing in progress */
  lastSeen: string | null;
}

async function pullCollection(p: PullContext, target: Collection, collectionId: string, start: Cursor): Promise<PullResult> {
  const { ctx, peer } = p;
  const result: PullResult = { collectionId, pages: 0, received: 0, added: 0, alreadyHad: 0, refused: 0, complete: false };
  let cursor = start;
  let retriedWithoutNext = false;
  while (result.pages < maxPagesPerRun) {
    let page;
    try {
      page = await p.client.objects(p.apiRoot, collectionId, { addedAfter: cursor.addedAfter, next: cursor.next });
    } catch (err) {
      // A `next` the peer no longer honours (expired, or the peer was upgraded): start the
      // listing again from the last position we know, once.
      if (err instanceof PeerCallError && err.status === 400 && cursor.next && !retriedWithoutNext) {
        ctx.log.warn({ peerId: peer.id, collectionId, err: err.message }, 'peer refused our saved `next`; continuing from added_after');
        retriedWithoutNext = true;
        cursor = { addedAfter: cursor.lastSeen ?? cursor.addedAfter, next: null, lastSeen: null };
        continue;
      }
      throw err;
    }
    result.pages += 1;
    result.received += page.objects.length;
    if (page.objects.length) {
      const status = await ingestObjects(ctx, systemActor(), { objects: page.objects, collection: target, origin: { peerId: peer.id, label: peerLabel(peer) }, keepStatus: false });
      for (const s of status.successes ?? []) {
        if (!s.message) result.added += 1;
        else result.alreadyHad += 1;
      }
      result.refused += status.failure_count;
      if (status.failure_count) {
        ctx.log.warn({ peerId: peer.id, collectionId, refused: status.failure_count, examples: (status.failures ?? []).slice(0, 3) }, 'objects from a peer hub refused');
      }
    }

    const lastSeen = page.dateAddedLast ?? cursor.lastSeen;
    let next: Cursor;
    if (page.more) {
      if (page.next) next = { addedAfter: cursor.addedAfter, next: page.next, lastSeen };
      else if (page.dateAddedLast) next = { addedAfter: page.dateAddedLast, next: null, lastSeen: null };
      else throw new PeerCallError(`collection ${collectionId}: the peer says there is more but gives neither "next" nor X-TAXII-Date-Added-Last, so the listing cannot continue`);
      if (next.addedAfter === cursor.addedAfter && next.next === cursor.next) throw new PeerCallError(`collection ${collectionId}: the peer answered the same page twice; stopping so as not to loop`);
    } else {
      // The listing is complete: the next run asks only for what was added after its end.
      next = { addedAfter: lastSeen ?? cursor.addedAfter, next: null, lastSeen: null };
    }
    // Another process that took the peer over re-reads this page; it dedupes.
    if (!(await p.keepLease())) throw new LeaseLostError();
    await savePullCursor(ctx.db, { peerId: peer.id, collectionId, ...next, received: page.objects.length, at: ctx.now().toISOString() });
    cursor = next;
    if (!page.more) {
      result.complete = true;
      break;
    }
  }
  return result;
}
