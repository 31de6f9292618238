// What the API says about a peer hub: its settings without the secret (only a hint of it),
// what may leave to it, where pulls and pushes have got, and its health.
import type { AppContext } from '../context.js';
import type { PeerPullCursorRow, PeerRow } from '../store/schema.js';
import { formatMicros } from '../stix/time.js';
import type { Tlp } from '../stix/tlp.js';
import type { LocalCollection, PeerAuthKind, PeerDirection } from './peers.service.js';
import { levelsLeavingTo } from './push.js';

export const healthStatuses = ['healthy', 'failing', 'unhealthy', 'unknown', 'disabled'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

export interface PeerHealth {
  /** healthy: the last run worked; failing: it failed, retrying; unhealthy: failed TOCSIN_FEDERATION_UNHEALTHY_AFTER times in a row */
  status: HealthStatus;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastPullAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** no attempt before this (backoff after failures) */
  nextAttemptAt: string | null;
  nextPullAt: string | null;
  /** a run holds the peer right now */
  running: boolean;
}

export interface PullCursor {
  collectionId: string;
  /** added_after sent on the next pull */
  addedAfter: string | null;
  /** a listing is in progress (paging with `next`) */
  inProgress: boolean;
  objectsReceived: number;
  updatedAt: string;
}

export interface Peer {
  id: string;
  name: string;
  url: string;
  apiRoot: string | null;
  direction: PeerDirection;
  authKind: PeerAuthKind;
  username: string | null;
  /** the end of the token or password, to tell which one is stored */
  secretHint: string | null;
  pullCollections: string[];
  localCollection: LocalCollection;
  pushCollection: string | null;
  intervalSeconds: number;
  sameCommunity: boolean;
  enabled: boolean;
  /** the API token the peer hub calls this hub with (reads limited to its egress) */
  inboundTokenId: string | null;
  /** the TLP levels that may leave to this peer */
  egress: Tlp[];
  pullCursors: PullCursor[];
  /** date_added of the last local object a push handled */
  pushedUpTo: string | null;
  objectsPushed: number;
  health: PeerHealth;
  createdAt: string;
  updatedAt: string;
}

export function secretHint(secret: string | null): string | null {
  if (!secret) return null;
  // Short secrets show nothing: four characters of an eight-character password are half of it.
  return secret.length >= 16 ? `…${secret.slice(-4)}` : '…';
}

export function healthOf(ctx: AppContext, row: PeerRow): PeerHealth {
  const now = ctx.now().toISOString();
  let status: HealthStatus;
  if (row.enabled !== 1) status = 'disabled';
  else if (row.consecutive_failures >= ctx.config.federationUnhealthyAfter) status = 'unhealthy';
  else if (row.consecutive_failures > 0) status = 'failing';
  else if (row.last_success_at) status = 'healthy';
  else status = 'unknown';
  const pulls = row.direction !== 'push';
  return {
    status,
    consecutiveFailures: row.consecutive_failures,
    lastSuccessAt: row.last_success_at,
    lastPullAt: row.last_pull_at,
    lastPushAt: row.last_push_at,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    nextAttemptAt: row.next_attempt_at && row.next_attempt_at > now ? row.next_attempt_at : null,
    nextPullAt: pulls && row.enabled === 1 ? row.next_pull_at : null,
    running: row.locked_until !== null && row.locked_until > now,
  };
}

export function toPeer(ctx: AppContext, row: PeerRow, cursors: readonly PeerPullCursorRow[]): Peer {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    apiRoot: row.api_root,
    direction: row.direction as PeerDirection,
    authKind: row.auth_kind as PeerAuthKind,
    username: row.auth_username,
    secretHint: secretHint(row.auth_secret),
    pullCollections: JSON.parse(row.pull_collections) as string[],
    localCollection: row.local_collection as LocalCollection,
    pushCollection: row.push_collection,
    intervalSeconds: row.interval_seconds,
    sameCommunity: row.same_community === 1,
    enabled: row.enabled === 1,
    inboundTokenId: row.inbound_token_id,
    egress: row.direction === 'pull' ? [] : levelsLeavingTo(row.same_community === 1),
    pullCursors: cursors.map((c) => ({ collectionId: c.collection_id, addedAfter: c.added_after, inProgress: c.next !== null, objectsReceived: c.objects_received, updatedAt: c.updated_at })),
    pushedUpTo: row.direction === 'pull' || row.push_cursor <= 0 ? null : formatMicros(row.push_cursor),
    objectsPushed: row.objects_pushed,
    health: healthOf(ctx, row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
