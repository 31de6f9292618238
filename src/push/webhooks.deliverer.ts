// Draining the webhook outbox: claim due deliveries, re-check that the organisation may still
// see the event, sign the body and POST it through the SSRF guard; retry with growing pauses.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { isRecipient, loadShareRules, readerForOrg, type Reader, type ShareRule } from '../sharing/policy.js';
import type { EventRow, WebhookDeliveryRow, WebhookRow } from '../store/schema.js';
import { payloadFor, type StoredEventData } from './outbox.js';
import { createPump, type Pump } from './pump.js';
import { checkUrlShape, guardedLookup, OutboundRefusedError, outboundPolicy, systemResolver, type Resolver } from './ssrf.js';
import { buildBody, type OutgoingEvent, type WebhookFormat } from './webhooks.formats.js';
import { claimDueDeliveries, completeDelivery, findEventsByIds, findWebhooksByIds, type DeliveryOutcome } from './webhooks.repository.js';

export const webhookUserAgent = 'Tocsin-Webhook/1';
/** Receivers' answers are read up to this many bytes and thrown away. */
export const maxResponseBytes = 64 * 1024;
const batchSize = 25;
const pumpIntervalMs = 2_000;
const firstRetryMs = 10_000;
const maxRetryMs = 3_600_000;

export interface DelivererOptions {
  /** DNS for the connect-time guard; tests substitute a fake */
  resolver?: Resolver;
  /** jitter source in [0, 1) */
  random?: () => number;
}

