// The table of every setting Tocsin reads: environment variable, CLI flag, type, default,
// and whether it is a secret. docs/CONFIGURATION.md is checked against this table by a test.

export type OptionType = 'string' | 'integer' | 'boolean' | 'url' | 'enum';

export interface OptionSpec {
  /** Environment variable; the CLI flag is the same name, lower-case, without TOCSIN_. */
  env: string;
  type: OptionType;
  /** Default as the user would type it; undefined means "unset". */
  default?: string;
  secret?: boolean;
  values?: readonly string[];
  min?: number;
  max?: number;
  description: string;
}

export const optionSpecs = {
  port: { env: 'TOCSIN_PORT', type: 'integer', default: '8080', min: 0, max: 65535, description: 'TCP port the hub listens on.' },
  host: { env: 'TOCSIN_HOST', type: 'string', default: 'localhost', description: 'Address to bind; 0.0.0.0 to accept connections from other machines.' },
  dataDir: { env: 'TOCSIN_DATA_DIR', type: 'string', default: './data', description: 'Folder for the SQLite database and other local state.' },
  databaseUrl: { env: 'TOCSIN_DATABASE_URL', type: 'string', secret: true, description: 'postgres://user:pass@host:port/db to use PostgreSQL; unset uses SQLite in the data folder.' },
  pgPoolSize: { env: 'TOCSIN_PG_POOL_SIZE', type: 'integer', default: '10', min: 1, max: 500, description: 'PostgreSQL connections per process.' },
  publicUrl: { env: 'TOCSIN_PUBLIC_URL', type: 'url', description: 'Base URL people use to reach the hub (links in emails). Default: http://localhost:PORT.' },
  trustProxy: { env: 'TOCSIN_TRUST_PROXY', type: 'boolean', default: 'false', description: 'Trust X-Forwarded-* headers (set when behind a reverse proxy).' },
  logLevel: { env: 'TOCSIN_LOG_LEVEL', type: 'enum', default: 'info', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'Log level.' },
  bodyLimit: { env: 'TOCSIN_BODY_LIMIT', type: 'integer', default: '1048576', min: 1024, description: 'Largest request body accepted, in bytes.' },
  smtpUrl: { env: 'TOCSIN_SMTP_URL', type: 'string', secret: true, description: 'SMTP server for outgoing mail, e.g. smtp://user:pass@mail.example.org:587. Unset: mail is logged, not sent.' },
  smtpFrom: { env: 'TOCSIN_SMTP_FROM', type: 'string', default: 'Tocsin <tocsin@localhost>', description: 'From address of mail the hub sends.' },
  mailRetryHours: { env: 'TOCSIN_MAIL_RETRY_HOURS', type: 'integer', default: '24', min: 1, max: 168, description: 'How long an email alert is retried (backing off from 30 s to hourly) while the SMTP server refuses it, before it is marked failed.' },
  passwordScryptCost: { env: 'TOCSIN_PASSWORD_SCRYPT_COST', type: 'integer', default: '15', min: 10, max: 20, description: 'scrypt cost (log2 N, r=8, p=3) of new password hashes; 15 is OWASP\'s recommendation (32 MiB, ~0.1 s per hash). Lower only for test hubs: existing hashes keep their own cost.' },
  sessionTtlHours: { env: 'TOCSIN_SESSION_TTL_HOURS', type: 'integer', default: '12', min: 1, max: 720, description: 'How long a browser session lasts.' },
  cookieSecure: { env: 'TOCSIN_COOKIE_SECURE', type: 'enum', default: 'auto', values: ['auto', 'true', 'false'], description: 'Secure flag on the session cookie; auto sets it when the public URL is https.' },
  loginMaxAttempts: { env: 'TOCSIN_LOGIN_MAX_ATTEMPTS', type: 'integer', default: '5', min: 1, max: 100, description: 'Failed sign-ins before an account is locked.' },
  loginLockoutMinutes: { env: 'TOCSIN_LOGIN_LOCKOUT_MINUTES', type: 'integer', default: '15', min: 1, max: 1440, description: 'How long a locked account stays locked.' },
  loginRateLimit: { env: 'TOCSIN_LOGIN_RATE_LIMIT', type: 'integer', default: '30', min: 1, description: 'Sign-in and password-reset requests per minute from one address.' },
  invitationTtlHours: { env: 'TOCSIN_INVITATION_TTL_HOURS', type: 'integer', default: '72', min: 1, max: 720, description: 'How long an invitation link stays valid.' },
  passwordResetTtlMinutes: { env: 'TOCSIN_PASSWORD_RESET_TTL_MINUTES', type: 'integer', default: '60', min: 5, max: 1440, description: 'How long a password-reset link stays valid.' },
  tokenDefaultDays: { env: 'TOCSIN_TOKEN_DEFAULT_DAYS', type: 'integer', default: '365', min: 1, max: 3650, description: 'Expiry of API tokens created without one.' },
  votingRule: { env: 'TOCSIN_VOTING_RULE', type: 'string', default: 'city:250000,county:900000', description: 'Who may vote: kind:minimum-population pairs. Observer organisations never vote.' },
  adminEmail: { env: 'TOCSIN_ADMIN_EMAIL', type: 'string', default: 'operator@localhost', description: 'Email of the operator account created on first start.' },
  eventRetentionHours: { env: 'TOCSIN_EVENT_RETENTION_HOURS', type: 'integer', default: '72', min: 1, max: 8760, description: 'How long live events are kept for stream replay (Last-Event-ID); pending deliveries keep theirs.' },
  deliveryLogDays: { env: 'TOCSIN_DELIVERY_LOG_DAYS', type: 'integer', default: '30', min: 1, max: 3650, description: 'How long finished webhook and mail deliveries stay in the delivery log.' },
  metricsToken: { env: 'TOCSIN_METRICS_TOKEN', type: 'string', secret: true, description: 'Bearer token for /metrics from other machines; without it only loopback may scrape.' },
  outboundAllow: { env: 'TOCSIN_OUTBOUND_ALLOW', type: 'string', description: 'Internal destinations outgoing calls (webhooks) may reach anyway: comma-separated CIDRs, addresses and host names (*.example.org for subdomains). Unset: only public internet addresses.' },
  webhookTimeoutMs: { env: 'TOCSIN_WEBHOOK_TIMEOUT_MS', type: 'integer', default: '10000', min: 100, max: 120000, description: 'How long one webhook delivery attempt may take (connect, send, answer), in milliseconds.' },
  webhookRetryHours: { env: 'TOCSIN_WEBHOOK_RETRY_HOURS', type: 'integer', default: '24', min: 24, max: 720, description: 'How long a failing webhook delivery is retried (with growing pauses, at most an hour apart) before it is marked failed.' },
  phishingSmtpPort: { env: 'TOCSIN_PHISHING_SMTP_PORT', type: 'integer', min: 0, max: 65535, description: 'TCP port of the phishing-check mailbox (SMTP) that residents forward suspicious mail to; unset: no mailbox. 0 picks a free port (tests).' },
  phishingSmtpHost: { env: 'TOCSIN_PHISHING_SMTP_HOST', type: 'string', default: 'localhost', description: 'Address the phishing-check mailbox binds; 0.0.0.0 to accept mail from the relay on another machine.' },
  phishingSmtpRelays: { env: 'TOCSIN_PHISHING_SMTP_RELAYS', type: 'string', description: 'Mail relays in front of the phishing-check mailbox (comma-separated CIDRs or addresses): exempt from the per-address limit, since all forwarded mail comes from them; the per-sender limit still applies.' },
  phishingMailbox: { env: 'TOCSIN_PHISHING_MAILBOX', type: 'string', description: 'Address residents forward suspicious mail to (e.g. report@city.example), shown on the phishing-check page; when set the mailbox accepts mail only for it.' },
  phishingMaxBytes: { env: 'TOCSIN_PHISHING_MAX_BYTES', type: 'integer', default: '10485760', min: 1024, max: 52428800, description: 'Largest email the phishing check accepts (upload, paste or mailbox), in bytes.' },
  phishingRateLimit: { env: 'TOCSIN_PHISHING_RATE_LIMIT', type: 'integer', default: '30', min: 1, max: 100000, description: 'Phishing checks per hour from one IP address (page and API), and per sender address and per client address on the mailbox.' },
  phishingBudgetMs: { env: 'TOCSIN_PHISHING_BUDGET_MS', type: 'integer', default: '2000', min: 100, max: 60000, description: 'Time budget for analysing one email, in milliseconds; past it the analysis stops and says so.' },
  phishingRetentionDays: { env: 'TOCSIN_PHISHING_RETENTION_DAYS', type: 'integer', default: '90', min: 1, max: 3650, description: 'How long phishing-check results (verdict, indicators, hashes) are kept.' },
  phishingKeepRawDays: { env: 'TOCSIN_PHISHING_KEEP_RAW_DAYS', type: 'integer', default: '0', min: 0, max: 365, description: 'Keep the full submitted email for this many days for member analysts; 0: never stored (only the verdict, indicators and hashes).' },
  taxiiMaxContentLength: { env: 'TOCSIN_TAXII_MAX_CONTENT_LENGTH', type: 'integer', default: '33554432', min: 1024, max: 1073741824, description: 'Largest TAXII POST body, in bytes (announced as max_content_length; larger bodies get 413).' },
  taxiiPageSize: { env: 'TOCSIN_TAXII_PAGE_SIZE', type: 'integer', default: '1000', min: 1, max: 10000, description: 'Most objects in one TAXII page; a larger limit is capped to it, and it is the page size when a client gives none.' },
  stixImportMaxBytes: { env: 'TOCSIN_STIX_IMPORT_MAX_BYTES', type: 'integer', default: '268435456', min: 1024, max: 1073741824, description: 'Largest STIX bundle a member may upload in the web app or POST /api/stix/imports, in bytes (the upload is stored in the data folder while it is imported; `tocsin stix import` has no limit).' },
  federationTimeoutMs: { env: 'TOCSIN_FEDERATION_TIMEOUT_MS', type: 'integer', default: '30000', min: 1000, max: 600000, description: 'How long one call to a peer hub may take (connect, send, read the answer), in milliseconds.' },
  federationMaxResponseBytes: { env: 'TOCSIN_FEDERATION_MAX_RESPONSE_BYTES', type: 'integer', default: '33554432', min: 65536, max: 1073741824, description: 'Largest answer read from a peer hub, in bytes; a larger page is refused and the peer marked failing.' },
  federationUnhealthyAfter: { env: 'TOCSIN_FEDERATION_UNHEALTHY_AFTER', type: 'integer', default: '3', min: 1, max: 1000, description: 'Failed attempts in a row after which a peer hub is shown as unhealthy (it is still retried, backing off from 30 s to hourly).' },
  intelCorrelationLimit: { env: 'TOCSIN_INTEL_CORRELATION_LIMIT', type: 'integer', default: '500', min: 2, max: 1000000, description: 'An observable mentioned by more objects than this (feeds, warnings, STIX objects) is flagged ubiquitous: counted, not listed object by object.' },
  intelFalsePositiveThreshold: { env: 'TOCSIN_INTEL_FALSE_POSITIVE_THRESHOLD', type: 'integer', default: '3', min: 1, max: 1000, description: 'Distinct organisations reporting a value a false positive before it is suppressed for everyone (no exports, no alerts).' },
  intelLookupMaxValues: { env: 'TOCSIN_INTEL_LOOKUP_MAX_VALUES', type: 'integer', default: '10000', min: 1, max: 100000, description: 'Most values one bulk lookup request may carry (POST /api/intel/lookup); the request body limit grows with it (1 KiB a value).' },
  exportSidBase: { env: 'TOCSIN_EXPORT_SID_BASE', type: 'integer', default: '9000000', min: 1000000, max: 4194967296, description: 'First Suricata/Snort rule id of exported rules (ids from 1,000,000 are for local rules); each value keeps its sid across exports. Base + range − 1 must fit in 32 bits (4,294,967,295).' },
  exportSidRange: { env: 'TOCSIN_EXPORT_SID_RANGE', type: 'integer', default: '100000000', min: 1000, max: 100000000, description: 'How many sids exported rules may use from TOCSIN_EXPORT_SID_BASE: a value gets two (a domain needs a DNS and a TLS rule), base + 2 × (its id modulo half of this), so the default has room for the first 50,000,000 values stored; past that (or with a smaller range) a value whose sids another already holds is skipped and counted.' },
  exportCacheEnabled: { env: 'TOCSIN_EXPORT_CACHE_ENABLED', type: 'boolean', default: 'true', description: "Keep each export's last rendered body in the data folder (export-cache/) and send it to every device that fetches the export until its content may have changed (the same rule as its ETag), instead of reading and writing every value again for each fetch. Off: every fetch renders." },
  exportCacheMaxBytes: { env: 'TOCSIN_EXPORT_CACHE_MAX_BYTES', type: 'integer', default: '1073741824', min: 0, max: 1099511627776, description: 'Largest export body kept in the body cache, in bytes (each export keeps at most one per encoding); a larger one is rendered for every fetch instead. gzip bodies are about a tenth of the plain ones.' },
  feedsEnabled: { env: 'TOCSIN_FEEDS_ENABLED', type: 'boolean', default: 'true', description: 'Run outside feeds on their schedules in this process (turn off on processes that should only serve requests).' },
  feedTimeoutMs: { env: 'TOCSIN_FEED_TIMEOUT_MS', type: 'integer', default: '120000', min: 1000, max: 3600000, description: 'How long fetching one feed may take, in milliseconds.' },
  feedMaxBytes: { env: 'TOCSIN_FEED_MAX_BYTES', type: 'integer', default: '536870912', min: 1024, max: 4294967296, description: 'Largest feed read, in bytes after decompression; a larger one fails its run and keeps the previous data.' },
  feedFileRoot: { env: 'TOCSIN_FEED_FILE_ROOT', type: 'string', description: 'Folder that file feeds (file:// sources) may be read from; unset: file feeds are refused.' },
  hubName: { env: 'TOCSIN_HUB_NAME', type: 'string', default: 'Tocsin', description: 'The hub\'s name as people know it (e.g. "Bay Area Cyber Hub"): the sender of reports and the title of the public edition.' },
  reportsEnabled: { env: 'TOCSIN_REPORTS_ENABLED', type: 'boolean', default: 'true', description: 'Make and mail the daily report and the weekly and monthly digests in this process (several processes may: each report is made once).' },
  reportTime: { env: 'TOCSIN_REPORT_TIME', type: 'string', default: '07:00', description: 'Local time (HH:MM, 24-hour) at which the daily report is made; it covers the 24 hours before. The weekly and monthly digests are made at the same time.' },
  reportTimeZone: { env: 'TOCSIN_REPORT_TIME_ZONE', type: 'string', default: 'UTC', description: 'IANA time zone of the report time and of the dates in reports, e.g. America/Los_Angeles.' },
  reportWeekday: { env: 'TOCSIN_REPORT_WEEKDAY', type: 'enum', default: 'monday', values: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], description: 'Day on which the weekly digest is made, covering the seven days before.' },
  reportCatchUpDays: { env: 'TOCSIN_REPORT_CATCH_UP_DAYS', type: 'integer', default: '7', min: 0, max: 366, description: 'After downtime, reports missed in this many days are made (and mailed) when the hub is back; older ones can be made with `tocsin report generate`.' },
} as const satisfies Record<string, OptionSpec>;

export type OptionKey = keyof typeof optionSpecs;
