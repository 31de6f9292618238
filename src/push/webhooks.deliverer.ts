// Draining the webhook outbox: claim due deliveries, re-check that the organisation may still
// see the event, sign the body and POST it through the SSRF guard; retry with growing pauses.
// SIEM connectors ride the same outbox; their answers are read by the vendor's rules.
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
import { answerText, parseOptions, type VendorAnswer, type Verdict } from './siem-connectors.js';
import { buildRequest, type OutgoingEvent, type WebhookFormat } from './webhooks.formats.js';
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
  /** why it failed; on a delivered attempt, what the receiver reported (e.g. documents a SIEM refused) */
  error: string | null;
  durationMs: number;
  /** a failure that no retry can mend: the delivery fails now */
  final?: boolean;
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
    return { status: 'delivered', attempts, last_status: result.status, last_error: result.error, duration_ms: result.durationMs, delivered_at: now };
  }
  const deadline = addMs(delivery.created_at, ctx.config.webhookRetryHours * 3_600_000);
  const failed = { attempts, last_status: result.status, last_error: result.error, duration_ms: result.durationMs };
  if (result.final) {
    ctx.log.warn({ webhookId: delivery.webhook_id, eventId: delivery.event_id, attempts, error: result.error }, 'webhook delivery refused for good');
    return { ...failed, status: 'failed' };
  }
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
  const request = buildRequest(
    { id: webhook.id, url: webhook.url, format: webhook.format as WebhookFormat, credential: webhook.credential, options: parseOptions(webhook.options) },
    event,
    ctx.config.publicUrl,
  );
  // Nothing for this receiver in the event (an Elastic connector and a warning without indicators).
  if ('skip' in request) return { delivered: true, status: null, error: request.skip, durationMs: 0 };
  const body = request.body;
  const t = Math.floor(ctx.now().getTime() / 1000);
  const eventId = event.id === 0 ? `ping_${randomUUID()}` : String(event.id);
  const headers = {
    'Content-Type': request.contentType,
    'User-Agent': webhookUserAgent,
    'Tocsin-Signature': signPayload(webhook.secret, body, t),
    'Tocsin-Event-Id': eventId,
    'Tocsin-Event-Type': event.type,
    // The same on every retry of one event, so receivers can drop repeats.
    'Idempotency-Key': event.id === 0 ? eventId : `evt_${event.id}`,
    ...request.headers,
  };
  const opts = { timeoutMs: ctx.config.webhookTimeoutMs, allow: ctx.config.outboundAllow, resolver: options.resolver ?? systemResolver, maxAnswerBytes: request.maxAnswerBytes };
  const answer = await postBody(request.url, body, headers, opts);
  return readAnswer(answer, request.read);
}

/** What came back from one POST, before anyone judged it. */
export interface RawAnswer {
  status: number | null;
  /** why there is no answer (connection, timeout, the guard) */
  error: string | null;
  /** the answer's body, up to the read limit */
  body: string;
  complete: boolean;
  location: string | undefined;
  durationMs: number;
}

/** The vendor's verdict when it has one; otherwise any 2xx is delivered. */
function readAnswer(answer: RawAnswer, read: ((a: VendorAnswer) => Verdict | null) | undefined): AttemptResult {
  if (answer.status !== null && read) {
    const verdict = read({ status: answer.status, body: answer.body, complete: answer.complete });
    if (verdict) return { delivered: verdict.delivered, status: answer.status, error: verdict.error, durationMs: answer.durationMs, ...(verdict.final ? { final: true } : {}) };
  }
  return outcome(answer.status, answer.error, answer.body.slice(0, 300), answer.location, answer.durationMs);
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
  return readAnswer(await postBody(rawUrl, body, headers, opts), undefined);
}

/** POST through the SSRF guard and collect the answer (its first `maxAnswerBytes`, 64 KiB by default). */
export async function postBody(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allow: readonly string[]; resolver: Resolver; maxAnswerBytes?: number | undefined },
): Promise<RawAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const limit = opts.maxAnswerBytes ?? maxResponseBytes;
  const policy = outboundPolicy(opts.allow);
  let url: URL;
  try {
    url = checkUrlShape(rawUrl, policy).url;
  } catch (err) {
    return { status: null, error: (err as Error).message, body: '', complete: false, location: undefined, durationMs: 0 };
  }
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<RawAnswer>((resolve) => {
    let settled = false;
    let status: number | null = null;
    const chunks: Buffer[] = [];
    let read = 0;
    let complete = false;
    let location: string | undefined;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ status, error, body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'), complete, location, durationMs: elapsed() });
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
        response.on('data', (chunk: Buffer) => {
          if (read < limit) chunks.push(chunk);
          read += chunk.length;
          if (read > limit) finish(null);
        });
        response.on('end', () => {
          complete = true;
          finish(null);
        });
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

function clean(text: string): string {
  return answerText(text, Number.MAX_SAFE_INTEGER);
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
