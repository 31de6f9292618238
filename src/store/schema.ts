// Row types of every table, as Kysely sees them. Both dialects store the same shapes:
// timestamps as ISO-8601 UTC text with milliseconds, booleans as 0/1 integers, JSON as text,
// so that repository code is identical on SQLite and PostgreSQL.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface OrganisationsTable {
  id: string;
  name: string;
  /** Lower-cased, whitespace-folded name: unique, so "Springfield" and "springfield " clash. */
  name_key: string;
  kind: string;
  population: number | null;
  region: string | null;
  observer: number;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrgAssetsTable {
  org_id: string;
  /** domain | ip_range | asn | email_domain | brand | lookalike (a host-name pattern) */
  kind: string;
  value: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  org_id: string | null;
  /** admin | analyst | member; null for an operator with no organisation */
  role: string | null;
  is_operator: number;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: number;
  /** last accepted TOTP time step: a code is never accepted twice */
  totp_last_step: number | null;
  failed_logins: number;
  locked_until: string | null;
  last_login_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** sha256 of the cookie value; the cookie itself is never stored */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  secret_hash: string;
  user_id: string;
  org_id: string | null;
  name: string;
  /** comma-separated subset of read,write,admin */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
}

export interface TokenAddressesTable {
  token_id: string;
  ip: string;
  first_seen_at: string;
}

export interface InvitationsTable {
  id: string;
  token_hash: string;
  email: string;
  org_id: string | null;
  role: string | null;
  is_operator: number;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SharingGroupsTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  owner_org_id: string;
  created_at: string;
  updated_at: string;
}

export interface SharingGroupMembersTable {
  group_id: string;
  org_id: string;
  added_at: string;
  added_by: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  action: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  /** what the actor was: user, token, cli, system, anonymous */
  actor_kind: string;
  actor_label: string | null;
  /** the organisation whose trail this entry belongs to (null: hub-wide) */
  org_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object */
  details: string | null;
}

export interface HubSettingsTable {
  key: string;
  /** JSON value */
  value: string;
  updated_at: string;
}

export interface SharesTable {
  id: string;
  tlp: string;
  /** orgs | groups | members | public */
  audience_kind: string;
  producer_org_id: string | null;
  producer_user_id: string | null;
  anonymous: number;
  /** what recipients see instead of the producer when anonymous, e.g. "A member city in Region 3" */
  public_label: string | null;
  created_at: string;
}

export interface ShareAudienceTable {
  share_id: string;
  /** org | group */
  kind: string;
  ref_id: string;
}

export interface StixObjectsTable {
  id: string;
  type: string;
  share_id: string;
  created: string;
  modified: string;
  date_added: string;
  /** the STIX object as JSON */
  data: string;
}

/** Every version of every STIX object, in the order added (TAXII). */
export interface StixVersionsTable {
  /** microseconds since the epoch; unique, strictly increasing */
  date_added: number;
  id: string;
  type: string;
  /** modified, else created, in microseconds */
  version: number;
  spec_version: string;
  share_id: string;
  is_latest: number;
  revoked: number;
  origin_peer_id: string | null;
  data: string;
}

export interface TaxiiStatusTable {
  id: string;
  org_id: string | null;
  user_id: string | null;
  token_id: string | null;
  request_timestamp: string;
  status: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  /** JSON: { successes, failures, pendings } */
  details: string;
  created_at: string;
}

export interface WarningsTable {
  id: string;
  report_id: string;
  share_id: string;
  kind: string;
  severity: string;
  title: string;
  details: string;
  started_at: string | null;
  /** JSON array of strings */
  affected_services: string;
  /** active | retracted */
  status: string;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}

export interface WarningIndicatorsTable {
  warning_id: string;
  type: string;
  value: string;
  stix_id: string;
}

export interface EventsTable {
  id: Generated<number>;
  at: string;
  type: string;
  share_id: string | null;
  subject_id: string | null;
  data: string;
}

