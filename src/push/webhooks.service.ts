// Webhooks of an organisation: its admins (and the operator) add receivers, rotate signing
// secrets, send test pings and read the delivery log. Other organisations never see them.
// SIEM connectors (splunk-hec, elastic-bulk) are webhooks with a vendor credential and options.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireOrgAdmin, type Actor } from '../orgs/actor.js';
import type { Database, WebhookRow } from '../store/schema.js';
import { parseFilter, type AlertFilter } from './filters.js';
import {
  checkConnectorUrl,
  cleanConnectorOptions,
  cleanCredential,
  credentialHint,
  effectiveOptions,
  isConnectorFormat,
  parseOptions,
  type ConnectorOptionsInput,
  type ElasticOptions,
  type SplunkOptions,
} from './siem-connectors.js';
import { checkOutboundUrl, describeUrl, systemResolver, type Resolver } from './ssrf.js';
import { sendWebhookEvent, type AttemptResult } from './webhooks.deliverer.js';
import type { WebhookFormat } from './webhooks.formats.js';
import {
  deleteWebhookRow,
  findWebhookById,
  insertWebhook,
  listDeliveryRows,
  listWebhookRows,
  updateWebhookRow,
  type DeliveryLogRow,
  type WebhookRowUpdate,
} from './webhooks.repository.js';

export interface Webhook {
  id: string;
  orgId: string;
  name: string;
  url: string;
  format: WebhookFormat;
  filter: AlertFilter;
  enabled: boolean;
  /** the last characters of the signing secret, to tell which one a receiver holds */
  secretHint: string;
  /** SIEM connectors only: the options in effect (defaults filled in) */
  options?: SplunkOptions | ElasticOptions;
  /** SIEM connectors only: which credential is stored (never the credential) */
  credentialHint?: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  format: WebhookFormat;
  filter?: AlertFilter | undefined;
  enabled?: boolean | undefined;
  /** SIEM connectors: the vendor credential (write-only) */
  credential?: string | undefined;
  /** SIEM connectors: replaces all options; absent keys take their defaults */
  options?: ConnectorOptionsInput | undefined;
}

export type WebhookPatch = Partial<WebhookInput>;

export interface Delivery {
  id: number;
  eventId: number;
  eventType: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  durationMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
  /** when the next attempt is due; null once delivered or failed */
  nextAttemptAt: string | null;
}

export const webhookNameMaxLength = 200;
export const webhookUrlMaxLength = 2048;
export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** For tests: substitute DNS used when a URL is saved. */
export interface WebhookServiceOptions {
  resolver?: Resolver;
}

export async function listWebhooks(ctx: AppContext, actor: Actor, orgId: string): Promise<Webhook[]> {
  requireWebhookAdmin(actor, orgId, "read this organisation's webhooks");
  if (actor.isOperator && !(await ctx.db.selectFrom('organisations').select('id').where('id', '=', orgId).executeTakeFirst())) throw notFound('organisation');
  return (await listWebhookRows(ctx.db, orgId)).map(toWebhook);
}

/** Creates a webhook and returns its signing secret: the only time the secret is shown. */
export async function createWebhook(ctx: AppContext, actor: Actor, orgId: string, input: WebhookInput, options: WebhookServiceOptions = {}): Promise<{ webhook: Webhook; secret: string }> {
  requireWebhookAdmin(actor, orgId, 'add webhooks to this organisation');
  const name = cleanName(input.name);
  const connector = connectorFields(input.format, input.options, input.credential, null);
  // DNS before the transaction: a slow resolver must not hold the store.
  const url = await checkUrl(ctx, input.url, options, input.format);
  const filter = cleanFilter(input.filter ?? {});
  const secret = newSecret();
  const id = randomUUID();
  const now = ctx.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const org = await trx.selectFrom('organisations').select('id').where('id', '=', orgId).executeTakeFirst();
    if (!org) throw notFound('organisation');
    const row: WebhookRow = {
      id,
      org_id: orgId,
      name,
      url,
      secret,
      format: input.format,
      filter: JSON.stringify(filter),
      enabled: input.enabled === false ? 0 : 1,
      credential: connector.credential,
      options: connector.options,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    await insertWebhook(trx, row);
    await recordAudit(ctx, trx, actor, {
      action: 'webhook.create',
      orgId,
      targetType: 'webhook',
      targetId: id,
      // The options are settings (an index name), never secrets; the credential stays out.
      details: { name, format: input.format, destination: describeUrl(url), enabled: row.enabled === 1, filter, ...(isConnectorFormat(input.format) ? { options: parseOptions(row.options) } : {}) },
    });
    return { webhook: toWebhook(row), secret };
  });
}

export async function getWebhook(ctx: AppContext, actor: Actor, id: string): Promise<Webhook> {
  return toWebhook(await findManagedWebhook(ctx.db, actor, id, 'read this webhook'));
}

