// Sends the mail outbox: one mail per warning for people on immediate alerts, one digest an
// hour for the rest. The sharing policy is checked again at send time, so someone who left
// the audience (their organisation left a group, their account was disabled) gets nothing.
import { addMs, isoNow, type AppContext } from '../context.js';
import { isRecipient, loadShareRules, readerForOrg, type Reader, type ShareRule } from '../sharing/policy.js';
import type { EventRow } from '../store/schema.js';
import {
  claimDueMail,
  claimUserDigest,
  ensureAlertPrefsRow,
  findDueDigestUsers,
  findEvents,
  findMailUser,
  findOldestDueDigest,
  hasPendingMail,
  lockAlertPrefs,
  markMail,
  stampDigestSent,
  type ClaimedMail,
  type MailUser,
} from './alerts.repository.js';
import { toWatchlistAlert, type WatchlistAlert } from '../watchlists/watchlist-event.js';
import { renderAlert, renderDigest, renderWatchlistAlert, toAlertItem, type AlertItem } from './alerts.render.js';
import { payloadFor, type StoredEventData } from './outbox.js';
import { createPump, type Pump } from './pump.js';
import { addTo, forEachLimit } from '../collections.js';
import { smtpError } from '../mail/mailer.js';

export interface MailDeliveryOptions {
  /** how often the pump looks for retries that fell due and digests that became due */
  intervalMs: number;
  /** how long a claimed row is reserved for this process before another may take it over */
  leaseMs: number;
  /** rows (alerts) or users (digests) claimed per pass */
  batchSize: number;
  /** mails in flight at once */
  concurrency: number;
  /** first retry pause; it doubles with each failure up to retryCapMs */
  retryBaseMs: number;
  retryCapMs: number;
  /** a mail still refused this long after it was queued is marked failed (config mailRetryHours) */
  giveUpMs: number;
  /** the digest rhythm: at most one digest per period, each item waiting at most about one period */
  digestEveryMs: number;
}

export function defaultMailDeliveryOptions(ctx: Pick<AppContext, 'config'>): MailDeliveryOptions {
  return {
    intervalMs: 5_000,
    leaseMs: 5 * 60_000,
    batchSize: 25,
    concurrency: 4,
    retryBaseMs: 30_000,
    retryCapMs: 3_600_000,
    giveUpMs: ctx.config.mailRetryHours * 3_600_000,
    digestEveryMs: 3_600_000,
  };
}

export interface MailDeliverer {
  /** One pass: due immediate alerts, then due digests. Resolves to how many it handled (0: nothing due). */
  runOnce(): Promise<number>;
}

export type MailPump = Pump & Pick<MailDeliverer, 'runOnce'>;

/** The mail worker for `tocsin serve`: wakes on new events, and every few seconds for retries and digests. */
export function createMailPump(ctx: AppContext, options: Partial<MailDeliveryOptions> = {}): MailPump {
  const opts = { ...defaultMailDeliveryOptions(ctx), ...options };
  const deliverer = createMailDeliverer(ctx, opts);
  const pump = createPump({ name: 'mail', bus: ctx.bus, log: ctx.log, runOnce: deliverer.runOnce, intervalMs: opts.intervalMs, wakesOn: (m) => m.kind !== 'sharing' });
  return { ...pump, runOnce: deliverer.runOnce };
}

/** The pause before retry number `attempts + 1`: 30 s, 1 min, 2 min, … at most an hour. */
export function retryDelayMs(attempts: number, opts: Pick<MailDeliveryOptions, 'retryBaseMs' | 'retryCapMs'>): number {
  return Math.min(opts.retryBaseMs * 2 ** Math.min(attempts, 30), opts.retryCapMs);
}

