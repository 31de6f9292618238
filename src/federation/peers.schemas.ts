// TypeBox schemas of the peer-hubs API: what goes in, and exactly what comes out (never the
// peer's token or password: only a hint of its last characters).
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { tlpLevels } from '../stix/tlp.js';
import { healthStatuses } from './peers.view.js';
import { intervalBounds, localCollections, maxPullCollections, peerAuthKinds, peerDirections, peerNameMaxLength, peerSecretMaxLength, peerUrlMaxLength } from './peers.service.js';

const CollectionId = Type.String({ minLength: 1, maxLength: 200, description: 'a TAXII collection id on the peer' });
const Direction = StringEnum(peerDirections, { description: 'pull: fetch from the peer; push: send to it as objects are added here; both' });
const AuthKind = StringEnum(peerAuthKinds, { description: 'bearer: Authorization: Bearer <secret>; basic: HTTP Basic with username and secret; none' });
const Local = StringEnum(localCollections, { description: 'where pulled objects land here: public (TLP:CLEAR only) or members (CLEAR and GREEN)' });

const writable = {
  name: Type.String({ minLength: 1, maxLength: peerNameMaxLength }),
  url: Type.String({ minLength: 1, maxLength: peerUrlMaxLength, description: "the peer's TAXII 2.1 discovery URL (…/taxii2/) or API root; internal addresses are refused unless the operator allows them" }),
  direction: Direction,
  authKind: AuthKind,
  username: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'for basic authentication' }))),
  secret: Type.Optional(Nullable(Type.String({ maxLength: peerSecretMaxLength, description: 'the token (bearer) or password (basic) for the peer. Stored to be sent; never shown again.' }))),
  pullCollections: Type.Optional(Type.Array(CollectionId, { maxItems: maxPullCollections, description: "the peer's collections to pull from" })),
  localCollection: Type.Optional(Local),
  pushCollection: Type.Optional(Nullable(CollectionId)),
  intervalSeconds: Type.Optional(Type.Integer({ minimum: intervalBounds.min, maximum: intervalBounds.max, description: `seconds between pulls (default ${intervalBounds.default})` })),
  sameCommunity: Type.Optional(Type.Boolean({ description: 'the peer is part of the same community: TLP:GREEN shared with all members may go to it. CLEAR always may; AMBER and RED never.' })),
  enabled: Type.Optional(Type.Boolean()),
  inboundTokenId: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 100,
        description: "the API token (its id, tk…, as listed under tokens) the peer hub uses to pull from or post to this hub: reads with it are limited to what may leave to the peer (the push rule), and what it posts is recorded as the peer's. null: none",
      }),
    ),
  ),
};

export const PeerCreateSchema = Type.Object(writable, { additionalProperties: false });

export const PeerPatchSchema = Type.Object(
  {
    name: Type.Optional(writable.name),
    url: Type.Optional(writable.url),
    direction: Type.Optional(Direction),
    authKind: Type.Optional(AuthKind),
    username: writable.username,
    secret: writable.secret,
    pullCollections: writable.pullCollections,
    localCollection: writable.localCollection,
    pushCollection: writable.pushCollection,
    intervalSeconds: writable.intervalSeconds,
    sameCommunity: writable.sameCommunity,
    enabled: writable.enabled,
    inboundTokenId: writable.inboundTokenId,
  },
  { additionalProperties: false, minProperties: 1 },
);

const HealthSchema = Type.Object({
  status: StringEnum(healthStatuses),
  consecutiveFailures: Type.Integer(),
  lastSuccessAt: Nullable(Timestamp),
  lastPullAt: Nullable(Timestamp),
  lastPushAt: Nullable(Timestamp),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Timestamp),
  nextAttemptAt: Nullable(Timestamp),
  nextPullAt: Nullable(Timestamp),
  running: Type.Boolean(),
});

export const PeerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    url: Type.String(),
    apiRoot: Nullable(Type.String()),
    direction: Direction,
    authKind: AuthKind,
    username: Nullable(Type.String()),
    secretHint: Nullable(Type.String({ description: 'the end of the stored token or password' })),
    pullCollections: Type.Array(Type.String()),
    localCollection: Local,
    pushCollection: Nullable(Type.String()),
    intervalSeconds: Type.Integer(),
    sameCommunity: Type.Boolean(),
    inboundTokenId: Nullable(Type.String({ description: "the peer hub's own token here, when it has one" })),
    enabled: Type.Boolean(),
    egress: Type.Array(StringEnum(tlpLevels), { description: 'the TLP levels that may leave to this peer' }),
    pullCursors: Type.Array(
      Type.Object({
        collectionId: Type.String(),
        addedAfter: Nullable(Type.String()),
        inProgress: Type.Boolean(),
        objectsReceived: Type.Integer(),
        updatedAt: Timestamp,
      }),
    ),
    pushedUpTo: Nullable(Type.String()),
    objectsPushed: Type.Integer(),
    health: HealthSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Peer' },
);

export const PeerTestResultSchema = Type.Object(
  {
    ok: Type.Boolean(),
    error: Nullable(Type.String()),
    apiRoot: Nullable(Type.String()),
    title: Nullable(Type.String()),
    maxContentLength: Nullable(Type.Integer()),
    collections: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), canRead: Type.Boolean(), canWrite: Type.Boolean() })),
    checks: Type.Array(Type.Object({ collectionId: Type.String(), purpose: StringEnum(['pull', 'push'] as const), found: Type.Boolean(), allowed: Type.Boolean() })),
  },
  { title: 'PeerTestResult' },
);

export const PeerRunQuerySchema = Type.Object(
  { what: Type.Optional(StringEnum(['pull', 'push', 'both'] as const, { default: 'both' })) },
  { additionalProperties: false },
);

const PullResultSchema = Type.Object({
  collectionId: Type.String(),
  pages: Type.Integer(),
  received: Type.Integer(),
  added: Type.Integer(),
  alreadyHad: Type.Integer(),
  refused: Type.Integer(),
  complete: Type.Boolean(),
});

const PushResultSchema = Type.Object({
  scanned: Type.Integer(),
  sent: Type.Integer(),
  withheld: Type.Integer(),
  refused: Type.Integer(),
  posts: Type.Integer(),
  complete: Type.Boolean(),
});

export const PeerRunResultSchema = Type.Object(
  {
    ok: Type.Boolean(),
    error: Nullable(Type.String()),
    pulls: Type.Array(PullResultSchema),
    push: Nullable(PushResultSchema),
    durationMs: Type.Integer(),
    peer: PeerSchema,
  },
  { title: 'PeerRunResult' },
);
