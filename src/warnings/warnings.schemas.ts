// TypeBox schemas of the warnings API.
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { audienceKinds } from '../sharing/policy.js';
import { indicatorTypes } from '../stix/observables.js';
import { severities, warningKinds } from '../stix/vocab.js';
import { warningLimits } from './warnings.view.js';

const IndicatorInput = Type.Object(
  { type: StringEnum(indicatorTypes), value: Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);

const Uuid = Type.String({ format: 'uuid' });

export const AudienceSchema = Type.Object(
  {
    kind: StringEnum(audienceKinds, { description: 'orgs: named organisations; groups: sharing groups; members: every member; public: anyone (TLP:CLEAR only)' }),
    orgIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000, uniqueItems: true })),
    groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const WarningCreateSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: warningLimits.title * 2 }),
    kind: StringEnum(warningKinds),
    severity: StringEnum(severities),
    startedAt: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    affectedServices: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
    details: Type.String({ maxLength: warningLimits.details * 2 }),
    indicators: Type.Optional(Type.Array(IndicatorInput, { maxItems: warningLimits.indicators * 2 })),
    tlp: Type.String({ maxLength: 40, description: 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED (TLP 1.0 WHITE is read as CLEAR)' }),
    audience: AudienceSchema,
    anonymous: Type.Optional(Type.Boolean({ description: 'recipients see "a member city in Region 3"; the hub keeps the true source for audit' })),
  },
  { additionalProperties: false },
);

export const WarningPatchSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: warningLimits.title * 2 })),
    severity: Type.Optional(StringEnum(severities)),
    details: Type.Optional(Type.String({ maxLength: warningLimits.details * 2 })),
    affectedServices: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
    indicators: Type.Optional(Type.Array(IndicatorInput, { maxItems: warningLimits.indicators * 2 })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version you edited; a newer one on the hub gives 409 VERSION_CONFLICT' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const NamedRef = Type.Object({ id: Type.String(), name: Type.String() });

export const WarningSchema = Type.Object(
  {
    id: Type.String(),
    reportId: Type.String({ description: 'STIX id of the report' }),
    title: Type.String(),
    kind: Type.String(),
    severity: Type.String(),
    startedAt: Nullable(Timestamp),
    affectedServices: Type.Array(Type.String()),
    details: Type.String(),
    indicators: Type.Array(Type.Object({ type: Type.String(), value: Type.String(), defanged: Type.String() })),
    tlp: Type.String(),
    audience: Type.Object({ kind: Type.String(), orgs: Type.Array(NamedRef), groups: Type.Array(NamedRef) }),
    source: Type.Object({ anonymous: Type.Boolean(), label: Type.String(), orgId: Nullable(Type.String()) }),
    isOwn: Type.Boolean(),
    status: Type.String(),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    retractedAt: Nullable(Timestamp),
    retractionReason: Nullable(Type.String()),
  },
  { $id: 'Warning', title: 'Warning' },
);

export const WarningQuerySchema = Type.Object(
  {
    status: Type.Optional(StringEnum(['active', 'retracted'] as const)),
    kind: Type.Optional(StringEnum(warningKinds)),
    before: Type.Optional(Type.String({ format: 'date-time' })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const PreviewSchema = Type.Object(
  {
    text: Type.String({ description: 'indicators pasted as free text (defanged forms are fine)' }),
    details: Type.Optional(Type.String({ description: 'the free-text details, checked for personal data' })),
    title: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const PreviewResultSchema = Type.Object({
  indicators: Type.Array(Type.Object({ type: Type.String(), value: Type.String(), original: Type.String(), defanged: Type.String(), note: Type.Optional(Type.String()) })),
  truncated: Type.Boolean({ description: 'more indicators were found than a warning can carry' }),
  personalData: Type.Array(
    Type.Object({
      field: StringEnum(['text', 'details', 'title'] as const),
      kind: Type.String(),
      start: Type.Integer(),
      end: Type.Integer(),
      text: Type.String(),
    }),
  ),
  redacted: Type.Object({ text: Type.String(), details: Type.Optional(Type.String()), title: Type.Optional(Type.String()) }),
});