export function createMailDeliverer(ctx: AppContext, options: Partial<MailDeliveryOptions> = {}): MailDeliverer {
  const opts = { ...defaultMailDeliveryOptions(ctx), ...options };
  const log = ctx.log.child({ worker: 'mail' });
  let warnedUnconfigured = false;

  /**
   * The reader a user is now: their organisation's current groups, or an operator without
   * one. `cache` lives for one pass, so a batch to one organisation reads its groups once.
   */
  const readerOf = (user: MailUser, cache: Map<string, Promise<Reader>>): Promise<Reader> => {
    if (!user.org_id) return Promise.resolve({ orgId: null, groupIds: new Set<string>(), isOperator: user.is_operator === 1, anonymous: false });
    let reader = cache.get(user.org_id);
    if (!reader) cache.set(user.org_id, (reader = readerForOrg(ctx.db, user.org_id)));
    return reader;
  };

  /** The item to send, or why the row is dropped without sending (the policy and the user's state, as they are now). */
  const check = (user: MailUser | undefined, reader: Reader | null, event: EventRow | undefined, rule: ShareRule | undefined): { drop: string } | { item: AlertItem } | { watch: WatchlistAlert } => {
    if (!user) return { drop: 'the user no longer exists' };
    if (user.disabled_at !== null) return { drop: 'the user is disabled' };
    if (user.mode === 'none') return { drop: 'the user turned email alerts off' };
    if (!event) return { drop: 'the event is no longer kept' };
    if (!rule || !reader) return { drop: 'the shared object no longer exists' };
    if (!isRecipient(reader, rule)) return { drop: 'no longer in the audience' };
    const payload = payloadFor(reader, parseEventData(event.data));
    const item = toAlertItem(payload);
    if (item) return { item };
    const watch = toWatchlistAlert(payload);
    if (watch) return { watch };
    return { drop: `no email form for ${event.type} events` };
  };

  /** After an SMTP failure: try again later, or give up once the mail is too old to matter. */
  const failed = async (rows: ClaimedMail[], lease: string, err: unknown): Promise<void> => {
    const now = isoNow(ctx);
    const error = smtpError(err);
    for (const row of rows) {
      const age = Date.parse(now) - Date.parse(row.created_at);
      if (age >= opts.giveUpMs) await markMail(ctx.db, [row.id], lease, { status: 'failed', error: `gave up: ${error}`, attempted: true });
      else await markMail(ctx.db, [row.id], lease, { status: 'pending', nextAttemptAt: addMs(now, retryDelayMs(row.attempts, opts)), error });
    }
  };

  const deliverAlerts = async (): Promise<number> => {
    const now = isoNow(ctx);
    const lease = addMs(now, opts.leaseMs);
    const claimed = await claimDueMail(ctx.db, ctx.dialect, { kind: 'alert', now, leaseUntil: lease, limit: opts.batchSize });
    if (claimed.length === 0) return 0;
    const events = await findEvents(ctx.db, claimed.map((c) => c.event_id));
    const rules = await loadShareRules(ctx.db, [...events.values()].flatMap((e) => (e.share_id ? [e.share_id] : [])));
    const readers = new Map<string, Promise<Reader>>();
    await forEachLimit(claimed, opts.concurrency, async (row) => {
      try {
        const user = await findMailUser(ctx.db, row.user_id);
        const event = events.get(row.event_id);
        const rule = event?.share_id ? rules.get(event.share_id) : undefined;
        const reader = user && rule ? await readerOf(user, readers) : null;
        const verdict = check(user, reader, event, rule);
        if ('drop' in verdict) return markMail(ctx.db, [row.id], lease, { status: 'failed', error: verdict.drop, attempted: false });
        const mail =
          'watch' in verdict
            ? renderWatchlistAlert(verdict.watch, { publicUrl: ctx.config.publicUrl, reason: watchReason(user!, 'immediate') })
            : renderAlert(verdict.item, { publicUrl: ctx.config.publicUrl, reason: reasonFor(user!, reader!, rule!, 'immediate') });
        try {
          await ctx.mailer.send({ to: user!.email, ...mail });
        } catch (err) {
          log.warn({ mailId: row.id, userId: row.user_id, attempts: row.attempts + 1, err: smtpError(err) }, 'alert mail refused; will retry');
          return failed([row], lease, err);
        }
        await markMail(ctx.db, [row.id], lease, { status: 'sent', at: isoNow(ctx) });
      } catch (err) {
        // The lease runs out and the row is tried again; the other rows carry on meanwhile.
        log.error({ err, mailId: row.id }, 'alert mail could not be processed');
      }
    });
    return claimed.length;
  };

  /** One user's digest; true when there was something to handle. */
  const deliverDigest = async (userId: string, hasPrefs: boolean): Promise<boolean> => {
    const now = isoNow(ctx);
    const lease = addMs(now, opts.leaseMs);
    const since = addMs(now, -opts.digestEveryMs);
    if (!hasPrefs) await ensureAlertPrefsRow(ctx.db, userId, now);
    // The preferences row is the per-user lock: two processes never send one user two digests.
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      const prefs = await lockAlertPrefs(trx, ctx.dialect, userId);
      if (!prefs || (prefs.last_digest_at !== null && prefs.last_digest_at > since)) return [];
      const oldest = await findOldestDueDigest(trx, userId, now);
      if (!oldest || oldest > since) return [];
      return claimUserDigest(trx, { userId, now, leaseUntil: lease });
    });
    if (claimed.length === 0) return false;

    const user = await findMailUser(ctx.db, userId);
    const events = await findEvents(ctx.db, claimed.map((c) => c.event_id));
    const rules = await loadShareRules(ctx.db, [...events.values()].flatMap((e) => (e.share_id ? [e.share_id] : [])));
    const reader = user ? await readerOf(user, new Map()) : null;
    const included: Array<{ row: ClaimedMail; item: AlertItem }> = [];
    const watched: Array<{ row: ClaimedMail; watch: WatchlistAlert }> = [];
    const dropped = new Map<string, number[]>();
    for (const row of [...claimed].sort((a, b) => b.event_id - a.event_id)) {
      const event = events.get(row.event_id);
      const verdict = check(user, reader, event, event?.share_id ? rules.get(event.share_id) : undefined);
      if ('drop' in verdict) addTo(dropped, verdict.drop, row.id);
      else if ('watch' in verdict) watched.push({ row, watch: verdict.watch });
      else included.push({ row, item: verdict.item });
    }
    for (const [error, ids] of dropped) await markMail(ctx.db, ids, lease, { status: 'failed', error, attempted: false });
    if (included.length === 0 && watched.length === 0) return true;

    const rows = [...included.map((i) => i.row), ...watched.map((w) => w.row)];
    const mail = renderDigest(
      collapseByWarning(included.map((i) => i.item)),
      { publicUrl: ctx.config.publicUrl, reason: included.length ? reasonFor(user!, reader!, null, 'hourly') : watchReason(user!, 'hourly') },
      watched.map((w) => w.watch),
    );
    try {
      await ctx.mailer.send({ to: user!.email, ...mail });
    } catch (err) {
      log.warn({ userId, items: rows.length, err: smtpError(err) }, 'digest mail refused; will retry');
      await failed(rows, lease, err);
      return true;
    }
    const sentAt = isoNow(ctx);
    await markMail(ctx.db, rows.map((r) => r.id), lease, { status: 'sent', at: sentAt });
    await stampDigestSent(ctx.db, userId, sentAt);
    return true;
  };

  const deliverDigests = async (): Promise<number> => {
    const now = isoNow(ctx);
    const due = await findDueDigestUsers(ctx.db, { now, since: addMs(now, -opts.digestEveryMs), limit: opts.batchSize });
    let handled = 0;
    await forEachLimit(due, opts.concurrency, async (d) => {
      try {
        if (await deliverDigest(d.user_id, d.has_prefs)) handled += 1;
      } catch (err) {
        log.error({ err, userId: d.user_id }, 'digest mail could not be processed');
      }
    });
    return handled;
  };

  return {
    async runOnce() {
      // Without SMTP nothing can succeed: keep the rows pending rather than burn their attempts.
      if (!ctx.mailer.configured) {
        if (!warnedUnconfigured && (await hasPendingMail(ctx.db))) {
          log.warn('email alerts are waiting and will not be sent until TOCSIN_SMTP_URL is set');
          warnedUnconfigured = true;
        }
        return 0;
      }
      return (await deliverAlerts()) + (await deliverDigests());
    },
  };
}

