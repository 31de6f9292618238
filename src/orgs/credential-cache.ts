// A short-lived cache of what an API token resolves to (token, user, organisation), so a
// security tool polling the hub costs no authentication queries. Any change to credentials
// (revocation, disabling a user, a role change) publishes an "auth" message on the bus,
// which empties the cache in every process; the time limit covers a lost message.
import type { AppContext } from '../context.js';
import type { ApiTokenRow, UserRow } from '../store/schema.js';

export interface CachedCredential {
  token: ApiTokenRow;
  user: UserRow;
  orgObserver: boolean;
  /** the peer hub the token speaks for (peers.inbound_token_id), or null */
  peer: { id: string; name: string; sameCommunity: boolean } | null;
  at: number;
}

const ttlMs = 5_000;
const maxEntries = 10_000;
const caches = new WeakMap<object, Map<string, CachedCredential>>();

function cacheOf(ctx: AppContext): Map<string, CachedCredential> {
  let cache = caches.get(ctx.db);
  if (!cache) {
    const created = new Map<string, CachedCredential>();
    caches.set(ctx.db, created);
    ctx.bus.subscribe((m) => {
      if (m.kind === 'auth' || m.kind === 'wake') created.clear();
    });
    cache = created;
  }
  return cache;
}

export function cachedCredential(ctx: AppContext, tokenId: string): CachedCredential | undefined {
  const hit = cacheOf(ctx).get(tokenId);
  if (hit && Date.now() - hit.at < ttlMs) return hit;
  return undefined;
}

export function rememberCredential(ctx: AppContext, entry: Omit<CachedCredential, 'at'>): void {
  const cache = cacheOf(ctx);
  if (cache.size >= maxEntries) cache.clear();
  cache.set(entry.token.id, { ...entry, at: Date.now() });
}

/** Credentials changed: forget every cached token here and, through the bus, in every process. */
export async function credentialsChanged(ctx: AppContext): Promise<void> {
  cacheOf(ctx).clear();
  await ctx.bus.publish({ kind: 'auth' });
}