export async function updateWebhook(ctx: AppContext, actor: Actor, id: string, patch: WebhookPatch, options: WebhookServiceOptions = {}): Promise<Webhook> {
  // Permission first (cheap, and no DNS lookups on behalf of someone who may not change it).
  const before = await findManagedWebhook(ctx.db, actor, id, 'change this webhook');
  const format = patch.format ?? (before.format as WebhookFormat);
  const name = patch.name === undefined ? undefined : cleanName(patch.name);
  const url = patch.url === undefined ? undefined : await checkUrl(ctx, patch.url, options, format);
  const filter = patch.filter === undefined ? undefined : JSON.stringify(cleanFilter(patch.filter));
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findManagedWebhook(trx, actor, id, 'change this webhook');
    const connector = connectorFields(format, patch.options, patch.credential, row);
    // A URL saved for another format may not suit this one (a Splunk /raw endpoint).
    if (url === undefined && format !== row.format && isConnectorFormat(format)) checkConnectorUrl(format, new URL(row.url));
    const update: WebhookRowUpdate = {};
    if (name !== undefined && name !== row.name) update.name = name;
    if (url !== undefined && url !== row.url) update.url = url;
    if (format !== row.format) update.format = format;
    if (filter !== undefined && filter !== row.filter) update.filter = filter;
    if (patch.enabled !== undefined && (patch.enabled ? 1 : 0) !== row.enabled) update.enabled = patch.enabled ? 1 : 0;
    if (connector.credential !== row.credential) update.credential = connector.credential;
    if (connector.options !== row.options) update.options = connector.options;
    const fields = Object.keys(update);
    if (fields.length === 0) return toWebhook(row);
    update.updated_at = ctx.now().toISOString();
    await updateWebhookRow(trx, id, update);
    await recordAudit(ctx, trx, actor, {
      action: 'webhook.update',
      orgId: row.org_id,
      targetType: 'webhook',
      targetId: id,
      details: {
        fields,
        ...(update.url !== undefined ? { destination: describeUrl(update.url), previousDestination: describeUrl(row.url) } : {}),
        ...(update.enabled !== undefined ? { enabled: update.enabled === 1 } : {}),
        ...(update.options !== undefined ? { options: parseOptions(update.options) } : {}),
      },
    });
    return toWebhook({ ...row, ...update });
  });
}

export async function deleteWebhook(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await findManagedWebhook(trx, actor, id, 'delete this webhook');
    await deleteWebhookRow(trx, id);
    await recordAudit(ctx, trx, actor, { action: 'webhook.delete', orgId: row.org_id, targetType: 'webhook', targetId: id, details: { name: row.name, destination: describeUrl(row.url) } });
  });
}

/** A new signing secret; the old one stops working at once (retries are signed with the new one). */
export async function rotateWebhookSecret(ctx: AppContext, actor: Actor, id: string): Promise<{ secret: string }> {
  const secret = newSecret();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await findManagedWebhook(trx, actor, id, 'rotate the secret of this webhook');
    await updateWebhookRow(trx, id, { secret, updated_at: ctx.now().toISOString() });
    await recordAudit(ctx, trx, actor, { action: 'webhook.rotate_secret', orgId: row.org_id, targetType: 'webhook', targetId: id, details: { name: row.name } });
  });
  return { secret };
}

/** Send a signed `ping` now and report what the receiver answered; nothing is stored or retried. */
export async function testWebhook(ctx: AppContext, actor: Actor, id: string, options: WebhookServiceOptions = {}): Promise<AttemptResult> {
  const row = await findManagedWebhook(ctx.db, actor, id, 'test this webhook');
  const result = await sendWebhookEvent(
    ctx,
    row,
    { id: 0, type: 'ping', occurredAt: ctx.now().toISOString(), subjectId: null, data: { webhookId: row.id, orgId: row.org_id, message: 'Test delivery from Tocsin' } },
    { resolver: options.resolver ?? systemResolver },
  );
  ctx.log.info({ webhookId: row.id, delivered: result.delivered, status: result.status }, 'webhook test sent');
  return result;
}

