// SIEM connectors: webhooks of the formats splunk-hec and elastic-bulk. This module owns what
// they add to a webhook (the vendor credential, the per-connector options) and the reading of
// event payloads that both vendors' builders share. Pure: no database, no HTTP.
import { AppError } from '../errors.js';
import { plainText } from '../exports/formats/text.js';
import { isTlp, type Tlp } from '../stix/tlp.js';

export const connectorFormats = ['splunk-hec', 'elastic-bulk'] as const;
export type ConnectorFormat = (typeof connectorFormats)[number];

export function isConnectorFormat(format: string): format is ConnectorFormat {
  return (connectorFormats as readonly string[]).includes(format);
}

export const elasticAuthKinds = ['api-key', 'basic'] as const;
export type ElasticAuthKind = (typeof elasticAuthKinds)[number];

/** What an admin may set; each format takes its own keys (validated in cleanConnectorOptions). */
export interface ConnectorOptionsInput {
  index?: string | undefined;
  sourcetype?: string | undefined;
  source?: string | undefined;
  auth?: ElasticAuthKind | undefined;
  username?: string | undefined;
}

export interface SplunkOptions {
  /** absent: the HEC token's default index */
  index?: string;
  sourcetype: string;
  source: string;
}

export interface ElasticOptions {
  index: string;
  auth: ElasticAuthKind;
  /** basic only */
  username?: string;
}

export const splunkDefaults = { sourcetype: 'tocsin:intel', source: 'tocsin' } as const;
/**
 * Elastic's data stream naming scheme `<type>-<dataset>-<namespace>`, in the `logs-ti_*` space
 * that Elastic's threat intel integrations write to and that the prebuilt indicator match
 * rules and the Intelligence page read by default.
 */
export const elasticDefaultIndex = 'logs-ti_tocsin.indicator-default';

const optionKeys: Readonly<Record<ConnectorFormat, readonly (keyof ConnectorOptionsInput)[]>> = {
  'splunk-hec': ['index', 'sourcetype', 'source'],
  'elastic-bulk': ['index', 'auth', 'username'],
};

function bad(detail: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail });
}

const controls = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// Splunk: "lowercase letters, digits, underscores and hyphens; not starting with _ or -".
const splunkIndex = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const splunkSourcetype = /^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,99}$/;
// Elasticsearch index, alias or data stream names: lowercase, none of \ / * ? " < > | , # : or
// space, not starting with - _ +, at most 255 bytes. Hidden (.name) targets are refused too.
const elasticIndex = /^[a-z0-9][a-z0-9._+-]{0,254}$/;

/** Options as stored: only what the admin set, checked against the format. */
export function cleanConnectorOptions(format: ConnectorFormat, input: ConnectorOptionsInput): ConnectorOptionsInput {
  const allowed = optionKeys[format];
  for (const key of Object.keys(input) as (keyof ConnectorOptionsInput)[]) {
    if (input[key] !== undefined && !allowed.includes(key)) throw bad(`options.${key} is not an option of ${format} (it takes ${allowed.join(', ')})`);
  }
  const out: ConnectorOptionsInput = {};
  const text = (key: keyof ConnectorOptionsInput) => {
    const v = input[key];
    return v === undefined ? undefined : String(v).trim();
  };
  if (format === 'splunk-hec') {
    const index = text('index');
    const sourcetype = text('sourcetype');
    const source = text('source');
    if (index !== undefined) {
      if (!splunkIndex.test(index) || index.includes('kvstore')) throw bad('options.index must be a Splunk index name: lowercase letters, digits, _ and -, not starting with _ or -');
      out.index = index;
    }
    if (sourcetype !== undefined) {
      if (!splunkSourcetype.test(sourcetype)) throw bad('options.sourcetype must be letters, digits and _ : . - (at most 100)');
      out.sourcetype = sourcetype;
    }
    if (source !== undefined) {
      if (!source || source.length > 200 || controls.test(source)) throw bad('options.source must be 1 to 200 characters without control characters');
      out.source = source;
    }
    return out;
  }
  const index = text('index');
  if (index !== undefined) {
    if (!elasticIndex.test(index) || Buffer.byteLength(index) > 255) throw bad('options.index must be an Elasticsearch index or data stream name: lowercase, no spaces or \\ / * ? " < > | , # :, not starting with - _ + or .');
    out.index = index;
  }
  const auth = input.auth ?? 'api-key';
  if (auth !== 'api-key') out.auth = auth;
  const username = text('username');
  if (auth === 'basic') {
    if (!username || username.length > 200 || controls.test(username) || username.includes(':')) throw bad('options.username is needed for basic authentication (no ":" or control characters)');
    out.username = username;
  } else if (username !== undefined) {
    throw bad('options.username is used only with "auth": "basic"');
  }
  return out;
}

