// Request and response shapes of the reports API.
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { reportKinds, reportSections } from './report-view.js';

const Count = Type.Object({ key: Type.String(), label: Type.String(), count: Type.Integer() });

export const ReportViewSchema = Type.Object(
  {
    kind: StringEnum(reportKinds),
    edition: StringEnum(['member', 'public'] as const),
    title: Type.String(),
    period: Type.String({ description: '2026-12-07 (daily, the morning it is issued), 2026-W49 (weekly), 2026-11 (monthly)' }),
    from: Timestamp,
    to: Timestamp,
    timeZone: Type.String(),
    generatedAt: Timestamp,
    readerLabel: Type.String(),
    hubName: Type.String(),
    tlp: Type.String({ description: 'the most restrictive TLP of anything this copy names' }),
    narrative: Type.Array(Type.String()),
    summary: Type.Object({ warnings: Type.Integer(), indicators: Type.Integer(), sightings: Type.Integer(), watchlistHits: Nullable(Type.Integer()) }),
    sections: Type.Array(StringEnum(reportSections)),
    warnings: Type.Optional(
      Type.Object({
        total: Type.Integer(),
        byKind: Type.Array(Count),
        bySeverity: Type.Array(Count),
        items: Type.Array(
          Type.Object({
            id: Type.String(),
            title: Type.String(),
            kind: Type.String(),
            kindLabel: Type.String(),
            severity: Type.String(),
            tlp: Type.String(),
            audience: Type.String(),
            producer: Type.String(),
            status: Type.String(),
            createdAt: Timestamp,
          }),
        ),
      }),
    ),
    indicators: Type.Optional(Type.Object({ total: Type.Integer(), byType: Type.Array(Count), bySource: Type.Array(Count) })),
    mostSighted: Type.Optional(Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), value: Type.String(), sightings: Type.Integer(), organisations: Type.Integer() })) })),
    changes: Type.Optional(
      Type.Object({
        comparedDays: Type.Integer(),
        rows: Type.Array(Type.Object({ label: Type.String(), current: Type.Integer(), average: Type.Number(), changePct: Nullable(Type.Integer()) })),
      }),
    ),
    feedHealth: Type.Optional(
      Type.Object({
        items: Type.Array(
          Type.Object({ name: Type.String(), status: Type.String(), healthy: Type.Boolean(), runs: Type.Integer(), failedRuns: Type.Integer(), lastSuccessAt: Nullable(Type.String()) }),
        ),
      }),
    ),
    watchlist: Type.Optional(
      Type.Object({
        total: Type.Integer(),
        items: Type.Array(Type.Object({ assetKind: Type.String(), assetValue: Type.String(), type: Type.String(), value: Type.String(), source: Type.String(), matchedAt: Timestamp })),
      }),
    ),
    advice: Type.Optional(Type.Array(Type.Object({ kind: Type.String(), label: Type.String(), steps: Type.Array(Type.String()) }))),
    links: Type.Object({ page: Type.String(), pdf: Nullable(Type.String()), csv: Nullable(Type.String()), stix: Nullable(Type.String()) }),
  },
  { $id: 'ReportView', title: 'ReportView' },
);

export const ReportListItemSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: StringEnum(reportKinds),
  period: Type.String(),
  from: Timestamp,
  to: Timestamp,
  timeZone: Type.String(),
  title: Type.String(),
  generatedAt: Timestamp,
  cursor: Type.String({ description: 'pass as `before` for the reports after this one' }),
});

export const ReportListQuery = Type.Object({
  kind: Type.Optional(StringEnum(reportKinds)),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'reports issued on or after this date (YYYY-MM-DD, in the hub’s report time zone)' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'reports issued on or before this date' })),
  before: Type.Optional(Type.String({ maxLength: 60, description: 'paging: the `cursor` of the last report of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

export const ReportCopyQuery = Type.Object({
  sections: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated sections; default all' })),
});

export const GenerateBody = Type.Object(
  {
    kind: StringEnum(reportKinds),
    period: Type.Optional(Type.String({ maxLength: 20 })),
    date: Type.Optional(Type.String({ maxLength: 20, description: 'a date in the period (YYYY-MM-DD)' })),
    send: Type.Optional(Type.Boolean({ default: false, description: 'queue it for the subscribers who have not had it' })),
  },
  { additionalProperties: false },
);

export const GenerateResultSchema = Type.Object({ report: ReportListItemSchema, created: Type.Boolean(), queued: Type.Integer() });

export const SubscriptionSchema = Type.Object(
  {
    kinds: Type.Array(StringEnum(reportKinds), { maxItems: 3, uniqueItems: true, description: 'the reports you receive by email; [] for none' }),
    sections: Type.Array(StringEnum(reportSections), { maxItems: reportSections.length, uniqueItems: true, description: 'the sections they carry; [] for all' }),
  },
  { additionalProperties: false },
);

export const RecipientSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Nullable(Type.String()),
  kinds: Type.Array(StringEnum(reportKinds)),
  createdAt: Timestamp,
  unsubscribedAt: Nullable(Timestamp),
});

export const RecipientBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    kinds: Type.Optional(Type.Array(StringEnum(reportKinds), { minItems: 1, maxItems: 3, uniqueItems: true })),
  },
  { additionalProperties: false },
);
