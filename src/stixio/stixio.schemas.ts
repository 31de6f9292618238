// TypeBox schemas of the STIX import and export API.
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { tlpLevels } from '../stix/tlp.js';

const TlpSchema = StringEnum(tlpLevels);

export const CollectionChoiceSchema = Type.Object({
  id: Type.String({ description: 'the TAXII collection id' }),
  kind: StringEnum(['public', 'members', 'group', 'inbox'] as const),
  title: Type.String(),
  description: Type.String(),
  canWrite: Type.Boolean({ description: 'you may import into it' }),
  defaultTlp: TlpSchema,
  allowedTlps: Type.Array(TlpSchema, { description: 'TLPs objects may carry in it' }),
});

const FailureSchema = Type.Object({ id: Type.String(), version: Type.String(), message: Type.Optional(Type.String()) });

export const ImportJobSchema = Type.Object(
  {
    id: Type.String(),
    status: StringEnum(['queued', 'running', 'done', 'failed'] as const),
    fileName: Nullable(Type.String()),
    collection: Type.Object({ id: Type.String(), title: Type.String() }),
    defaultTlp: Type.String(),
    totalBytes: Type.Integer({ description: 'size of the uploaded file' }),
    bytesRead: Type.Integer({ description: 'bytes of it imported so far' }),
    objects: Type.Integer({ description: 'objects read so far' }),
    successes: Type.Integer({ description: 'objects accepted (added, or already there)' }),
    failures: Type.Integer({ description: 'objects refused, each with its reason in failureList' }),
    failureList: Type.Optional(Type.Array(FailureSchema, { description: 'the first 500 failures (one job only)' })),
    failuresTruncated: Type.Boolean(),
    error: Nullable(Type.String({ description: 'why the import stopped early; the batches committed before stay' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: Nullable(Timestamp),
  },
  { title: 'StixImport' },
);

export const ImportQuerySchema = Type.Object(
  {
    collection: Type.String({ minLength: 1, maxLength: 100, description: 'id of a collection you may write to (GET /api/stix/collections)' }),
    tlp: Type.Optional(Type.String({ maxLength: 20, description: 'TLP for objects without a TLP marking; default: the collection’s' })),
    name: Type.Optional(Type.String({ maxLength: 300, description: 'the file’s name, shown with the job' })),
  },
  { additionalProperties: false },
);

export const ExportQuerySchema = Type.Object(
  {
    collection: Type.String({ minLength: 1, maxLength: 200, description: 'public, members, inbox, or a collection id' }),
    type: Type.Optional(Type.String({ maxLength: 5000, description: 'comma-separated STIX types to keep' })),
    since: Type.Optional(Type.String({ maxLength: 40, description: 'only objects the hub added after this time' })),
    versions: Type.Optional(StringEnum(['latest', 'all'] as const, { default: 'latest' })),
  },
  { additionalProperties: false },
);
