// What a webhook receiver gets: the event as JSON, a Slack message, a Microsoft Teams
// MessageCard, or a SIEM's own format (Splunk HEC events, Elastic _bulk NDJSON) with its
// credential. Pure functions over the payload the policy already chose for the reader.
import { defang } from '../stix/extract.js';
import { isWarningKind, warningKindLabels } from '../stix/vocab.js';
import { explainMatch, matchCountText, toWatchlistAlert, type WatchlistAlert } from '../watchlists/watchlist-event.js';
import { authorizationHeader, connectorFormats, elasticOptions, splunkOptions, type ConnectorOptionsInput, type VendorAnswer, type Verdict } from './siem-connectors.js';
import { bulkBody, bulkUrl, elasticDocuments, readBulkAnswer } from './siem-elastic.js';
import { hecUrl, readHecAnswer, splunkBody, splunkEvents } from './siem-splunk.js';

export const chatFormats = ['json', 'slack', 'teams'] as const;
export type ChatFormat = (typeof chatFormats)[number];
export const webhookFormats = [...chatFormats, ...connectorFormats] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

/** One event as it leaves the hub; `data` is what this reader may see (payloadFor). */
export interface OutgoingEvent {
  /** the event id (0 for a test ping, which is never stored) */
  id: number;
  type: string;
  occurredAt: string;
  /** what the event is about, e.g. the warning id */
  subjectId: string | null;
  data: unknown;
}

/** The fields of a warning a chat message shows; read defensively from the event data. */
interface WarningSummary {
  id: string;
  title: string;
  severity: string;
  tlp: string;
  kind: string;
  source: string;
  retractionReason: string | null;
}

const severityColours: Readonly<Record<string, string>> = {
  low: '2E7D32',
  medium: 'F2C811',
  high: 'F7630C',
  critical: 'C50F1F',
};

const eventLabels: Readonly<Record<string, string>> = {
  'warning.created': 'New warning',
  'warning.updated': 'Warning updated',
  'warning.retracted': 'Warning retracted',
  'stix.added': 'New STIX objects from a partner tool',
  'watchlist.match': 'Watchlist match',
  ping: 'Test message',
};

/** The webhook as the request builder needs it. */
export interface WebhookTarget {
  id: string;
  url: string;
  format: WebhookFormat;
  credential: string | null;
  options: ConnectorOptionsInput;
}

/** One POST: where, what, and how to read the answer. */
export interface OutgoingRequest {
  url: string;
  body: string;
  contentType: string;
  /** added to the hub's own headers (signature, event id, idempotency key) */
  headers: Record<string, string>;
  /** how much of the answer to read; the default reads a snippet for the log */
  maxAnswerBytes?: number;
  /** the vendor's reading of an answer; null or absent: any 2xx is delivered */
  read?: (answer: VendorAnswer) => Verdict | null;
}

/** A SIEM's answers are parsed, so more of them is read than of a webhook's. */
export const maxVendorAnswerBytes = 4 * 1024 * 1024;

/** The request for one event, or `skip` when the format has nothing to carry for it. */
export function buildRequest(target: WebhookTarget, event: OutgoingEvent, publicUrl: string): OutgoingRequest | { skip: string } {
  const env = { publicUrl, webhookId: target.id };
  switch (target.format) {
    case 'json':
    case 'slack':
    case 'teams':
      // Byte for byte what these formats always sent.
      return { url: target.url, body: JSON.stringify(buildBody(target.format, event, publicUrl)), contentType: 'application/json', headers: {} };
    case 'splunk-hec': {
      const events = splunkEvents(event, splunkOptions(target.options), env);
      if (events.length === 0) return { skip: 'nothing to send: the event has no records for Splunk' };
      return {
        url: hecUrl(target.url),
        body: splunkBody(events),
        contentType: 'application/json',
        headers: {
          Authorization: authorizationHeader('splunk-hec', target.options, requireCredential(target)),
          // Needed when the token has indexer acknowledgement on; ignored otherwise. A GUID, as HEC wants.
          'X-Splunk-Request-Channel': target.id,
        },
        maxAnswerBytes: maxVendorAnswerBytes,
        read: readHecAnswer,
      };
    }
    case 'elastic-bulk': {
      const opts = elasticOptions(target.options);
      const docs = elasticDocuments(event, opts, env);
      if (docs.length === 0) return { skip: 'nothing to send: the event has no indicators Elastic can hold' };
      return {
        url: bulkUrl(target.url),
        body: bulkBody(docs, opts.index),
        contentType: 'application/x-ndjson',
        headers: { Authorization: authorizationHeader('elastic-bulk', target.options, requireCredential(target)), Accept: 'application/json' },
        maxAnswerBytes: maxVendorAnswerBytes,
        read: (answer) => readBulkAnswer(answer, docs.length),
      };
    }
  }
}

