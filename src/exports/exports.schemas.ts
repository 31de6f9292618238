// Request and response schemas of the exports API (validate input, filter output, document).
import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../http/schemas.js';

const Options = Type.Record(Type.String(), Type.Unknown(), { description: 'types, minConfidence, maxAgeDays, tlpCeiling, sourceKinds, feedIds, groupIds, sightedOnly, columns (table formats)' });

export const ExportCreateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    format: Type.String({ minLength: 1, maxLength: 40, description: 'see GET /api/exports/formats' }),
    options: Type.Optional(Options),
    staleAfterHours: Type.Optional(Type.Integer()),
    orgId: Type.Optional(Type.String({ format: 'uuid', description: 'operators: the organisation whose tools fetch it' })),
  },
  { additionalProperties: false },
);

export const ExportPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    format: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    options: Type.Optional(Options),
    staleAfterHours: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export const ExportTokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  lastFetchAt: Nullable(Timestamp),
  lastFetchIp: Nullable(Type.String()),
  fetchCount: Type.Integer(),
  status: Type.Union([Type.Literal('never-fetched'), Type.Literal('fetching'), Type.Literal('stale'), Type.Literal('revoked')]),
});

export const ExportSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  name: Type.String(),
  format: Type.String(),
  options: Type.Record(Type.String(), Type.Unknown()),
  staleAfterHours: Type.Integer(),
  url: Type.String({ description: 'where devices fetch it, with their token' }),
  tokens: Type.Array(ExportTokenSchema),
  manageable: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const TokenCreateSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, description: 'the device, e.g. "Firewall at City Hall"' }) }, { additionalProperties: false });

export const TokenCreatedSchema = Type.Object({
  token: ExportTokenSchema,
  secret: Type.String({ description: 'shown once: send it as Bearer, as the Basic password, or as ?token=' }),
  url: Type.String(),
});

export const TokenParams = Type.Object({ id: Type.String({ format: 'uuid' }), tokenId: Type.String({ pattern: '^xt[0-9a-f]{18}$' }) });

export const FetchSchema = Type.Object({
  at: Timestamp,
  tokenId: Nullable(Type.String()),
  device: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  status: Type.Integer(),
  values: Type.Integer(),
  skipped: Type.Integer(),
  since: Nullable(Type.String()),
});

export const PreviewSchema = Type.Object({
  lines: Type.Array(Type.String()),
  truncated: Type.Boolean(),
  counts: Type.Object({ values: Type.Integer(), skipped: Type.Integer(), byType: Type.Record(Type.String(), Type.Integer()) }),
});

export const FormatSchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  contentType: Type.String(),
  types: Type.Array(Type.String()),
  columns: Type.Optional(Type.Array(Type.String())),
});

export const FetchQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200, description: 'the device token, for devices that can send nothing else' })),
  since: Type.Optional(Type.String({ maxLength: 40, description: 'only values first stored at or after this time (ISO 8601)' })),
});

export const FetchParams = Type.Object({ id: Type.String({ maxLength: 64 }), file: Type.Optional(Type.String({ maxLength: 200 })) });