/**
 * A digest lists each warning once, in its newest state (an update or a retraction); a
 * warning first sent within the same hour is presented as new, since this is its first mail.
 */
export function collapseByWarning(itemsNewestFirst: readonly AlertItem[]): AlertItem[] {
  const byId = new Map<string, AlertItem>();
  const createdHere = new Set<string>();
  for (const item of itemsNewestFirst) {
    if (item.type === 'warning.created') createdHere.add(item.warning.id);
    if (!byId.has(item.warning.id)) byId.set(item.warning.id, item);
  }
  return [...byId.values()].map((item) => (item.type === 'warning.updated' && createdHere.has(item.warning.id) ? { ...item, type: 'warning.created' } : item));
}

/** Completes "You get this email because …". */
function reasonFor(user: MailUser, reader: Reader, rule: ShareRule | null, mode: 'immediate' | 'hourly'): string {
  const who =
    reader.orgId === null
      ? 'you are a hub operator'
      : rule && rule.producerOrgId === reader.orgId
        ? `your organisation${user.org_name ? `, ${user.org_name},` : ''} sent this warning`
        : `your organisation${user.org_name ? `, ${user.org_name},` : ''} is in the audience of ${rule ? 'this warning' : 'these warnings'}`;
  return `${who} and you chose ${mode === 'hourly' ? 'an hourly digest of email alerts' : 'an email for each warning'}`;
}

/** Completes "You get this email because …" for a watchlist match. */
function watchReason(user: MailUser, mode: 'immediate' | 'hourly'): string {
  return `new intel touched the assets on your organisation's watchlist${user.org_name ? ` (${user.org_name})` : ''} and you chose ${mode === 'hourly' ? 'an hourly digest of email alerts' : 'an email for each alert'}`;
}

/** The SMTP server's answer, without anything that could carry credentials. */

function parseEventData(json: string): StoredEventData {
  try {
    return JSON.parse(json) as StoredEventData;
  } catch {
    return { producerOrgId: null, full: null, others: null };
  }
}