function requireCredential(target: WebhookTarget): string {
  // The service never saves a connector without one; a row edited by hand is a bug to see.
  if (!target.credential) throw new Error(`webhook ${target.id} (${target.format}) has no credential`);
  return target.credential;
}

export function buildBody(format: ChatFormat, event: OutgoingEvent, publicUrl: string): Record<string, unknown> {
  switch (format) {
    case 'json':
      return { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data };
    case 'slack': {
      const watch = toWatchlistAlert(event.data);
      return watch ? slackWatchlist(watch, publicUrl) : slackBody(event, publicUrl);
    }
    case 'teams': {
      const watch = toWatchlistAlert(event.data);
      return watch ? teamsWatchlist(watch, publicUrl) : teamsBody(event, publicUrl);
    }
  }
}

export function tlpLabel(tlp: string): string {
  return `TLP:${tlp.toUpperCase()}`;
}

function warningOf(event: OutgoingEvent): WarningSummary | null {
  const w = (event.data as { warning?: Record<string, unknown> } | null)?.warning;
  if (!w || typeof w !== 'object' || typeof w.title !== 'string') return null;
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);
  const source = w.source as { label?: unknown } | undefined;
  return {
    id: str(w.id, event.subjectId ?? ''),
    title: w.title,
    severity: str(w.severity, 'unknown'),
    tlp: str(w.tlp, 'clear'),
    kind: str(w.kind, 'other'),
    source: str(source?.label, 'A member'),
    retractionReason: typeof w.retractionReason === 'string' ? w.retractionReason : null,
  };
}

function kindLabel(kind: string): string {
  return isWarningKind(kind) ? warningKindLabels[kind] : kind;
}

function labelOf(event: OutgoingEvent): string {
  return eventLabels[event.type] ?? `Tocsin event ${event.type}`;
}

function linkFor(publicUrl: string, w: WarningSummary | null): string {
  return w?.id ? `${publicUrl}/warnings/${encodeURIComponent(w.id)}` : publicUrl;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as markup (links, mentions): escape what members typed. */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Teams markdown: keep member text from becoming links, emphasis or HTML. */
function teamsEscape(text: string): string {
  return text.replace(/[\\`*_[\]()<>#]/g, (c) => `\\${c}`);
}

function slackBody(event: OutgoingEvent, publicUrl: string): Record<string, unknown> {
  const w = warningOf(event);
  const label = labelOf(event);
  const link = linkFor(publicUrl, w);
  if (!w) {
    const text = event.type === 'ping' ? 'Test message from Tocsin: this webhook is set up correctly.' : `${label} on Tocsin: ${link}`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }] };
  }
  const tlp = tlpLabel(w.tlp);
  const severity = w.severity.toUpperCase();
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${label}: ${w.title}`, 150), emoji: false } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Severity*\n${slackEscape(severity)}` },
        { type: 'mrkdwn', text: `*TLP*\n${slackEscape(tlp)}` },
        { type: 'mrkdwn', text: `*Kind*\n${slackEscape(kindLabel(w.kind))}` },
        { type: 'mrkdwn', text: `*Source*\n${slackEscape(w.source)}` },
      ],
    },
  ];
  if (event.type === 'warning.retracted' && w.retractionReason) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Reason for retraction*\n${slackEscape(truncate(w.retractionReason, 2000))}` } });
  }
  blocks.push(
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Tocsin' }, url: link }] },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${slackEscape(tlp)}: share only as the marking allows. <${link}|${slackEscape(link)}>` }] },
  );
  // `text` is the notification and screen-reader fallback; Slack shows `blocks` in the channel.
  return { text: `${label} [${severity}] ${slackEscape(w.title)} (${tlp}) ${link}`, blocks };
}

