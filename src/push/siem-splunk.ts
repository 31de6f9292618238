// The splunk-hec connector: events for Splunk's HTTP Event Collector (/services/collector/event),
// one HEC event per record, shaped so Splunk Enterprise Security can take the indicators into
// its local threat intelligence lookups, and the reading of HEC's {"text","code"} answers.
import { jsonText } from '../exports/formats/text.js';
import { toWatchlistAlert } from '../watchlists/watchlist-event.js';
import {
  actionOf,
  answerText,
  epochSeconds,
  oneLine,
  parseJsonObject,
  readWarning,
  warningLink,
  type SplunkOptions,
  type VendorAnswer,
  type Verdict,
  type WarningFacts,
} from './siem-connectors.js';
import type { OutgoingEvent } from './webhooks.formats.js';

/** The default path when the admin gives only the collector's address. */
export const hecEventPath = '/services/collector/event';

/** How much of a warning's free text goes into one HEC event (Splunk cuts events at 10,000 bytes by default). */
const detailsMax = 2000;

/**
 * The field and Enterprise Security intelligence collection an indicator belongs to: the
 * names of ES's ip_intel, http_intel, file_intel and email_intel, so a scheduled search can
 * `| outputlookup local_<collection>` without renaming.
 */
const esFields: Readonly<Record<string, { field: string; collection: string }>> = {
  ipv4: { field: 'ip', collection: 'ip_intel' },
  ipv6: { field: 'ip', collection: 'ip_intel' },
  cidr: { field: 'ip', collection: 'ip_intel' },
  domain: { field: 'domain', collection: 'ip_intel' },
  url: { field: 'url', collection: 'http_intel' },
  email: { field: 'src_user', collection: 'email_intel' },
  md5: { field: 'file_hash', collection: 'file_intel' },
  sha1: { field: 'file_hash', collection: 'file_intel' },
  sha256: { field: 'file_hash', collection: 'file_intel' },
};

function intelFields(type: string, value: string): Record<string, string> {
  const es = esFields[type];
  return es ? { [es.field]: value, es_intel: es.collection } : {};
}

/** The request URL: the admin's, or the event endpoint when only the collector's address was given. */
export function hecUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = hecEventPath;
  return u.toString();
}

/** The HEC events of one hub event (metadata and `event`), in the order they are sent. */
export function splunkEvents(event: OutgoingEvent, opts: SplunkOptions, env: { publicUrl: string; webhookId: string }): Array<Record<string, unknown>> {
  const envelope = (record: Record<string, unknown>) => ({
    time: epochSeconds(event.occurredAt),
    host: new URL(env.publicUrl).host,
    source: opts.source,
    sourcetype: opts.sourcetype,
    ...(opts.index ? { index: opts.index } : {}),
    event: record,
  });
  const base = { tocsin_event: event.type, event_id: event.id };

  if (event.type === 'ping') {
    return [envelope({ record: 'ping', action: 'ping', ...base, message: 'Test delivery from Tocsin', webhook_id: env.webhookId })];
  }
  const watch = toWatchlistAlert(event.data);
  if (watch) {
    const w = watch.watchlist;
    return w.matches.map((m) =>
      envelope({
        record: 'watchlist_match',
        action: 'matched',
        ...base,
        match_id: m.id,
        indicator_type: m.type,
        indicator: m.value,
        ...intelFields(m.type, m.value),
        asset_kind: m.asset.kind,
        asset: m.asset.value,
        reason: m.reason,
        explanation: oneLine(m.explanation),
        tlp: tlpLabel(m.tlp),
        source_kind: w.source.kind,
        source_id: w.source.id,
        source_label: oneLine(w.source.label, 200),
        ...(w.source.link ? { source_url: w.source.link } : {}),
        matches_url: w.link || `${env.publicUrl}/watchlist`,
        match_count: w.matchCount,
      }),
    );
  }
  const warning = event.type.startsWith('warning.') ? readWarning(event.data, event.subjectId) : null;
  if (warning) return warningRecords(event, warning, env.publicUrl).map(envelope);
  if (event.type === 'stix.added') {
    const d = (event.data ?? {}) as Record<string, unknown>;
    const collection = (d.collection ?? {}) as Record<string, unknown>;
    return [
      envelope({
        record: 'stix',
        action: 'added',
        ...base,
        collection_id: String(collection.id ?? event.subjectId ?? ''),
        collection: oneLine(String(collection.title ?? ''), 200),
        tlp: typeof d.tlp === 'string' ? tlpLabel(d.tlp) : 'TLP:RED',
        ...(typeof d.producer === 'string' ? { reported_by: oneLine(d.producer, 200) } : {}),
        count: typeof d.count === 'number' ? d.count : 0,
        types: d.types && typeof d.types === 'object' ? d.types : {},
      }),
    ];
  }
  return [envelope({ record: 'event', action: event.type, ...base })];
}

