// The shapes of warnings, live events, alert preferences and webhooks as the web app sees
// them, and the words shown for their closed vocabularies. Kept by hand in step with
// src/warnings/warnings.schemas.ts, src/stix/vocab.ts and src/push/.

export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
export const tlps: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** "TLP:AMBER+STRICT": how TLP 2.0 says a label must be written. */
export function tlpLabel(tlp: string): string {
  return `TLP:${tlp.toUpperCase()}`;
}

/** One line each, in plain words, after FIRST's TLP 2.0 definitions and this hub's rules. */
export const tlpHelp: Record<Tlp, string> = {
  clear: 'Anyone, including the public: no limit on sharing.',
  green: 'Members of the audience and their peers in the community, but not the public.',
  amber: 'Members of the audience, and within each organisation those who need to know.',
  'amber+strict': 'Members of the audience only: not their clients or contractors.',
  red: 'Only the organisations you name, for the people you address: not to be passed on.',
};

// The closed vocabularies come from the server's own list (pure data, bundled by Vite), so the
// form and the API can never disagree.
export { warningKinds, severities, type WarningKind, type Severity } from '../stix/vocab.ts';
import type { Severity, WarningKind } from '../stix/vocab.ts';

export const warningKindLabels: Record<WarningKind, string> = {
  phishing: 'Phishing',
  ransomware: 'Ransomware',
  'credential-leak': 'Leaked passwords or credentials',
  ddos: 'Denial of service (DDoS)',
  'vulnerability-exploitation': 'Exploited vulnerability',
  'account-compromise': 'Compromised account',
  'fraud-bec': 'Fraud or business email compromise',
  other: 'Other attack',
};

export function warningKindLabel(kind: string): string {
  return (warningKindLabels as Record<string, string>)[kind] ?? kind;
}


export const severityLabels: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export function severityLabel(severity: string): string {
  return (severityLabels as Record<string, string>)[severity] ?? severity;
}

export type AudienceKind = 'orgs' | 'groups' | 'members' | 'public';

export interface NamedRef {
  id: string;
  name: string;
}

export interface WarningIndicator {
  type: string;
  value: string;
  defanged: string;
}

export interface Warning {
  id: string;
  reportId: string;
  title: string;
  kind: string;
  severity: string;
  startedAt: string | null;
  affectedServices: string[];
  details: string;
  indicators: WarningIndicator[];
  tlp: string;
  audience: { kind: string; orgs: NamedRef[]; groups: NamedRef[] };
  source: { anonymous: boolean; label: string; orgId: string | null };
  isOwn: boolean;
  status: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  retractedAt: string | null;
  retractionReason: string | null;
}

export interface WarningList {
  items: Warning[];
  total: number;
  nextBefore: string | null;
}

export interface FoundIndicator {
  type: string;
  value: string;
  original: string;
  defanged: string;
  note?: string;
}

export interface PersonalDataFinding {
  field: 'text' | 'details' | 'title';
  kind: string;
  start: number;
  end: number;
  text: string;
}

export interface PreviewResult {
  indicators: FoundIndicator[];
  truncated: boolean;
  personalData: PersonalDataFinding[];
  redacted: { text: string; details?: string; title?: string };
}

export const indicatorTypeLabels: Record<string, string> = {
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  cidr: 'IP range',
  domain: 'Domain',
  url: 'URL',
  email: 'Email address',
  md5: 'MD5 hash',
  sha1: 'SHA-1 hash',
  sha256: 'SHA-256 hash',
  cve: 'Vulnerability (CVE)',
};

export function indicatorTypeLabel(type: string): string {
  return indicatorTypeLabels[type] ?? type;
}

/** What one Server-Sent Event of /api/stream carries in its data. */
export interface WarningEvent {
  id: number;
  type: 'warning.created' | 'warning.updated' | 'warning.retracted';
  at: string;
  data: { type: string; warning: Warning };
}

export interface AlertFilter {
  tlps?: string[];
  kinds?: string[];
  minSeverity?: string;
  groupIds?: string[];
}

export type AlertMode = 'immediate' | 'hourly' | 'none';

export interface AlertPrefs {
  mode: AlertMode;
  filter: AlertFilter;
}

export type WebhookFormat = 'json' | 'slack' | 'teams' | 'splunk-hec' | 'elastic-bulk';

/** SIEM connectors: formats that log in to the receiver with a credential of their own. */
export const connectorFormats: readonly WebhookFormat[] = ['splunk-hec', 'elastic-bulk'];

/** A SIEM connector's options (absent keys take the server's defaults). */
export interface ConnectorOptions {
  index?: string;
  sourcetype?: string;
  source?: string;
  auth?: 'api-key' | 'basic';
  username?: string;
}

export const webhookFormats: readonly { value: WebhookFormat; label: string }[] = [
  { value: 'json', label: 'JSON (for SOAR, SIEM and scripts)' },
  { value: 'slack', label: 'Slack' },
  { value: 'teams', label: 'Microsoft Teams' },
  { value: 'splunk-hec', label: 'Splunk (HTTP Event Collector)' },
  { value: 'elastic-bulk', label: 'Elasticsearch (ECS threat indicators, _bulk API)' },
];

export interface Webhook {
  id: string;
  orgId: string;
  name: string;
  url: string;
  format: WebhookFormat | string;
  filter: AlertFilter | null;
  enabled: boolean;
  /** The end of the signing secret, to tell which one a receiver holds. */
  secretHint?: string;
  /** SIEM connectors: their options, and which credential is stored (never the credential). */
  options?: ConnectorOptions | null;
  credentialHint?: string | null;
  createdBy?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What POST /api/webhooks/:id/test reports. */
export interface WebhookTestResult {
  delivered?: boolean;
  status?: number | null;
  error?: string | null;
  durationMs?: number;
}

export interface WebhookCreated {
  webhook: Webhook;
  secret: string;
}

/** A delivery as the log shows it: the backend is young, so every field is optional. */
export interface Delivery {
  id?: number | string;
  eventId?: number | string;
  eventType?: string;
  status?: string;
  attempts?: number;
  lastStatus?: number | null;
  lastError?: string | null;
  durationMs?: number | null;
  createdAt?: string;
  deliveredAt?: string | null;
  nextAttemptAt?: string | null;
  [more: string]: unknown;
}

export interface DeliveryPage {
  items: Delivery[];
  nextBefore?: number | null;
}