function teamsBody(event: OutgoingEvent, publicUrl: string): Record<string, unknown> {
  const w = warningOf(event);
  const label = labelOf(event);
  const link = linkFor(publicUrl, w);
  const action = { '@type': 'OpenUri', name: 'Open in Tocsin', targets: [{ os: 'default', uri: link }] };
  if (!w) {
    const text = event.type === 'ping' ? 'Test message from Tocsin: this webhook is set up correctly.' : `${label} on Tocsin.`;
    return { '@type': 'MessageCard', '@context': 'https://schema.org/extensions', summary: label, title: label, text, themeColor: '0078D7', potentialAction: [action] };
  }
  const tlp = tlpLabel(w.tlp);
  const title = truncate(`${label}: ${w.title}`, 250);
  const facts = [
    { name: 'Severity', value: w.severity.toUpperCase() },
    { name: 'TLP', value: tlp },
    { name: 'Kind', value: teamsEscape(kindLabel(w.kind)) },
    { name: 'Source', value: teamsEscape(w.source) },
  ];
  if (event.type === 'warning.retracted' && w.retractionReason) facts.push({ name: 'Reason for retraction', value: teamsEscape(truncate(w.retractionReason, 2000)) });
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: truncate(`${label}: ${w.title}`, 250),
    title,
    text: `**${w.severity.toUpperCase()}** ${teamsEscape(kindLabel(w.kind))} reported by ${teamsEscape(w.source)}. ${tlp}: share only as the marking allows.`,
    themeColor: event.type === 'warning.retracted' ? '8A8886' : (severityColours[w.severity] ?? '0078D7'),
    sections: [{ facts }],
    potentialAction: [action],
  };
}

// --- watchlist matches: new intel touching the receiving organisation's own assets -------

/** How many matches a chat message lists; the rest are one click away. */
const chatMatches = 10;

function watchLines(w: WatchlistAlert['watchlist']): { lines: string[]; more: number } {
  const shown = w.matches.slice(0, chatMatches);
  // Values are defanged: chat clients turn anything that looks like a link into one.
  return { lines: shown.map((m) => explainMatch(m, defang)), more: w.matchCount - shown.length };
}

function slackWatchlist(alert: WatchlistAlert, publicUrl: string): Record<string, unknown> {
  const w = alert.watchlist;
  const link = w.link || `${publicUrl}/watchlist`;
  const tlp = tlpLabel(w.tlp);
  const title = `${matchCountText(w.matchCount)}, from ${w.source.label}`;
  const { lines, more } = watchLines(w);
  const list = [...lines.map((l) => `• ${slackEscape(l)}`), ...(more > 0 ? [`…and ${more} more on the hub`] : [])].join('\n');
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, 150), emoji: false } },
    { type: 'section', fields: [{ type: 'mrkdwn', text: `*Source*\n${slackEscape(truncate(w.source.label, 200))}` }, { type: 'mrkdwn', text: `*TLP*\n${slackEscape(tlp)}` }] },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(list, 2900) } },
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Review matches in Tocsin' }, url: link }] },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${slackEscape(tlp)}: share only as the marking allows. <${link}|${slackEscape(link)}>` }] },
  ];
  return { text: `Watchlist: ${slackEscape(title)} (${tlp}) ${link}`, blocks };
}

function teamsWatchlist(alert: WatchlistAlert, publicUrl: string): Record<string, unknown> {
  const w = alert.watchlist;
  const link = w.link || `${publicUrl}/watchlist`;
  const tlp = tlpLabel(w.tlp);
  const title = truncate(`${matchCountText(w.matchCount)}, from ${w.source.label}`, 250);
  const { lines, more } = watchLines(w);
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: title,
    title,
    text: `New intel touches your organisation's own assets. ${tlp}: share only as the marking allows.`,
    themeColor: severityColours.high,
    sections: [
      { facts: [{ name: 'Source', value: teamsEscape(truncate(w.source.label, 200)) }, { name: 'TLP', value: tlp }] },
      { text: [...lines.map((l) => `- ${teamsEscape(l)}`), ...(more > 0 ? [`…and ${more} more on the hub`] : [])].join('\n\n') },
    ],
    potentialAction: [{ '@type': 'OpenUri', name: 'Review matches in Tocsin', targets: [{ os: 'default', uri: link }] }],
  };
}