/** The outcome of one POST. */
export interface AttemptResult {
  delivered: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export function createWebhookPump(ctx: AppContext, options: DelivererOptions = {}): Pump {
  return createPump({
    name: 'webhooks',
    bus: ctx.bus,
    log: ctx.log,
    intervalMs: pumpIntervalMs,
    wakesOn: (m) => m.kind === 'event' || m.kind === 'wake',
    runOnce: () => deliverDueWebhooks(ctx, options),
  });
}

/** Pause before attempt n+1 after n failed ones: 10 s doubling, at most an hour, ±10 % jitter. */
export function backoffMs(failedAttempts: number, random: () => number = Math.random): number {
  const base = Math.min(firstRetryMs * 2 ** Math.max(0, Math.min(failedAttempts - 1, 30)), maxRetryMs);
  return Math.round(base * (0.9 + 0.2 * random()));
}

/**
 * One pass over the outbox: claim what is due, deliver it, record the outcomes. Resolves to how
 * many deliveries were handled (the pump calls it again while that is above zero).
 */
export async function deliverDueWebhooks(ctx: AppContext, options: DelivererOptions = {}): Promise<number> {
  const now = ctx.now().toISOString();
  // Every claimed row is sent in parallel, so one attempt's timeout bounds the whole batch; the
  // margin covers recording the outcome. A process that dies mid-batch frees its rows when the
  // lease ends, and the receiver dedupes a repeat by its Idempotency-Key.
  const lease = addMs(now, ctx.config.webhookTimeoutMs + 5_000);
  const claimed = await claimDueDeliveries(ctx.db, ctx.dialect, { now, lockedUntil: lease, limit: batchSize });
  if (claimed.length === 0) return 0;

  const [events, webhooks] = await Promise.all([findEventsByIds(ctx.db, claimed.map((d) => d.event_id)), findWebhooksByIds(ctx.db, claimed.map((d) => d.webhook_id))]);
  const eventById = new Map(events.map((e) => [e.id, e]));
  const webhookById = new Map(webhooks.map((w) => [w.id, w]));
  // Read now, not when the event was recorded: membership may have changed in between.
  const rules = await loadShareRules(ctx.db, events.flatMap((e) => (e.share_id ? [e.share_id] : [])));
  const readers = new Map<string, Promise<Reader>>();
  const readerOf = (orgId: string) => {
    let r = readers.get(orgId);
    if (!r) readers.set(orgId, (r = readerForOrg(ctx.db, orgId)));
    return r;
  };

  await Promise.all(
    claimed.map(async (delivery) => {
      const webhook = webhookById.get(delivery.webhook_id);
      const event = eventById.get(delivery.event_id);
      let outcome: DeliveryOutcome;
      try {
        const rule = event?.share_id ? rules.get(event.share_id) : undefined;
        outcome = await attempt(ctx, options, delivery, webhook, event, rule, readerOf);
      } catch (err) {
        // A bug or a bad stored row must not pin the row (and the webhook's queue behind it):
        // it counts as a failed attempt and ends like any other after the retry window.
        ctx.log.error({ err, deliveryId: delivery.id, webhookId: delivery.webhook_id }, 'webhook delivery failed unexpectedly');
        outcome = retryOrGiveUp(ctx, options, delivery, { delivered: false, status: null, error: 'internal error in the hub; see its log', durationMs: 0 });
      }
      try {
        await completeDelivery(ctx.db, delivery.id, lease, outcome);
      } catch (err) {
        // The lease runs out and the row is tried again; the receiver dedupes by Idempotency-Key.
        ctx.log.error({ err, deliveryId: delivery.id, webhookId: delivery.webhook_id }, 'recording a webhook delivery failed');
      }
    }),
  );
  return claimed.length;
}

async function attempt(
  ctx: AppContext,
  options: DelivererOptions,
  delivery: WebhookDeliveryRow,
  webhook: WebhookRow | undefined,
  event: EventRow | undefined,
  rule: ShareRule | undefined,
  readerOf: (orgId: string) => Promise<Reader>,
): Promise<DeliveryOutcome> {
  const final = (error: string): DeliveryOutcome => ({ status: 'failed', last_error: error });
  if (!webhook) return final('the webhook was deleted');
  if (webhook.enabled !== 1) return final('the webhook is disabled');
  if (!event) return final('the event is no longer kept');
  const reader = await readerOf(webhook.org_id);
  if (!rule || !isRecipient(reader, rule)) return final('no longer in the audience');

  const data = JSON.parse(event.data) as StoredEventData;
  const outgoing: OutgoingEvent = { id: event.id, type: event.type, occurredAt: event.at, subjectId: event.subject_id, data: payloadFor(reader, data) };
  return retryOrGiveUp(ctx, options, delivery, await sendWebhookEvent(ctx, webhook, outgoing, options));
}

/** After an attempt: delivered; or the next try after a pause; or failed once the retry window is over. */
function retryOrGiveUp(ctx: AppContext, options: DelivererOptions, delivery: WebhookDeliveryRow, result: AttemptResult): DeliveryOutcome {
  const now = ctx.now().toISOString();
  const attempts = delivery.attempts + 1;
  if (result.delivered) {
    return { status: 'delivered', attempts, last_status: result.status, last_error: null, duration_ms: result.durationMs, delivered_at: now };
  }
  const deadline = addMs(delivery.created_at, ctx.config.webhookRetryHours * 3_600_000);
  const failed = { attempts, last_status: result.status, last_error: result.error, duration_ms: result.durationMs };
  if (now >= deadline) {
    ctx.log.warn({ webhookId: delivery.webhook_id, eventId: delivery.event_id, attempts, error: result.error }, 'webhook delivery given up');
    return { ...failed, status: 'failed' };
  }
  // The last retry falls on the deadline itself, so a receiver gets the whole window.
  const next = addMs(now, backoffMs(attempts, options.random));
  return { ...failed, status: 'pending', next_attempt_at: next < deadline ? next : deadline };
}

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * For receivers (and tests): does `header` sign `body` with `secret`, within `toleranceSec` of
 * now? Compares in constant time; accepts any of several v1 values.
 */
export function verifySignature(secret: string, header: string, body: string | Buffer, toleranceSec = 300, nowSec = Math.floor(Date.now() / 1000)): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const candidates = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!Number.isInteger(t) || candidates.length === 0 || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return candidates.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Build, sign and POST one event to a webhook; the test endpoint uses it for pings. */
export async function sendWebhookEvent(ctx: AppContext, webhook: WebhookRow, event: OutgoingEvent, options: DelivererOptions = {}): Promise<AttemptResult> {
  const body = JSON.stringify(buildBody(webhook.format as WebhookFormat, event, ctx.config.publicUrl));
  const t = Math.floor(ctx.now().getTime() / 1000);
  const eventId = event.id === 0 ? `ping_${randomUUID()}` : String(event.id);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': webhookUserAgent,
    'Tocsin-Signature': signPayload(webhook.secret, body, t),
    'Tocsin-Event-Id': eventId,
    'Tocsin-Event-Type': event.type,
    // The same on every retry of one event, so receivers can drop repeats.
    'Idempotency-Key': event.id === 0 ? eventId : `evt_${event.id}`,
  };
  return postJson(webhook.url, body, headers, { timeoutMs: ctx.config.webhookTimeoutMs, allow: ctx.config.outboundAllow, resolver: options.resolver ?? systemResolver });
}