export function splunkOptions(stored: ConnectorOptionsInput): SplunkOptions {
  return { ...(stored.index ? { index: stored.index } : {}), sourcetype: stored.sourcetype ?? splunkDefaults.sourcetype, source: stored.source ?? splunkDefaults.source };
}

export function elasticOptions(stored: ConnectorOptionsInput): ElasticOptions {
  const auth = stored.auth ?? 'api-key';
  return { index: stored.index ?? elasticDefaultIndex, auth, ...(auth === 'basic' && stored.username ? { username: stored.username } : {}) };
}

/** The options in effect (defaults filled in), as the API shows them. */
export function effectiveOptions(format: ConnectorFormat, stored: ConnectorOptionsInput): SplunkOptions | ElasticOptions {
  return format === 'splunk-hec' ? splunkOptions(stored) : elasticOptions(stored);
}

export function parseOptions(json: string | null | undefined): ConnectorOptionsInput {
  try {
    const v = JSON.parse(json || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as ConnectorOptionsInput) : {};
  } catch {
    return {};
  }
}

const tokenChars = /^[\x21-\x7e]+$/;

/**
 * The credential as stored. Splunk: the HEC token (a pasted `Splunk <token>` loses its prefix).
 * Elastic api-key: the encoded key Kibana shows, or `id:api_key`, which is encoded here.
 * Elastic basic: the password of options.username.
 */
export function cleanCredential(format: ConnectorFormat, options: ConnectorOptionsInput, raw: string): string {
  const value = raw.trim();
  if (format === 'splunk-hec') {
    const token = value.replace(/^Splunk\s+/i, '');
    if (!tokenChars.test(token) || token.length > 512) throw bad('credential must be the HEC token (printable characters, no spaces)');
    return token;
  }
  if ((options.auth ?? 'api-key') === 'basic') {
    // Passwords keep their spaces; only line breaks and controls are refused.
    if (!raw || raw.length > 1024 || controls.test(raw)) throw bad('credential must be the password (no control characters)');
    return raw;
  }
  const key = value.replace(/^ApiKey\s+/i, '');
  if (!tokenChars.test(key) || key.length > 2048) throw bad('credential must be the API key: the encoded value Kibana shows, or id:api_key');
  if (key.includes(':')) {
    const [id, secret] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (!id || !secret) throw bad('credential must be the API key: the encoded value Kibana shows, or id:api_key');
    return Buffer.from(key, 'utf8').toString('base64');
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || !Buffer.from(key, 'base64').toString('utf8').includes(':')) {
    throw bad('credential is not an encoded Elasticsearch API key (base64 of id:api_key); paste the "Encoded" value, or id:api_key');
  }
  return key;
}

/** Enough to tell which credential is stored, never enough to use it. */
export function credentialHint(format: ConnectorFormat, options: ConnectorOptionsInput, credential: string | null): string | null {
  if (!credential) return null;
  if (format === 'elastic-bulk') {
    const opts = elasticOptions(options);
    if (opts.auth === 'basic') return `password for ${opts.username ?? '?'}`;
    // The key id is not secret (Kibana lists keys by it); the key itself is.
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const id = decoded.slice(0, decoded.indexOf(':'));
    if (id && /^[\x21-\x7e]{1,64}$/.test(id)) return `API key ${id}`;
  }
  // Short secrets show nothing: four characters of a short one are too much of it.
  return credential.length >= 16 ? `…${credential.slice(-4)}` : '…';
}

