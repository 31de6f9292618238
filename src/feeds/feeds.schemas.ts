// TypeBox schemas of the feeds API: what goes in, and exactly what comes out (never a TAXII
// password or token: only a hint of its last characters).
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { indicatorTypes } from '../stix/observables.js';
import { tlpLevels } from '../stix/tlp.js';
import { feedAudiences, feedKinds, listTypes, taxiiAuthKinds, vanishActions } from './feed-options.js';
import { expiryBounds, feedNameMaxLength, feedUrlMaxLength, intervalBounds, runHistoryLimit } from './feeds.service.js';
import { healthStatuses, runStatuses, runTriggers } from './feeds.view.js';

const Column = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Integer({ minimum: 0, maximum: 10_000 })], { description: 'a header name, or a 0-based position' });

const ColumnsSchema = Type.Object(
  {
    value: Column,
    type: Type.Optional(StringEnum(listTypes)),
    typeColumn: Type.Optional(Column),
    comment: Type.Optional(Type.Union([Column, Type.Array(Column, { maxItems: 20 })])),
    firstSeen: Type.Optional(Column),
    lastSeen: Type.Optional(Column),
    confidence: Type.Optional(Column),
    tlp: Type.Optional(Column),
    tags: Type.Optional(Column),
  },
  { additionalProperties: false, description: 'CSV: which column holds what' },
);

const optionFields = {
  type: Type.Optional(StringEnum(listTypes, { description: 'list, csv: every value must be of this type ("ip": IPv4, IPv6 and ranges); default: detected per value' })),
  columns: Type.Optional(ColumnsSchema),
  delimiter: Type.Optional(StringEnum(['auto', ',', ';', '\t', '|'] as const)),
  header: Type.Optional(StringEnum(['auto', 'first', 'none'] as const)),
  defangedOnly: Type.Optional(Type.Boolean({ description: 'text: keep network indicators only when written defanged' })),
  onlyToIds: Type.Optional(Type.Boolean({ description: 'misp: only attributes marked for detection (to_ids)' })),
  fullEveryHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 2160, description: 'misp: hours between full re-reads of every event (default 24)' })),
  observables: Type.Optional(Type.Boolean({ description: 'stix, taxii: also cyber observables, not only indicators (default true)' })),
  collectionId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'taxii: the collection to read' })),
  authKind: Type.Optional(StringEnum(taxiiAuthKinds, { description: 'taxii: none, bearer (token in secret), basic (username + secret)' })),
  username: Type.Optional(Type.String({ maxLength: 200 })),
};

const OptionsInSchema = Type.Object(
  { ...optionFields, secret: Type.Optional(Type.String({ maxLength: 4096, description: 'taxii: the token or password. Stored to be sent; never shown again.' })) },
  { additionalProperties: false },
);
const OptionsOutSchema = Type.Object({ ...optionFields, secretHint: Type.Optional(Type.String({ description: 'the end of the stored TAXII token or password' })) });

const FilterSchema = Type.Object(
  {
    types: Type.Optional(Type.Array(StringEnum(indicatorTypes), { maxItems: indicatorTypes.length, description: 'keep only these types' })),
    minConfidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'keep only values at least this confident' })),
  },
  { additionalProperties: false },
);

const writable = {
  name: Type.String({ minLength: 1, maxLength: feedNameMaxLength }),
  kind: StringEnum(feedKinds),
  url: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: feedUrlMaxLength, description: 'http(s) URL; for misp the folder holding manifest.json; for taxii the discovery or API root URL. Internal addresses are refused unless the operator allows them.' }))),
  file: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 1000, description: 'operators only: a file (a folder for misp) inside TOCSIN_FEED_FILE_ROOT' }))),
  orgId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: "the organisation whose feed it is (operators); an org admin's feed is always their organisation's" }))),
  audience: Type.Optional(StringEnum(feedAudiences, { description: "members: every member may see the values; orgs: only the feed's organisation" })),
  options: Type.Optional(OptionsInSchema),
  filter: Type.Optional(FilterSchema),
  tlp: Type.Optional(StringEnum(tlpLevels, { description: 'the least restrictive TLP its values get (default green); a value marked more restrictive keeps its own' })),
  confidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'for values the source gives none (default 50)' })),
  expiryDays: Type.Optional(Nullable(Type.Integer({ minimum: expiryBounds.min, maximum: expiryBounds.max, description: 'validity after the source last listed a value; null: the per-type defaults' }))),
  onVanish: Type.Optional(StringEnum(vanishActions, { description: 'values the source no longer lists: expire (default), withdraw, or keep until their validity runs out' })),
  intervalMinutes: Type.Optional(Type.Integer({ minimum: intervalBounds.min, maximum: intervalBounds.max, description: `minutes between runs (default ${intervalBounds.default})` })),
  enabled: Type.Optional(Type.Boolean()),
};

