// TypeBox schemas of the intel API (lookup, search, pivot, sightings, trends, warning lists):
// what goes in, and exactly what comes out.
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { indicatorTypes } from '../stix/observables.js';
import { tlpLevels } from '../stix/tlp.js';
import { warningListEntryTypes } from './intel-lists.service.js';
import { trendCharts } from './trends.service.js';

const Tlp = Nullable(StringEnum(tlpLevels, { description: 'the strictest TLP among the mentions you may see' }));
const SourceRef = Type.Object({ kind: Type.String({ description: 'feed | warning | stix' }), id: Type.String(), label: Nullable(Type.String()) });
const SightingCounts = Type.Object({ total: Type.Integer(), last7Days: Type.Integer() });

const assessed = {
  tlp: Tlp,
  confidence: Nullable(Type.Integer({ description: 'best confidence among visible mentions, lowered by false-positive reports' })),
  firstSeen: Nullable(Timestamp),
  lastSeen: Nullable(Timestamp),
  inForce: Type.Boolean({ description: 'at least one visible mention is active and not past its valid_until' }),
  sources: Type.Array(SourceRef, { description: 'visible sources, most recent first (at most 25)' }),
  sourceCount: Type.Integer(),
  onWarningList: Type.Boolean(),
  warningList: Nullable(Type.String()),
  suppressed: Type.Boolean({ description: 'enough organisations reported it a false positive: never alerts nor exports' }),
  ubiquitous: Type.Boolean({ description: 'mentioned by more objects than the correlation limit' }),
  falsePositives: Type.Integer({ description: 'distinct organisations that reported it a false positive' }),
  sightings: SightingCounts,
};

export const LookupBody = Type.Object(
  {
    // Items are checked by the service (strings only, 1 to 10,000), so the answer is a
    // stable LOOKUP_* code rather than a schema message — and 1 is never coerced to "1".
    values: Type.Array(Type.Unknown(), { description: 'up to 10,000 values (strings): IPs, ranges, domains, URLs, emails, hashes, CVEs' }),
  },
  { additionalProperties: false },
);

export const LookupItemSchema = Type.Object(
  {
    input: Type.String(),
    error: Type.Optional(Type.Literal('unrecognised')),
    reason: Type.Optional(Type.String()),
    type: Type.Optional(StringEnum(indicatorTypes)),
    value: Type.Optional(Type.String({ description: 'canonical form' })),
    note: Type.Optional(Type.String()),
    found: Type.Optional(Type.Boolean()),
    observableId: Type.Optional(Nullable(Type.Integer())),
    ...Object.fromEntries(Object.entries(assessed).map(([k, v]) => [k, Type.Optional(v)])),
    ranges: Type.Optional(Type.Array(Type.Object({ id: Type.Integer(), value: Type.String() }), { description: 'stored ranges containing this address' })),
  },
  { title: 'LookupResult' },
);

export const LookupAnswerSchema = Type.Object({
  results: Type.Array(LookupItemSchema, { description: 'one per input value, in order' }),
  counts: Type.Object({ values: Type.Integer(), recognised: Type.Integer(), found: Type.Integer() }),
});

export const LookupQuery = Type.Object({ value: Type.String({ minLength: 1, maxLength: 8192 }) }, { additionalProperties: false });

export const ObservableSummarySchema = Type.Object({ id: Type.Integer(), type: Type.String(), value: Type.String(), ...assessed }, { title: 'ObservableSummary' });

const WarningHitSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  severity: Type.String(),
  status: Type.String(),
  createdAt: Timestamp,
  tlp: Type.String(),
});

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 2048, description: 'an IP, range, domain, URL, email, hash, CVE, or free text' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const SearchAnswerSchema = Type.Object({
  query: Type.String(),
  detected: Type.Object({ type: Type.String({ description: 'an indicator type, or text' }), value: Nullable(Type.String()), note: Type.Optional(Type.String()) }),
  observables: Type.Array(Type.Object({ ...ObservableSummarySchema.properties, relation: StringEnum(['exact', 'contains', 'inside', 'under'] as const) })),
  warnings: Type.Array(WarningHitSchema),
  truncated: Type.Object({ observables: Type.Boolean(), warnings: Type.Boolean() }),
});