/** One event for the warning, then one per indicator: each indicator is a row for ES's lookups. */
function warningRecords(event: OutgoingEvent, w: WarningFacts, publicUrl: string): Array<Record<string, unknown>> {
  const action = actionOf(event.type);
  const common = {
    action,
    tocsin_event: event.type,
    event_id: event.id,
    warning_id: w.id,
    warning_version: w.version,
    warning_status: w.status,
    warning_url: warningLink(publicUrl, w.id),
    tlp: tlpLabel(w.tlp),
    severity: w.severity,
    kind: w.kind,
    reported_by: oneLine(w.reportedBy, 200),
    ...(action === 'retracted' ? { retraction_reason: oneLine(w.retractionReason ?? '', 2000), retracted_at: w.retractedAt } : {}),
  };
  const title = oneLine(w.title, 500);
  const records: Array<Record<string, unknown>> = [
    {
      record: 'warning',
      ...common,
      title,
      details: oneLine(w.details, detailsMax),
      affected_services: w.affectedServices.map((s) => oneLine(s, 200)),
      started_at: w.startedAt,
      created_at: w.createdAt,
      updated_at: w.updatedAt,
      indicator_count: w.indicators.length,
    },
  ];
  for (const i of w.indicators) {
    records.push({
      record: 'indicator',
      ...common,
      indicator_type: i.type,
      indicator: i.value,
      ...intelFields(i.type, i.value),
      // ES shows `description` next to a threat match.
      description: title,
      first_seen: w.createdAt,
      modified: w.updatedAt,
    });
  }
  return records;
}

function tlpLabel(tlp: string): string {
  return `TLP:${tlp.toUpperCase()}`;
}

/** HEC's batch format: the event objects one after another (here one a line). */
export function splunkBody(events: Array<Record<string, unknown>>): string {
  return events.map((e) => jsonText(e)).join('\n');
}

/**
 * HEC answers `{"text":"Success","code":0}`; anything else is a failure with HEC's words.
 * A 2xx that is not HEC's answer (a proxy or the wrong port) fails too: nothing was indexed.
 */
export function readHecAnswer(answer: VendorAnswer): Verdict | null {
  if (answer.status >= 300 && answer.status < 400) return null; // the deliverer says "redirect not followed"
  const json = parseJsonObject(answer.body);
  const code = typeof json?.code === 'number' ? json.code : null;
  const text = typeof json?.text === 'string' ? answerText(json.text) : '';
  const ok = answer.status >= 200 && answer.status < 300;
  if (ok && code === 0) return { delivered: true, error: null };
  if (code !== null) return { delivered: false, error: `${ok ? '' : `HTTP ${answer.status}: `}Splunk HEC code ${code}${text ? `: ${text}` : ''}` };
  if (ok) return { delivered: false, error: `HTTP ${answer.status}, but not an answer from Splunk HEC${answer.body ? `: ${answerText(answer.body)}` : ''}; check the URL (…${hecEventPath})` };
  return null;
}