export const FeedCreateSchema = Type.Object(writable, { additionalProperties: false });

export const FeedPatchSchema = Type.Object(
  {
    ...writable,
    name: Type.Optional(writable.name),
    kind: Type.Optional(writable.kind),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const FeedSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: StringEnum(feedKinds),
    url: Nullable(Type.String({ description: 'the full URL for those who manage the feed; scheme and host for everyone else' })),
    file: Nullable(Type.String()),
    orgId: Nullable(Type.String()),
    audience: StringEnum(feedAudiences),
    options: OptionsOutSchema,
    filter: FilterSchema,
    tlp: StringEnum(tlpLevels),
    confidence: Type.Integer(),
    expiryDays: Nullable(Type.Integer()),
    onVanish: StringEnum(vanishActions),
    intervalMinutes: Type.Integer(),
    enabled: Type.Boolean(),
    manageable: Type.Boolean({ description: 'the caller may change, run and remove it' }),
    health: Type.Object({
      status: StringEnum(healthStatuses),
      lastRunAt: Nullable(Timestamp),
      lastSuccessAt: Nullable(Timestamp),
      lastStatus: Nullable(StringEnum(runStatuses)),
      lastError: Nullable(Type.String()),
      consecutiveFailures: Type.Integer(),
      nextRunAt: Nullable(Timestamp),
      running: Type.Boolean(),
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Feed' },
);

const SampleSchema = Type.Object({
  kind: Type.String(),
  reason: Type.String(),
  line: Type.Optional(Type.Integer()),
  ref: Type.Optional(Type.String()),
  text: Type.String(),
});

export const FeedRunSchema = Type.Object(
  {
    id: Type.String(),
    feedId: Type.String(),
    trigger: StringEnum(runTriggers),
    status: StringEnum(runStatuses),
    startedAt: Timestamp,
    finishedAt: Nullable(Timestamp),
    durationMs: Nullable(Type.Integer()),
    bytesRead: Type.Integer({ description: 'bytes read so far (as downloaded, before decompression)' }),
    totalBytes: Nullable(Type.Integer({ description: 'the size announced by the source, when known: for a progress bar' })),
    counts: Type.Object({
      records: Type.Integer(),
      new: Type.Integer(),
      updated: Type.Integer(),
      unchanged: Type.Integer(),
      rejected: Type.Integer(),
      skipped: Type.Integer(),
      filtered: Type.Integer(),
      expired: Type.Integer({ description: 'values retired because they vanished from the source, or because it has been silent past their validity' }),
    }),
    error: Nullable(Type.String()),
    samples: Type.Array(SampleSchema, { description: 'rejected lines and items (at most 25), escaped and cut to 200 characters' }),
    warnings: Type.Array(Type.String()),
    rejectedByKind: Type.Record(Type.String(), Type.Integer()),
    skippedByKind: Type.Record(Type.String(), Type.Integer()),
  },
  { title: 'FeedRun' },
);

export const RunIdParams = Type.Object({ runId: Type.String({ format: 'uuid' }) });

export const FeedRunQuerySchema = Type.Object({ force: Type.Optional(Type.Boolean({ description: 'read everything again, ignoring ETag/Last-Modified and cursors' })) }, { additionalProperties: false });

export const FeedRunsQuerySchema = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: runHistoryLimit.max, default: runHistoryLimit.default })) }, { additionalProperties: false });

export const RunStartedSchema = Type.Object({ runId: Type.String(), feedId: Type.String(), status: Type.Literal('running') }, { title: 'FeedRunStarted' });