export const ObservableParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const PivotSourceSchema = Type.Object({
  kind: Type.String(),
  id: Type.String(),
  label: Nullable(Type.String()),
  tlp: Type.String(),
  confidence: Nullable(Type.Integer()),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  validUntil: Nullable(Timestamp),
  status: Type.String(),
  inForce: Type.Boolean(),
});
const CountBy = Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }));

export const PivotSchema = Type.Object(
  {
    observable: Type.Object({ ...ObservableSummarySchema.properties, suppressedAt: Nullable(Timestamp) }),
    summary: Type.String({ description: 'e.g. "reported by 3 members, in 2 feeds, sighted 41 times this week"' }),
    sources: Type.Object({ feeds: Type.Array(PivotSourceSchema), warnings: Type.Array(PivotSourceSchema), stix: Type.Array(PivotSourceSchema) }),
    sightings: Type.Object({
      total: Type.Integer(),
      last7Days: Type.Integer(),
      last30Days: Type.Integer(),
      yours: Type.Integer(),
      anonymous: Type.Integer(),
      falsePositiveOrgs: Type.Integer(),
      byOrgKind: CountBy,
      byRegion: CountBy,
      byDay: CountBy,
    }),
    related: Type.Object({ ubiquitous: Type.Boolean(), items: Type.Array(Type.Object({ id: Type.Integer(), type: Type.String(), value: Type.String(), sharedSources: Type.Integer() })) }),
    containingRanges: Type.Array(Type.Object({ id: Type.Integer(), value: Type.String() })),
  },
  { title: 'ObservablePivot' },
);

const sightingFields = {
  seenAt: Type.Optional(Type.String({ format: 'date-time', description: 'defaults to now' })),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  falsePositive: Type.Optional(Type.Boolean({ description: 'this value is harmless: lowers its confidence, and suppresses it past the threshold' })),
  anonymous: Type.Optional(Type.Boolean({ description: 'count it without naming your organisation to others' })),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
};

export const SightingBatchBody = Type.Object(
  {
    sightings: Type.Array(
      Type.Object({ value: Type.String({ minLength: 1, maxLength: 8192 }), type: Type.Optional(StringEnum(indicatorTypes)), ...sightingFields }, { additionalProperties: false }),
      { description: 'up to 1000' },
    ),
  },
  { additionalProperties: false },
);

export const SightingOneBody = Type.Object(sightingFields, { additionalProperties: false });

export const SightingReportSchema = Type.Object({
  recorded: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(Type.Object({ index: Type.Integer(), type: Type.Optional(Type.String()), value: Type.Optional(Type.String()), observableId: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()) })),
  suppressed: Type.Array(Type.Integer(), { description: 'observables this report suppressed' }),
});

export const TrendQuery = Type.Object(
  {
    chart: StringEnum(trendCharts),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD or a date and time; default 30 days before "to"' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD (the whole day) or a date and time; default now' })),
    format: Type.Optional(StringEnum(['json', 'csv'] as const, { default: 'json' })),
  },
  { additionalProperties: false },
);

export const TrendSchema = Type.Object(
  {
    chart: Type.String(),
    from: Timestamp,
    to: Timestamp,
    columns: Type.Array(Type.String()),
    rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))),
  },
  { title: 'Trend' },
);

export const WarningListSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    origin: StringEnum(['shipped', 'custom'] as const),
    version: Type.String(),
    enabled: Type.Boolean(),
    entryCount: Type.Integer(),
    updatedAt: Timestamp,
  },
  { title: 'WarningList' },
);

export const WarningListParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const WarningListCreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), description: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const WarningListPatchBody = Type.Object(
  { enabled: Type.Optional(Type.Boolean()), name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), description: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const WarningListEntriesBody = Type.Object(
  { entries: Type.Array(Type.Object({ type: StringEnum(warningListEntryTypes), value: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

export const WarningListEntriesQuery = Type.Object(
  { cursor: Type.Optional(Type.String({ maxLength: 600 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  { additionalProperties: false },
);

export const WarningListEntryPage = Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })), nextCursor: Nullable(Type.String()) });
