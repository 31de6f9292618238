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
} as const satisfies Record<string, OptionSpec>;

export type OptionKey = keyof typeof optionSpecs;
