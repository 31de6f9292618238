// TypeBox schemas of the watchlist API: what goes in, and exactly what comes out.
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { matchReasons } from './matching.js';

const assetKinds = ['domain', 'ip_range', 'asn', 'email_domain', 'brand', 'lookalike'] as const;

export const WatchMatchSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    observable: Type.Object({ id: Type.Integer(), type: Type.String(), value: Type.String() }),
    source: Type.Object({ kind: Type.String({ description: 'feed | warning | stix' }), id: Type.String(), label: Nullable(Type.String()) }),
    asset: Type.Object({ kind: StringEnum(assetKinds), value: Type.String() }),
    reason: StringEnum(matchReasons, { description: 'why it matched: see docs/WATCHLISTS.md' }),
    explanation: Type.String(),
    tlp: Type.String({ description: "the TLP of the source's share" }),
    eventId: Nullable(Type.Integer({ description: 'the watchlist.match event that alerted' })),
    matchedAt: Timestamp,
    acknowledgedAt: Nullable(Timestamp),
    acknowledgedBy: Nullable(Type.String({ description: 'user id' })),
  },
  { title: 'WatchMatch' },
);

export const WatchMatchQuery = Type.Object(
  {
    acknowledged: Type.Optional(Type.Boolean({ description: 'true: only acknowledged; false: only open; absent: all' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const WatchMatchPageSchema = Type.Object({ items: Type.Array(WatchMatchSchema), nextCursor: Nullable(Type.String()) });

export const WatchlistSchema = Type.Object({
  orgId: Type.String(),
  assets: Type.Object({
    domains: Type.Array(Type.String()),
    ipRanges: Type.Array(Type.String()),
    asns: Type.Array(Type.Integer()),
    emailDomains: Type.Array(Type.String()),
    brands: Type.Array(Type.String()),
    lookalikePatterns: Type.Array(Type.String()),
  }),
  assetCount: Type.Integer(),
  matches: Type.Object({
    total: Type.Integer(),
    unacknowledged: Type.Integer(),
    last7Days: Type.Integer(),
    lastMatchAt: Nullable(Timestamp),
  }),
});
