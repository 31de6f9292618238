// The elastic-bulk connector: indicator documents in the Elastic Common Schema threat fields,
// sent with the _bulk API as create actions (data streams accept nothing else), and the reading
// of _bulk's answer, which is 200 even when some documents were not taken.
import { createHash, randomUUID } from 'node:crypto';
import { ecsDocument } from '../exports/formats/ecs.js';
import { jsonText } from '../exports/formats/text.js';
import { isIndicatorType } from '../stix/observables.js';
import { toWatchlistAlert } from '../watchlists/watchlist-event.js';
import {
  actionOf,
  answerText,
  oneLine,
  parseJsonObject,
  readWarning,
  warningLink,
  type ElasticOptions,
  type VendorAnswer,
  type Verdict,
} from './siem-connectors.js';
import type { OutgoingEvent } from './webhooks.formats.js';

export const ecsVersion = '8.11.0';
/** Prebuilt indicator match rules read `event.module:(threatintel or ti_*)`. */
export const elasticModule = 'ti_tocsin';
const defaultDataset = 'ti_tocsin.indicator';
// Only the status and error of each item: a 1,000-document answer stays a few kilobytes.
const filterPath = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

/** `<url>/_bulk` (unless it already ends so), asking for the short form of the answer. */
export function bulkUrl(url: string): string {
  const u = new URL(url);
  if (!/\/_bulk$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, '')}/_bulk`;
  // Set by hand: searchParams would write the commas as %2C, which reads badly in logs.
  if (!u.searchParams.has('filter_path')) u.search = `${u.search ? `${u.search}&` : '?'}filter_path=${filterPath}`;
  return u.toString();
}

export interface BulkDocument {
  /** deterministic: a retry of the same event creates nothing twice (409 instead) */
  id: string;
  doc: Record<string, unknown>;
}

/**
 * The value fields of threat.indicator (type, name, ip / url.* / email.address / file.hash.*)
 * exactly as the ecs-ndjson export writes them, so a value looks the same pulled or pushed.
 * Null when ECS cannot carry it (CVE, a range wider than one address).
 */
function indicatorValue(type: string, value: string): Record<string, unknown> | null {
  if (!isIndicatorType(type)) return null;
  const doc = ecsDocument(
    { id: 0, type, value, confidence: 0, tlp: 'clear', firstSeen: '', lastSeen: '', validUntil: null, sources: [], url: '', sightings: 0 },
    { hubName: '', hubUrl: '', exportName: '', generatedAt: new Date(0).toISOString(), serial: 0, sidBase: 0, sidRange: 0 },
  );
  const ind = (doc?.threat as { indicator?: Record<string, unknown> } | undefined)?.indicator;
  if (!ind) return null;
  const out: Record<string, unknown> = {};
  for (const key of ['type', 'name', 'ip', 'url', 'email', 'file']) if (ind[key] !== undefined) out[key] = ind[key];
  return out;
}

/** data_stream.* when the index follows Elastic's `<type>-<dataset>-<namespace>` scheme. */
function dataStreamOf(index: string): { type: string; dataset: string; namespace: string } | null {
  const m = /^(logs|metrics|traces|synthetics)-([^-]+)-([^-]+)$/.exec(index);
  return m ? { type: m[1]!, dataset: m[2]!, namespace: m[3]! } : null;
}

function docId(webhookId: string, eventId: number, key: string): string {
  return createHash('sha256').update(`${webhookId}\n${eventId}\n${key}`).digest('base64url').slice(0, 27);
}

/** The documents of one hub event; none when it carries nothing Elastic can hold as an indicator. */
export function elasticDocuments(event: OutgoingEvent, opts: ElasticOptions, env: { publicUrl: string; webhookId: string }): BulkDocument[] {
  const stream = dataStreamOf(opts.index);
  const dataset = stream?.dataset ?? defaultDataset;
  const feed = { name: `Tocsin ${new URL(env.publicUrl).host}`, reference: env.publicUrl };
  const common = (ecsEvent: Record<string, unknown>) => ({
    '@timestamp': event.occurredAt,
    ecs: { version: ecsVersion },
    ...(stream ? { data_stream: stream } : {}),
    event: { ...ecsEvent, module: elasticModule, dataset, created: event.occurredAt, ...(event.id ? { id: String(event.id) } : {}) },
  });

  if (event.type === 'ping') {
    return [
      {
        id: `ping-${randomUUID()}`,
        doc: {
          ...common({ kind: 'event', category: ['configuration'], type: ['info'], action: 'ping' }),
          message: 'Test delivery from Tocsin',
          tags: ['tocsin'],
          tocsin: { event: { type: 'ping' }, webhook_id: env.webhookId },
        },
      },
    ];
  }

  const watch = toWatchlistAlert(event.data);
  if (watch) {
    const w = watch.watchlist;
    return w.matches.map((m) => {
      const value = indicatorValue(m.type, m.value) ?? { name: m.value };
      const reference = w.source.link ?? w.link;
      return {
        id: docId(env.webhookId, event.id, `watch\n${m.id}\n${m.type}\n${m.value}`),
        doc: {
          // An alert about the organisation's own assets, not an indicator to match on: a rule
          // on event.kind:alert turns it into an Elastic Security alert.
          ...common({ kind: 'alert', category: ['threat'], type: ['indicator'], action: 'watchlist-match', reference: w.link }),
          message: oneLine(m.explanation),
          tags: ['tocsin', 'watchlist', `TLP:${m.tlp.toUpperCase()}`],
          threat: {
            indicator: { ...value, marking: { tlp: m.tlp.toUpperCase(), tlp_version: '2.0' }, provider: oneLine(w.source.label, 200), ...(reference ? { reference } : {}) },
            feed,
          },
          tocsin: {
            event: { id: event.id, type: event.type },
            watchlist: { match_id: m.id, asset: { kind: m.asset.kind, value: m.asset.value }, reason: m.reason, match_count: w.matchCount, source: { kind: w.source.kind, id: w.source.id } },
          },
        },
      };
    });
  }

  const w = event.type.startsWith('warning.') ? readWarning(event.data, event.subjectId) : null;
  if (!w) return [];
  const action = actionOf(event.type);
  const retracted = action === 'retracted';
  const link = warningLink(env.publicUrl, w.id);
  const title = oneLine(w.title, 500);
  const tlp = w.tlp.toUpperCase();
  const docs: BulkDocument[] = [];
  for (const i of w.indicators) {
    const value = indicatorValue(i.type, i.value);
    if (!value) continue;
    docs.push({
      id: docId(env.webhookId, event.id, `${i.type}\n${i.value}`),
      doc: {
        // A retraction is an event about the indicator, not an indicator: event.kind and
        // event.type differ so indicator match rules (enrichment + indicator) skip it.
        ...common(retracted ? { kind: 'event', category: ['threat'], type: ['deletion'], action, reference: link } : { kind: 'enrichment', category: ['threat'], type: ['indicator'], action, reference: link }),
        message: oneLine(`${retracted ? 'Retracted: ' : ''}${String(value.name ?? i.value)}: ${w.title}`, 600),
        tags: ['tocsin', w.kind, `severity:${w.severity}`, `TLP:${tlp}`],
        threat: {
          indicator: {
            ...value,
            description: title,
            provider: oneLine(w.reportedBy, 200),
            reference: link,
            ...(w.createdAt ? { first_seen: w.createdAt } : {}),
            ...(w.updatedAt ? { modified: w.updatedAt } : {}),
            marking: { tlp, tlp_version: '2.0' },
          },
          feed,
        },
        tocsin: {
          event: { id: event.id, type: event.type },
          warning: {
            id: w.id,
            version: w.version,
            status: w.status,
            kind: w.kind,
            severity: w.severity,
            ...(retracted ? { retracted_at: w.retractedAt, retraction_reason: oneLine(w.retractionReason ?? '', 2000) } : {}),
          },
        },
      },
    });
  }
  return docs;
}

/** NDJSON: an action line and a document line per document, the body ending with a newline. */
export function bulkBody(docs: BulkDocument[], index: string): string {
  return docs.map((d) => `${jsonText({ create: { _index: index, _id: d.id } })}\n${jsonText(d.doc)}\n`).join('');
}

/** Item statuses worth another attempt: overload and outages, and settings an admin can fix (key, privileges, a missing index). */
function retryable(status: number): boolean {
  return status === 429 || status >= 500 || status === 401 || status === 403 || status === 404;
}

function itemError(status: number, error: unknown): string {
  const e = (error ?? {}) as { type?: unknown; reason?: unknown };
  const type = typeof e.type === 'string' ? e.type : '';
  const reason = typeof e.reason === 'string' ? e.reason : '';
  return answerText(`${status}${type ? ` ${type}` : ''}${reason ? `: ${reason}` : ''}`, 200);
}

/**
 * _bulk answers 200 with `errors: true` when some items failed. 409 (the document exists: an
 * earlier attempt created it) counts as taken; 429 and 5xx items are tried again later, with
 * the whole request, which is safe because ids are deterministic; other refusals (a mapping
 * conflict) would fail the same way every time, so they are recorded and not retried.
 */
export function readBulkAnswer(answer: VendorAnswer, sent: number): Verdict | null {
  if (answer.status >= 300 && answer.status < 400) return null;
  const json = parseJsonObject(answer.body);
  if (answer.status < 200 || answer.status >= 300) {
    const err = json?.error;
    if (err && typeof err === 'object') return { delivered: false, error: `HTTP ${answer.status}: ${itemError(answer.status, err).replace(/^\d+ /, '')}` };
    return null;
  }
  if (!answer.complete) return { delivered: false, error: 'the _bulk answer was too long to read; trying again (documents already created are not duplicated)' };
  if (!json || (json.errors !== true && json.errors !== false)) {
    return { delivered: false, error: `HTTP ${answer.status}, but not an answer from Elasticsearch _bulk${answer.body ? `: ${answerText(answer.body)}` : ''}; check the URL` };
  }
  if (json.errors === false) return { delivered: true, error: null };
  const items = Array.isArray(json.items) ? json.items : [];
  if (items.length !== sent) return { delivered: false, error: `Elasticsearch answered for ${items.length} of ${sent} documents; trying again` };
  const again: string[] = [];
  const refused: string[] = [];
  for (const item of items) {
    const result = item && typeof item === 'object' ? (Object.values(item as Record<string, unknown>)[0] as { status?: unknown; error?: unknown } | undefined) : undefined;
    const status = typeof result?.status === 'number' ? result.status : 0;
    if ((status >= 200 && status < 300) || status === 409) continue;
    (retryable(status) ? again : refused).push(itemError(status, result?.error));
  }
  const howMany = refused.length === sent ? (sent === 1 ? 'the document' : `all ${sent} documents`) : `${refused.length} of ${sent} documents`;
  const refusedText = refused.length ? `Elasticsearch refused ${howMany}: ${refused[0]}` : '';
  if (again.length) {
    return { delivered: false, error: `Elasticsearch did not take ${again.length} of ${sent} documents yet: ${again[0]}${refusedText ? `; ${refusedText}` : ''}` };
  }
  if (refused.length === sent) return { delivered: false, final: true, error: `${refusedText} (not retried: fix the mapping or the index)` };
  if (refused.length) return { delivered: true, error: `${refusedText} (not retried)` };
  return { delivered: true, error: null };
}