export interface WebhooksTable {
  id: string;
  org_id: string;
  name: string;
  url: string;
  /** HMAC signing key: must be readable to sign, so it is not hashed; shown once at creation */
  secret: string;
  /** json | slack | teams | splunk-hec | elastic-bulk */
  format: string;
  /** JSON AlertFilter */
  filter: string;
  enabled: number;
  /**
   * SIEM connectors: the vendor credential the hub sends (HEC token, Elastic API key or
   * password). Readable because it must be sent; never returned by the API. Null otherwise.
   */
  credential: string | null;
  /** JSON connector options (src/push/siem-connectors.ts), '{}' for the chat formats */
  options: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: string;
  event_id: number;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_status: number | null;
  last_error: string | null;
  duration_ms: number | null;
  created_at: string;
  delivered_at: string | null;
}

export interface AlertPrefsTable {
  user_id: string;
  /** immediate | hourly | none */
  mode: string;
  /** JSON AlertFilter */
  filter: string;
  last_digest_at: string | null;
  updated_at: string;
}

export interface MailOutboxTable {
  id: Generated<number>;
  user_id: string;
  event_id: number;
  /** alert | digest */
  kind: string;
  /** pending | sent | failed */
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface PhishingChecksTable {
  id: string;
  /** sha256 of the submitter's receipt; the receipt itself is never stored */
  receipt_hash: string;
  created_at: string;
  /** web | api | mail */
  channel: string;
  verdict: string;
  score: number;
  summary: string;
  /** scrubbed of addresses and names */
  subject: string;
  sender_domain: string | null;
  /** sha256 of the message as received */
  message_hash: string;
  /** JSON arrays: findings, advice, indicators, attachments (hashes, no file names) */
  findings: string;
  advice: string;
  indicators: string;
  attachments: string;
  unreadable_reason: string | null;
  truncated: number;
  elapsed_ms: number;
  shared_warning_id: string | null;
  shared_at: string | null;
}

export interface PhishingCheckKeysTable {
  check_id: string;
  /** url | domain | sender-domain | attachment */
  kind: string;
  value: string;
  created_at: string;
}

export interface PhishingRawTable {
  check_id: string;
  data: Buffer;
  expires_at: string;
}

/** A peer hub (federation over TAXII 2.1). */
export interface PeersTable {
  id: string;
  name: string;
  name_key: string;
  /** TAXII discovery URL or API root, as given */
  url: string;
  /** the API root found at first contact */
  api_root: string | null;
  max_content_length: number | null;
  /** bearer | basic | none */
  auth_kind: string;
  auth_username: string | null;
  /** token or password for the peer: usable to call it, so stored as given; never returned or logged */
  auth_secret: string | null;
  /** JSON array of remote collection ids */
  pull_collections: string;
  /** public | members */
  local_collection: string;
  push_collection: string | null;
  /** pull | push | both */
  direction: string;
  interval_seconds: number;
  same_community: number;
  enabled: number;
  /** the API token the peer hub uses to call this hub (reads limited to what may leave to it), or null */
  inbound_token_id: string | null;
  /** last local stix_versions.date_added (µs) a push handled */
  push_cursor: number;
  objects_pushed: number;
  next_pull_at: string;
  last_success_at: string | null;
  last_pull_at: string | null;
  last_push_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  consecutive_failures: number;
  next_attempt_at: string | null;
  locked_until: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PeerPullCursorsTable {
  peer_id: string;
  collection_id: string;
  added_after: string | null;
  next: string | null;
  last_seen: string | null;
  objects_received: number;
  updated_at: string;
}

/** A STIX bundle upload imported in the background (see src/stixio/). */
export interface StixImportsTable {
  id: string;
  org_id: string | null;
  user_id: string | null;
  collection_id: string;
  collection_title: string;
  default_tlp: string;
  file_name: string | null;
  /** queued, running, done, failed */
  status: string;
  total_bytes: number;
  bytes_read: Generated<number>;
  objects: Generated<number>;
  successes: Generated<number>;
  failures: Generated<number>;
  /** JSON list of { id, version, message } */
  failure_list: Generated<string>;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** One observable, stored once however many places mention it. */
export interface ObservablesTable {
  id: Generated<number>;
  type: string;
  value: string;
  /** first and last address as 32 hex digits (IPv4 mapped into ::ffff:0:0/96); null for non-IP types */
  ip_from: string | null;
  ip_to: string | null;
  first_seen: string;
  last_seen: string;
  mention_count: Generated<number>;
  ubiquitous: Generated<number>;
  warning_list: string | null;
  false_positives: Generated<number>;
  suppressed_at: string | null;
  created_at: string;
}

export interface FeedsTable {
  id: string;
  name: string;
  name_key: string;
  /** list | csv | text | misp | stix | taxii */
  kind: string;
  url: string | null;
  file_path: string | null;
  /** JSON parser options */
  options: string;
  /** JSON { types?, minConfidence? } */
  filter: string;
  org_id: string | null;
  default_tlp: string;
  /** members | orgs */
  audience_kind: string;
  confidence: number;
  expiry_days: number | null;
  /** expire | withdraw | keep */
  on_vanish: string;
  interval_minutes: number;
  enabled: number;
  etag: string | null;
  last_modified: string | null;
  /** JSON format-specific progress */
  cursor: string | null;
  next_run_at: string;
  last_run_at: string | null;
  last_success_at: string | null;
  last_status: string | null;
  last_error: string | null;
  consecutive_failures: Generated<number>;
  locked_until: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface FeedRunsTable {
  id: string;
  feed_id: string;
  /** schedule | manual | cli */
  trigger: string;
  /** running | complete | not-modified | failed */
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  bytes_read: Generated<number>;
  total_bytes: number | null;
  records: Generated<number>;
  new_count: Generated<number>;
  updated_count: Generated<number>;
  unchanged_count: Generated<number>;
  rejected_count: Generated<number>;
  skipped_count: Generated<number>;
  filtered_count: Generated<number>;
  expired_count: Generated<number>;
  /** JSON ParseReport */
  report: string | null;
  error: string | null;
}

/** Where an observable was mentioned: a feed, a warning, a STIX object. */
export interface MentionsTable {
  source_id: string;
  observable_id: number;
  /** feed | warning | stix */
  source_kind: string;
  share_id: string;
  first_seen: string;
  /** null while a feed still lists it (the feed's last_success_at stands in) */
  last_seen: string | null;
  valid_until: string | null;
  confidence: number | null;
  comment: string | null;
  /** active | expired | withdrawn | revoked */
  status: string;
  created_at: string;
}

export interface SightingsTable {
  id: string;
  observable_id: number;
  org_id: string | null;
  user_id: string | null;
  anonymous: number;
  false_positive: number;
  count: number;
  /** web | api | lookup */
  source: string;
  note: string | null;
  seen_at: string;
  created_at: string;
}

export interface WarningListsTable {
  id: string;
  name: string;
  description: string;
  /** shipped | custom */
  origin: string;
  version: string;
  enabled: number;
  entry_count: number;
  updated_at: string;
}

export interface WarningListEntriesTable {
  list_id: string;
  /** cidr | ipv4 | ipv6 | domain (and its sub-domains) | hostname (exact) */
  type: string;
  value: string;
}

export interface WatchMatchesTable {
  id: string;
  org_id: string;
  observable_id: number;
  source_kind: string;
  source_id: string;
  share_id: string;
  asset_kind: string;
  asset_value: string;
  reason: string;
  event_id: number | null;
  acknowledged_at: string | null;
  matched_at: string;
  /** the source's label when it matched: a feed's name, a warning's title, a STIX object id */
  source_label: string | null;
  /** user id of who acknowledged it */
  acknowledged_by: string | null;
}

export interface ExportsTable {
  id: string;
  org_id: string;
  name: string;
  name_key: string;
  format: string;
  options: string;
  stale_after_hours: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExportTokensTable {
  id: string;
  export_id: string;
  name: string;
  secret_hash: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  last_fetch_at: string | null;
  last_fetch_ip: string | null;
  fetch_count: number;
}

export interface ExportFetchesTable {
  id: Generated<number>;
  export_id: string;
  token_id: string | null;
  at: string;
  ip: string | null;
  status: number;
  value_count: number;
  skipped_count: number;
  since: string | null;
}

export interface ReportsTable {
  id: string;
  kind: string;
  period: string;
  period_from: string;
  period_to: string;
  time_zone: string;
  facts: string;
  generated_at: string;
}

export interface ReportSubscriptionsTable {
  user_id: string;
  kinds: string;
  sections: string;
  updated_at: string;
}

export interface ReportRecipientsTable {
  id: string;
  email: string;
  email_key: string;
  name: string | null;
  kinds: string;
  created_by: string | null;
  created_at: string;
  unsubscribed_at: string | null;
}

export interface ReportDeliveriesTable {
  id: Generated<number>;
  report_id: string;
  addressee: string;
  user_id: string | null;
  recipient_id: string | null;
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  unsubscribe_hash: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface Database {
  organisations: OrganisationsTable;
  org_assets: OrgAssetsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  token_addresses: TokenAddressesTable;
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
  sharing_groups: SharingGroupsTable;
  sharing_group_members: SharingGroupMembersTable;
  audit_log: AuditLogTable;
  hub_settings: HubSettingsTable;
  shares: SharesTable;
  share_audience: ShareAudienceTable;
  stix_objects: StixObjectsTable;
  stix_versions: StixVersionsTable;
  taxii_status: TaxiiStatusTable;
  warnings: WarningsTable;
  warning_indicators: WarningIndicatorsTable;
  events: EventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  alert_prefs: AlertPrefsTable;
  mail_outbox: MailOutboxTable;
  phishing_checks: PhishingChecksTable;
  phishing_check_keys: PhishingCheckKeysTable;
  phishing_raw: PhishingRawTable;
  stix_imports: StixImportsTable;
  peers: PeersTable;
  peer_pull_cursors: PeerPullCursorsTable;
  observables: ObservablesTable;
  feeds: FeedsTable;
  feed_runs: FeedRunsTable;
  mentions: MentionsTable;
  sightings: SightingsTable;
  warning_lists: WarningListsTable;
  warning_list_entries: WarningListEntriesTable;
  watch_matches: WatchMatchesTable;
  exports: ExportsTable;
  export_tokens: ExportTokensTable;
  export_fetches: ExportFetchesTable;
  reports: ReportsTable;
  report_subscriptions: ReportSubscriptionsTable;
  report_recipients: ReportRecipientsTable;
  report_deliveries: ReportDeliveriesTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type NewOrganisationRow = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type SharingGroupRow = Selectable<SharingGroupsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type ShareRow = Selectable<SharesTable>;
export type WarningRow = Selectable<WarningsTable>;
export type EventRow = Selectable<EventsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type PhishingCheckRow = Selectable<PhishingChecksTable>;
export type PeerRow = Selectable<PeersTable>;
export type PeerPullCursorRow = Selectable<PeerPullCursorsTable>;
export type ObservableRow = Selectable<ObservablesTable>;
export type FeedRow = Selectable<FeedsTable>;
export type FeedRunRow = Selectable<FeedRunsTable>;
export type ExportRow = Selectable<ExportsTable>;
export type ExportTokenRow = Selectable<ExportTokensTable>;
export type ExportFetchRow = Selectable<ExportFetchesTable>;
export type MentionRow = Selectable<MentionsTable>;
export type SightingRow = Selectable<SightingsTable>;
export type WatchMatchRow = Selectable<WatchMatchesTable>;