export function authorizationHeader(format: ConnectorFormat, options: ConnectorOptionsInput, credential: string): string {
  if (format === 'splunk-hec') return `Splunk ${credential}`;
  const opts = elasticOptions(options);
  return opts.auth === 'basic' ? `Basic ${Buffer.from(`${opts.username ?? ''}:${credential}`, 'utf8').toString('base64')}` : `ApiKey ${credential}`;
}

/** A URL that cannot work for the format, refused when the connector is saved. */
export function checkConnectorUrl(format: ConnectorFormat, url: URL): void {
  if (format === 'splunk-hec' && /\/collector\/raw(\/|$)/.test(url.pathname)) {
    throw bad('a Splunk connector sends JSON events: use the /services/collector/event endpoint, not /raw');
  }
}

// --- reading what the policy let this organisation see ----------------------------------

export interface WarningFacts {
  id: string;
  title: string;
  kind: string;
  severity: string;
  tlp: Tlp;
  status: string;
  version: number | null;
  reportedBy: string;
  details: string;
  affectedServices: string[];
  startedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  retractedAt: string | null;
  retractionReason: string | null;
  indicators: Array<{ type: string; value: string }>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The warning of a warning.* event, read defensively (payloads come from the store). */
export function readWarning(data: unknown, subjectId: string | null): WarningFacts | null {
  const w = (data as { warning?: Record<string, unknown> } | null)?.warning;
  if (!w || typeof w !== 'object' || typeof w.title !== 'string') return null;
  const source = w.source as { label?: unknown } | undefined;
  const tlp = str(w.tlp)?.toLowerCase();
  const indicators = Array.isArray(w.indicators)
    ? w.indicators.flatMap((i: unknown) => {
        const o = i as { type?: unknown; value?: unknown } | null;
        return o && typeof o.type === 'string' && typeof o.value === 'string' ? [{ type: o.type, value: o.value }] : [];
      })
    : [];
  return {
    id: str(w.id) ?? subjectId ?? '',
    title: w.title,
    kind: str(w.kind) ?? 'other',
    severity: str(w.severity) ?? 'unknown',
    // A payload without a readable TLP is treated as the strictest: never marked wider than it was.
    tlp: isTlp(tlp) ? tlp : 'red',
    status: str(w.status) ?? 'active',
    version: typeof w.version === 'number' && Number.isInteger(w.version) ? w.version : null,
    reportedBy: str(source?.label) ?? 'A member',
    details: str(w.details) ?? '',
    affectedServices: Array.isArray(w.affectedServices) ? w.affectedServices.filter((s): s is string => typeof s === 'string') : [],
    startedAt: str(w.startedAt),
    createdAt: str(w.createdAt),
    updatedAt: str(w.updatedAt),
    retractedAt: str(w.retractedAt),
    retractionReason: str(w.retractionReason),
    indicators,
  };
}

/** warning.created → created; the word a SIEM filters on. */
export function actionOf(eventType: string): string {
  return eventType.startsWith('warning.') ? eventType.slice('warning.'.length) : eventType;
}

/** One plain line for a SIEM field: no line breaks, controls or bidi overrides. */
export function oneLine(text: string, max = 500): string {
  return plainText(text, max);
}

export function warningLink(publicUrl: string, id: string): string {
  return `${publicUrl}/warnings/${encodeURIComponent(id)}`;
}

/** ISO 8601 to epoch seconds with milliseconds, as HEC's `time` wants it. */
export function epochSeconds(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.round(ms) / 1000 : Math.round(Date.now()) / 1000;
}

// --- answers ------------------------------------------------------------------------------

/** What came back from the vendor: the status and (up to a limit) the body. */
export interface VendorAnswer {
  status: number;
  body: string;
  /** false when the body was cut at the read limit */
  complete: boolean;
}

/** A vendor's reading of its answer. `final`: retrying cannot help; fail the delivery now. */
export interface Verdict {
  delivered: boolean;
  error: string | null;
  final?: boolean;
}

/** Receiver text goes into the delivery log: no control characters, one line. */
export function answerText(text: string, max = 200): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
