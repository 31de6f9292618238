// TypeBox schemas of the webhooks API: what goes in, and exactly what may come out (the signing
// secret only in the two answers that hand it over; a SIEM connector's credential never).
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import type { AlertFilter } from './filters.js';
import { elasticAuthKinds, elasticDefaultIndex, splunkDefaults } from './siem-connectors.js';
import { webhookFormats } from './webhooks.formats.js';
import { deliveryStatuses, webhookNameMaxLength, webhookUrlMaxLength } from './webhooks.service.js';

// The shared AlertFilter (push/filters.ts) is registered once in app.ts; email alerts use it too.
const Filter = Type.Unsafe<AlertFilter>(Type.Ref('AlertFilter'));

const Format = StringEnum(webhookFormats, {
  description:
    'json: the event as JSON; slack: a Slack message (incoming webhook); teams: a Microsoft Teams MessageCard; splunk-hec: Splunk HTTP Event Collector events; elastic-bulk: ECS threat indicator documents for the Elasticsearch _bulk API',
});

// One object for both vendors; the service refuses keys the chosen format does not take.
const Options = Type.Object(
  {
    index: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: `splunk-hec: the index (default: the token's); elastic-bulk: the index or data stream (default ${elasticDefaultIndex})` })),
    sourcetype: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: `splunk-hec: the sourcetype (default ${splunkDefaults.sourcetype})` })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: `splunk-hec: the source (default ${splunkDefaults.source})` })),
    auth: Type.Optional(StringEnum(elasticAuthKinds, { description: 'elastic-bulk: api-key (default; the credential is the encoded key or id:api_key) or basic (the credential is the password of username)' })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'elastic-bulk with auth basic: the user name' })),
  },
  { additionalProperties: false, title: 'WebhookConnectorOptions', description: 'SIEM connectors only; replaces all options (absent keys take their defaults)' },
);
const Credential = Type.String({
  minLength: 1,
  maxLength: 4096,
  writeOnly: true,
  description: 'SIEM connectors only: the Splunk HEC token, or the Elasticsearch API key (or password with auth basic). Sent with every delivery; never shown again.',
});
const Name = Type.String({ minLength: 1, maxLength: webhookNameMaxLength });
const Url = Type.String({ minLength: 1, maxLength: webhookUrlMaxLength, description: 'http(s) URL of the receiver; internal addresses are refused unless the operator allows them' });

export const WebhookSchema = Type.Object(
  {
    id: Type.String(),
    orgId: Type.String(),
    name: Type.String(),
    url: Type.String(),
    format: Format,
    filter: Filter,
    enabled: Type.Boolean(),
    secretHint: Type.String({ description: 'the end of the signing secret, to tell which one a receiver holds' }),
    options: Type.Optional(Options),
    credentialHint: Type.Optional(Nullable(Type.String({ description: 'SIEM connectors: which credential is stored (the end of a token, an API key id, a user name); never the credential' }))),
    createdBy: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Webhook' },
);

export const WebhookCreateSchema = Type.Object(
  {
    name: Name,
    url: Url,
    format: Format,
    filter: Type.Optional(Filter),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    credential: Type.Optional(Credential),
    options: Type.Optional(Options),
  },
  { additionalProperties: false },
);

export const WebhookPatchSchema = Type.Object(
  {
    name: Type.Optional(Name),
    url: Type.Optional(Url),
    format: Type.Optional(Format),
    filter: Type.Optional(Filter),
    enabled: Type.Optional(Type.Boolean()),
    credential: Type.Optional(Credential),
    options: Type.Optional(Options),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Secret = Type.String({ description: 'whsec_…: the HMAC-SHA256 key for Tocsin-Signature. Shown once; store it in the receiver now.' });

export const WebhookCreatedSchema = Type.Object({ webhook: WebhookSchema, secret: Secret }, { title: 'WebhookCreated' });

export const WebhookSecretSchema = Type.Object({ secret: Secret });

export const WebhookTestResultSchema = Type.Object(
  {
    delivered: Type.Boolean({ description: 'the receiver answered 2xx' }),
    status: Nullable(Type.Integer({ description: 'HTTP status of the answer' })),
    error: Nullable(Type.String()),
    durationMs: Type.Integer(),
  },
  { title: 'WebhookTestResult' },
);

export const DeliveryQuerySchema = Type.Object(
  {
    status: Type.Optional(StringEnum(deliveryStatuses)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'nextBefore of the previous page' })),
  },
  { additionalProperties: false },
);

export const DeliverySchema = Type.Object(
  {
    id: Type.Integer(),
    eventId: Type.Integer(),
    eventType: Nullable(Type.String()),
    status: StringEnum(deliveryStatuses),
    attempts: Type.Integer(),
    lastStatus: Nullable(Type.Integer({ description: 'HTTP status of the last answer' })),
    lastError: Nullable(Type.String()),
    durationMs: Nullable(Type.Integer({ description: 'how long the last attempt took' })),
    createdAt: Timestamp,
    deliveredAt: Nullable(Timestamp),
    nextAttemptAt: Nullable(Timestamp),
  },
  { title: 'WebhookDelivery' },
);

export const DeliveryPageSchema = Type.Object({ items: Type.Array(DeliverySchema), nextBefore: Nullable(Type.Integer()) });
