// Pushing to a peer: every version added to the hub after the peer's push cursor, in order,
// that may leave the hub to this peer — TLP:CLEAR, or TLP:GREEN shared with all members when
// the operator marked the peer as the same community; never AMBER, AMBER+STRICT or RED, and
// never an object that came from this very peer (no loops). The cursor moves past each
// batch the peer accepted; objects the peer refuses are logged, not retried.
import type { Kysely } from 'kysely';
import { mayLeaveHub, mayLeaveTo, type AudienceKind } from '../sharing/policy.js';
import type { Database, PeerRow } from '../store/schema.js';
import { isTlp, markingIdFor, tlp1MarkingIds, tlpFromMarkingRef, tlpLevels, type Tlp } from '../stix/tlp.js';
import { LeaseLostError } from './pull.js';
import { selectAfter, type OutgoingRow } from './peers.repository.js';
import { PeerCallError, type TaxiiClient } from './taxii-client.js';

/** Versions read per query, and at most per run (the rest follows at once in the next run). */
const scanBatch = 500;
const maxScanPerRun = 5_000;
/** Objects and bytes per POST (lower when the peer announces a smaller max_content_length). */
const maxObjectsPerPost = 500;
const maxBytesPerPost = 4 * 1024 * 1024;

export interface PushResult {
  /** versions looked at */
  scanned: number;
  /** objects the peer accepted */
  sent: number;
  /** kept back: TLP may not leave to this peer, or the object came from it */
  withheld: number;
  /** objects the peer refused (in its status, or a body it would not take) */
  refused: number;
  posts: number;
  /** everything added so far has been handled */
  complete: boolean;
}

export interface PushContext {
  db: Kysely<Database>;
  peer: PeerRow;
  client: TaxiiClient;
  apiRoot: string;
  log: { warn(obj: object, msg: string): void };
  keepLease(): Promise<boolean>;
  /** record progress (cursor, and objects sent since the last call) while the lease holds */
  advance(cursor: number, sent: number): Promise<boolean>;
}

/** The TLP levels that may leave to this peer; everything else stays home. */
export function levelsLeavingTo(sameCommunity: boolean): Tlp[] {
  return tlpLevels.filter((t) => mayLeaveHub(t, sameCommunity));
}

/**
 * May this stored version go to the peer? The share's TLP and audience decide; as a second
 * guard, an object that mentions a marking of a level that may not leave (for example an
 * AMBER granular marking inside a CLEAR object) stays home too.
 */
export function mayPush(row: Pick<OutgoingRow, 'tlp' | 'audience_kind' | 'origin_peer_id' | 'data'>, peer: Pick<PeerRow, 'id' | 'same_community'>): boolean {
  if (row.origin_peer_id === peer.id) return false;
  const tlp = isTlp(row.tlp) ? row.tlp : null;
  // The one rule of what may leave to a peer (also what a peer's own token may read here).
  if (!tlp || !mayLeaveTo({ id: peer.id, sameCommunity: peer.same_community === 1 }, { tlp, audienceKind: row.audience_kind as AudienceKind })) return false;
  const text = row.data.toLowerCase();
  return !forbiddenMarkings(peer.same_community === 1).some((id) => text.includes(id));
}

function forbiddenMarkings(sameCommunity: boolean): string[] {
  const ids: string[] = [];
  for (const t of tlpLevels) if (!mayLeaveHub(t, sameCommunity)) ids.push(markingIdFor(t));
  ids.push(tlp1MarkingIds.amber, tlp1MarkingIds.red);
  if (!sameCommunity) ids.push(tlp1MarkingIds.green);
  return ids;
}

/** Every hub has the TLP marking definitions: not worth sending. */
function isWellKnown(row: OutgoingRow): boolean {
  return row.type === 'marking-definition' && tlpFromMarkingRef(row.id) !== null;
}

export async function pushPending(p: PushContext): Promise<PushResult> {
  const { peer } = p;
  const collection = peer.push_collection;
  if (!collection) throw new PeerCallError('no collection on the peer to push to is configured');
  const result: PushResult = { scanned: 0, sent: 0, withheld: 0, refused: 0, posts: 0, complete: false };
  const byteLimit = Math.min(maxBytesPerPost, peer.max_content_length ?? maxBytesPerPost);
  let cursor = peer.push_cursor;
  let reported = 0;
  const advance = async (to: number) => {
    if (!(await p.advance(to, result.sent - reported))) throw new LeaseLostError();
    reported = result.sent;
  };

  while (result.scanned < maxScanPerRun) {
    const rows = await selectAfter(p.db, cursor, scanBatch);
    if (rows.length === 0) {
      result.complete = true;
      break;
    }
    result.scanned += rows.length;
    let batch: string[] = [];
    let bytes = 0;
    for (const [i, row] of rows.entries()) {
      if (isWellKnown(row) || !mayPush(row, peer)) result.withheld += 1;
      else {
        const size = Buffer.byteLength(row.data) + 1;
        if (batch.length && (batch.length >= maxObjectsPerPost || bytes + size + 16 > byteLimit)) {
          // Send what came before this row; the cursor stops just before it.
          await send(p, collection, batch, result);
          cursor = rows[i - 1]!.date_added;
          await advance(cursor);
          batch = [];
          bytes = 0;
        }
        batch.push(row.data);
        bytes += size;
      }
    }
    if (batch.length) await send(p, collection, batch, result);
    cursor = rows[rows.length - 1]!.date_added;
    await advance(cursor);
    if (rows.length < scanBatch) {
      result.complete = true;
      break;
    }
    if (!(await p.keepLease())) throw new LeaseLostError();
  }
  return result;
}

/**
 * POST a batch. A body the peer will not take as a whole (400, 413, 422) is split in halves
 * until the one object it refuses is found and skipped; any other failure stops the run, so
 * the batch is tried again after the backoff.
 */
async function send(p: PushContext, collection: string, objects: string[], result: PushResult): Promise<void> {
  try {
    result.posts += 1;
    const status = await p.client.push(p.apiRoot, collection, objects);
    const refused = status.failureCount ?? status.failures.length;
    result.refused += refused;
    result.sent += status.successCount ?? objects.length - refused;
    if (refused) p.log.warn({ peerId: p.peer.id, refused, examples: status.failures.slice(0, 3) }, 'peer hub refused some pushed objects');
  } catch (err) {
    if (!(err instanceof PeerCallError) || (err.status !== 400 && err.status !== 413 && err.status !== 422)) throw err;
    if (objects.length === 1) {
      result.refused += 1;
      p.log.warn({ peerId: p.peer.id, err: err.message }, 'peer hub refused a pushed object; skipping it');
      return;
    }
    const half = Math.ceil(objects.length / 2);
    await send(p, collection, objects.slice(0, half), result);
    await send(p, collection, objects.slice(half), result);
  }
}