export async function listDeliveries(
  ctx: AppContext,
  actor: Actor,
  id: string,
  q: { status?: DeliveryStatus | undefined; before?: number | undefined; limit?: number | undefined },
): Promise<{ items: Delivery[]; nextBefore: number | null }> {
  await findManagedWebhook(ctx.db, actor, id, "read this webhook's deliveries");
  const limit = q.limit ?? 50;
  const rows = await listDeliveryRows(ctx.db, id, { status: q.status, before: q.before, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return { items: page.map(toDelivery), nextBefore: rows.length > limit ? page[page.length - 1]!.id : null };
}

// ---------------------------------------------------------------------------------------

/**
 * Webhooks are administration: the organisation's admins and the operator, with an
 * admin-scoped credential. Anyone outside the organisation is told it does not exist.
 */
function requireWebhookAdmin(actor: Actor, orgId: string, action: string): void {
  if (!actor.isOperator && actor.orgId !== orgId) throw notFound('organisation');
  requireOrgAdmin(actor, orgId, `${action} (organisation admins only)`);
}

async function findManagedWebhook(db: Kysely<Database>, actor: Actor, id: string, action: string): Promise<WebhookRow> {
  const row = await findWebhookById(db, id);
  if (!row || (!actor.isOperator && actor.orgId !== row.org_id)) throw notFound('webhook');
  requireOrgAdmin(actor, row.org_id, `${action} (organisation admins only)`);
  return row;
}

async function checkUrl(ctx: AppContext, raw: string, options: WebhookServiceOptions, format: WebhookFormat): Promise<string> {
  const url = await checkOutboundUrl(raw.trim(), ctx.config.outboundAllow, options.resolver ?? systemResolver);
  // The fragment never reaches the receiver; store what will actually be called.
  url.hash = '';
  if (isConnectorFormat(format)) checkConnectorUrl(format, url);
  const href = url.toString();
  if (href.length > webhookUrlMaxLength) throw new AppError('VALIDATION_FAILED', { detail: `url must be at most ${webhookUrlMaxLength} characters` });
  return href;
}

/**
 * The credential and options columns for a webhook of `format`. Chat formats have neither. A
 * connector keeps its credential across a PATCH unless one is given, but a new vendor (or a
 * new Elastic authentication kind or user) needs a new credential: the old one cannot work there.
 */
function connectorFields(
  format: WebhookFormat,
  optionsInput: ConnectorOptionsInput | undefined,
  credentialInput: string | undefined,
  existing: WebhookRow | null,
): { credential: string | null; options: string } {
  if (!isConnectorFormat(format)) {
    if (credentialInput !== undefined || optionsInput !== undefined) {
      throw new AppError('VALIDATION_FAILED', { detail: 'credential and options are used only by the splunk-hec and elastic-bulk formats' });
    }
    return { credential: null, options: '{}' };
  }
  const sameFormat = existing !== null && existing.format === format;
  const before = sameFormat ? parseOptions(existing.options) : {};
  const options = optionsInput === undefined ? before : cleanConnectorOptions(format, optionsInput);
  // A password belongs to its user: a new user name needs its password too.
  const authChanged = sameFormat && ((before.auth ?? 'api-key') !== (options.auth ?? 'api-key') || before.username !== options.username);
  if (credentialInput === undefined) {
    if (!sameFormat || !existing.credential) throw new AppError('VALIDATION_FAILED', { detail: `credential is required for ${format}` });
    if (authChanged) throw new AppError('VALIDATION_FAILED', { detail: 'credential is required when options.auth or options.username changes' });
    return { credential: existing.credential, options: JSON.stringify(options) };
  }
  return { credential: cleanCredential(format, options, credentialInput), options: JSON.stringify(options) };
}

/** `whsec_` and 32 random bytes: a key for HMAC-SHA256 that receivers paste as it is. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const forbiddenInName = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

function cleanName(name: string): string {
  const cleaned = name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!cleaned) throw new AppError('VALIDATION_FAILED', { detail: 'name must not be blank' });
  if (forbiddenInName.test(cleaned)) throw new AppError('VALIDATION_FAILED', { detail: 'name must not contain control characters' });
  if (cleaned.length > webhookNameMaxLength) throw new AppError('VALIDATION_FAILED', { detail: `name must be at most ${webhookNameMaxLength} characters` });
  return cleaned;
}

/** Empty lists mean "any": drop them, so a stored filter has one spelling per meaning. */
function cleanFilter(filter: AlertFilter): AlertFilter {
  const out: AlertFilter = {};
  if (filter.tlps?.length) out.tlps = [...filter.tlps];
  if (filter.kinds?.length) out.kinds = [...filter.kinds];
  if (filter.minSeverity) out.minSeverity = filter.minSeverity;
  if (filter.groupIds?.length) out.groupIds = [...filter.groupIds];
  return out;
}

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    url: row.url,
    format: row.format as WebhookFormat,
    filter: parseFilter(row.filter),
    enabled: row.enabled === 1,
    secretHint: `whsec_…${row.secret.slice(-4)}`,
    ...(isConnectorFormat(row.format)
      ? { options: effectiveOptions(row.format, parseOptions(row.options)), credentialHint: credentialHint(row.format, parseOptions(row.options), row.credential) }
      : {}),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: DeliveryLogRow): Delivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    durationMs: row.duration_ms,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
  };
}