/**
 * POST a body through the SSRF guard: the URL's shape and any literal address are checked
 * here, every resolved address by the lookup at connect time. Redirects are not followed.
 */
export async function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allow: readonly string[]; resolver: Resolver },
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const policy = outboundPolicy(opts.allow);
  let url: URL;
  try {
    url = checkUrlShape(rawUrl, policy).url;
  } catch (err) {
    return { delivered: false, status: null, error: (err as Error).message, durationMs: 0 };
  }
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let status: number | null = null;
    let snippet = '';
    let location: string | undefined;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(outcome(status, error, snippet, location, elapsed()));
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(policy, opts.resolver),
        // A fresh connection per attempt: every connect goes through the guarded lookup.
        agent: false,
      },
      (response) => {
        status = response.statusCode ?? null;
        location = typeof response.headers.location === 'string' ? response.headers.location : undefined;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          if (snippet.length < 300) snippet += chunk.subarray(0, 300).toString('utf8');
          read += chunk.length;
          if (read >= maxResponseBytes) finish(null);
        });
        response.on('end', () => finish(null));
        response.on('error', () => finish(null));
      },
    );
    const timer = setTimeout(() => finish(status === null ? `no answer within ${opts.timeoutMs} ms` : null), opts.timeoutMs);
    request.on('error', (err) => finish(describeError(err)));
    request.end(body);
  });
}

function outcome(status: number | null, error: string | null, snippet: string, location: string | undefined, durationMs: number): AttemptResult {
  if (status === null) return { delivered: false, status, error: error ?? 'no answer', durationMs };
  if (status >= 200 && status < 300) return { delivered: true, status, error: null, durationMs };
  if (status >= 300 && status < 400) {
    const where = location ? ` to ${clean(location).slice(0, 200)}` : '';
    return { delivered: false, status, error: `HTTP ${status}: redirect${where} not followed; set the webhook URL to the final address`, durationMs };
  }
  const text = clean(snippet).slice(0, 200);
  return { delivered: false, status, error: `HTTP ${status}${text ? `: ${text}` : ''}`, durationMs };
}

/** Receiver text goes into the delivery log: no control characters, one line. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
}

function describeError(failure: Error): string {
  // Several addresses tried in turn (happy eyeballs) fail together: the first one says why.
  const err = failure instanceof AggregateError && failure.errors[0] instanceof Error ? failure.errors[0] : failure;
  if (err instanceof OutboundRefusedError) return `refused at connect time: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by the receiver';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out connecting';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the receiver cannot be reached';
  }
  if (code && /CERT|TLS|SSL/.test(code)) return `TLS: ${err.message}`;
  return clean(err.message).slice(0, 300) || 'connection failed';
}
