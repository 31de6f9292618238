// TypeBox schemas of the phishing-check API: the stored check, the submission answer, the
// member list and campaigns. Response schemas filter: nothing else leaves the server.
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { indicatorTypes } from '../stix/observables.js';
import { severities } from '../stix/vocab.js';
import { AudienceSchema } from '../warnings/warnings.schemas.js';
import { campaignKinds } from './campaigns.service.js';
import { verdicts } from './words.js';

export const FindingSchema = Type.Object({
  id: Type.String({ description: 'stable id of the check, e.g. spf-fail, lookalike-domain' }),
  area: StringEnum(['headers', 'sender', 'links', 'attachments', 'language', 'intelligence', 'structure'] as const),
  severity: StringEnum(['high', 'medium', 'low', 'info'] as const),
  title: Type.String(),
  detail: Type.String(),
  evidence: Type.Optional(Type.Array(Type.String(), { description: 'the offending values, defanged' })),
  weight: Type.Number(),
});

export const PhishingCheckSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    createdAt: Timestamp,
    channel: StringEnum(['web', 'mail'] as const, { description: 'web: the page or the API; mail: the mailbox' }),
    verdict: StringEnum(verdicts),
    score: Type.Integer({ minimum: 0, maximum: 100 }),
    summary: Type.String(),
    subject: Type.String({ description: 'with addresses and names removed' }),
    senderDomain: Nullable(Type.String()),
    messageHash: Type.String({ description: 'SHA-256 of the email as received' }),
    findings: Type.Array(FindingSchema),
    advice: Type.Array(Type.String(), { description: 'what to do next, in order' }),
    indicators: Type.Array(
      Type.Object({
        type: StringEnum(indicatorTypes),
        value: Type.String(),
        defanged: Type.String({ description: 'safe to show: hxxps://example[.]com' }),
        origin: Type.String({ description: 'where it was found: link, sender, reply-to, attachment, body' }),
      }),
    ),
    attachments: Type.Array(
      Type.Object({
        name: Type.Optional(Type.String({ description: 'only in the answer to the submission: file names are never stored' })),
        contentType: Type.String(),
        size: Type.Integer(),
        sha256: Type.String(),
        md5: Type.String(),
        flags: Type.Array(Type.String()),
        entries: Type.Optional(Type.Array(Type.String())),
      }),
    ),
    unreadableReason: Nullable(Type.String()),
    truncated: Type.Boolean({ description: 'the time budget ran out before every check ran' }),
    elapsedMs: Type.Integer(),
    shared: Nullable(Type.Object({ at: Timestamp, warningId: Nullable(Type.String({ format: 'uuid' })) })),
    rawKept: Type.Optional(Type.Boolean({ description: 'members: the full message is kept and can be downloaded' })),
  },
  { $id: 'PhishingCheck', title: 'PhishingCheck' },
);

export const SubmissionResultSchema = Type.Object({
  receipt: Type.String({ description: 'unguessable: reads this result again and shares it with the hub; keep it private' }),
  receiptUrl: Type.String({ description: 'the result page for this receipt' }),
  check: Type.Ref('PhishingCheck'),
});

/** Body schemas per content type, for validation and the OpenAPI document. */
export const SubmissionBodySchema = {
  content: {
    'application/json': {
      schema: Type.Object({ source: Type.String({ description: 'the raw email source, as "Show original" shows it' }) }, { additionalProperties: false }),
    },
    'message/rfc822': { schema: { description: 'the .eml file as it is' } },
    'application/vnd.ms-outlook': { schema: { description: 'the Outlook .msg file as it is' } },
    'application/octet-stream': { schema: { description: 'the saved email file (.eml or .msg)' } },
    'text/plain': { schema: { description: 'the raw email source' } },
    'multipart/form-data': { schema: { description: 'a form upload: the first file, or a field named "source" with the raw source' } },
  },
};

export const ReceiptParams = Type.Object({ receipt: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'the receipt from the submission' }) });

export const ShareBodySchema = Type.Object(
  {
    anonymous: Type.Optional(
      Type.Boolean({ description: 'true (the default): shown to members as "A resident via the phishing check"; false: a signed-in analyst sends it as their organisation' }),
    ),
  },
  { additionalProperties: false },
);

export const PhishingInfoSchema = Type.Object({
  mailbox: Nullable(Type.String({ description: 'where residents can forward suspicious mail' })),
  maxBytes: Type.Integer(),
  retentionDays: Type.Integer(),
  keepsRawDays: Type.Integer({ description: '0: the full email is never stored' }),
});

export const CheckListQuery = Type.Object(
  {
    verdict: Type.Optional(StringEnum(verdicts)),
    channel: Type.Optional(StringEnum(['web', 'mail'] as const)),
    before: Type.Optional(Timestamp),
    since: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const CampaignSchema = Type.Object({
  kind: StringEnum(campaignKinds),
  value: Type.String(),
  defanged: Type.String(),
  reports: Type.Integer(),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  verdicts: Type.Record(Type.String(), Type.Integer()),
  daily: Type.Array(Type.Object({ day: Type.String({ description: 'YYYY-MM-DD (UTC)' }), reports: Type.Integer() })),
  subjects: Type.Array(Type.String()),
  warningIds: Type.Array(Type.String({ format: 'uuid' })),
});

export const CampaignQuerySchema = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, default: 30 })),
    kind: Type.Optional(StringEnum(campaignKinds)),
    minReports: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 2 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const PromoteBodySchema = Type.Object(
  {
    kind: StringEnum(campaignKinds),
    value: Type.String({ minLength: 1, maxLength: 2000 }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    severity: Type.Optional(StringEnum(severities)),
    tlp: Type.String({ maxLength: 40, description: 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED' }),
    audience: AudienceSchema,
    anonymous: Type.Optional(Type.Boolean()),
    indicators: Type.Optional(Type.Array(Type.Object({ type: StringEnum(indicatorTypes), value: Type.String({ maxLength: 8192 }) }, { additionalProperties: false }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
