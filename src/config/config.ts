// The one config object: read once from environment variables, *_FILE secrets and CLI flags,
// validated, frozen. Nothing else in the program reads process.env.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCidr } from '../stix/ip.js';
import { optionSpecs, type OptionKey, type OptionSpec } from './options.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  pgPoolSize: number;
  publicUrl: string;
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimit: number;
  smtpUrl: string | undefined;
  smtpFrom: string;
  mailRetryHours: number;
  passwordScryptCost: number;
  sessionTtlHours: number;
  cookieSecure: boolean;
  loginMaxAttempts: number;
  loginLockoutMinutes: number;
  loginRateLimit: number;
  invitationTtlHours: number;
  passwordResetTtlMinutes: number;
  tokenDefaultDays: number;
  votingRule: VotingRule;
  adminEmail: string;
  eventRetentionHours: number;
  deliveryLogDays: number;
  metricsToken: string | undefined;
  /** normalised allow-list entries: CIDRs (`10.0.0.0/8`), host names, `*.suffix` wildcards */
  outboundAllow: readonly string[];
  webhookTimeoutMs: number;
  webhookRetryHours: number;
  taxiiMaxContentLength: number;
  taxiiPageSize: number;
  stixImportMaxBytes: number;
  federationTimeoutMs: number;
  federationMaxResponseBytes: number;
  federationUnhealthyAfter: number;
  intelCorrelationLimit: number;
  intelFalsePositiveThreshold: number;
  intelLookupMaxValues: number;
  exportSidBase: number;
  exportSidRange: number;
  exportCacheEnabled: boolean;
  exportCacheMaxBytes: number;
  feedsEnabled: boolean;
  feedTimeoutMs: number;
  feedMaxBytes: number;
  feedFileRoot: string | undefined;
  hubName: string;
  reportsEnabled: boolean;
  /** HH:MM, 24-hour, in reportTimeZone */
  reportTime: string;
  reportTimeZone: string;
  reportWeekday: ReportWeekday;
  reportCatchUpDays: number;
  /** undefined: no phishing-check mailbox */
  phishingSmtpPort: number | undefined;
  phishingSmtpHost: string;
  /** normalised CIDRs of the relays in front of the mailbox */
  phishingSmtpRelays: readonly string[];
  phishingMailbox: string | undefined;
  phishingMaxBytes: number;
  phishingRateLimit: number;
  phishingBudgetMs: number;
  phishingRetentionDays: number;
  phishingKeepRawDays: number;
}

export type ReportWeekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** Minimum population per organisation kind for a vote; kinds not listed never vote. */
export type VotingRule = Readonly<Record<string, number>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type ConfigSource = Record<string, string | undefined>;

export function flagName(key: OptionKey): string {
  return optionSpecs[key].env.replace(/^TOCSIN_/, '').toLowerCase().replaceAll('_', '-');
}

/**
 * Build the config. `flags` (keys as in the option table, e.g. { port: '9000' }) win over
 * the environment, which wins over defaults.
 */
export function loadConfig(env: ConfigSource = readProcessEnv(), flags: Partial<Record<OptionKey, string>> = {}): Config {
  const problems: string[] = [];
  const raw: Partial<Record<OptionKey, string>> = {};
  for (const key of Object.keys(optionSpecs) as OptionKey[]) {
    const spec: OptionSpec = optionSpecs[key];
    let value = flags[key] ?? env[spec.env];
    const fileVar = `${spec.env}_FILE`;
    if (value === undefined && spec.secret && env[fileVar]) {
      try {
        value = readFileSync(env[fileVar]!, 'utf8').trim();
      } catch (err) {
        problems.push(`${fileVar}: cannot read ${env[fileVar]} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    if (value === '' ) value = undefined;
    raw[key] = value ?? spec.default;
  }

  const get = <T>(key: OptionKey, parse: (v: string, spec: OptionSpec) => T): T | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    try {
      return parse(v, optionSpecs[key]);
    } catch (err) {
      problems.push(`${optionSpecs[key].env} (--${flagName(key)}): ${(err as Error).message}`);
      return undefined;
    }
  };

  const port = get('port', parseInteger) ?? 8080;
  const publicUrl = get('publicUrl', parseUrl) ?? `http://localhost:${port}`;
  const cookieSecureRaw = get('cookieSecure', parseEnum) ?? 'auto';
  const databaseUrl = get('databaseUrl', (v) => {
    if (!/^postgres(ql)?:\/\//.test(v)) throw new Error('must start with postgres:// (unset it to use SQLite)');
    return v;
  });

  const config: Config = {
    port,
    host: get('host', String) ?? 'localhost',
    dataDir: path.resolve(get('dataDir', String) ?? './data'),
    databaseUrl,
    pgPoolSize: get('pgPoolSize', parseInteger) ?? 10,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    trustProxy: get('trustProxy', parseBoolean) ?? false,
    logLevel: (get('logLevel', parseEnum) ?? 'info') as Config['logLevel'],
    bodyLimit: get('bodyLimit', parseInteger) ?? 1_048_576,
    smtpUrl: get('smtpUrl', (v) => {
      if (!/^smtps?:\/\//.test(v)) throw new Error('must start with smtp:// or smtps://');
      return v;
    }),
    smtpFrom: get('smtpFrom', String) ?? 'Tocsin <tocsin@localhost>',
    mailRetryHours: get('mailRetryHours', parseInteger) ?? 24,
    passwordScryptCost: get('passwordScryptCost', parseInteger) ?? 15,
    sessionTtlHours: get('sessionTtlHours', parseInteger) ?? 12,
    cookieSecure: cookieSecureRaw === 'auto' ? publicUrl.startsWith('https:') : cookieSecureRaw === 'true',
    loginMaxAttempts: get('loginMaxAttempts', parseInteger) ?? 5,
    loginLockoutMinutes: get('loginLockoutMinutes', parseInteger) ?? 15,
    loginRateLimit: get('loginRateLimit', parseInteger) ?? 30,
    invitationTtlHours: get('invitationTtlHours', parseInteger) ?? 72,
    passwordResetTtlMinutes: get('passwordResetTtlMinutes', parseInteger) ?? 60,
    tokenDefaultDays: get('tokenDefaultDays', parseInteger) ?? 365,
    votingRule: get('votingRule', parseVotingRule) ?? {},
    adminEmail: get('adminEmail', (v) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(v)) throw new Error('must be an email address');
      return v.toLowerCase();
    }) ?? 'operator@localhost',
    eventRetentionHours: get('eventRetentionHours', parseInteger) ?? 72,
    deliveryLogDays: get('deliveryLogDays', parseInteger) ?? 30,
    metricsToken: get('metricsToken', String),
    outboundAllow: get('outboundAllow', parseOutboundAllow) ?? [],
    webhookTimeoutMs: get('webhookTimeoutMs', parseInteger) ?? 10_000,
    webhookRetryHours: get('webhookRetryHours', parseInteger) ?? 24,
    taxiiMaxContentLength: get('taxiiMaxContentLength', parseInteger) ?? 33_554_432,
    taxiiPageSize: get('taxiiPageSize', parseInteger) ?? 1000,
    stixImportMaxBytes: get('stixImportMaxBytes', parseInteger) ?? 268_435_456,
    federationTimeoutMs: get('federationTimeoutMs', parseInteger) ?? 30_000,
    federationMaxResponseBytes: get('federationMaxResponseBytes', parseInteger) ?? 33_554_432,
    federationUnhealthyAfter: get('federationUnhealthyAfter', parseInteger) ?? 3,
    intelCorrelationLimit: get('intelCorrelationLimit', parseInteger) ?? 500,
    intelFalsePositiveThreshold: get('intelFalsePositiveThreshold', parseInteger) ?? 3,
    intelLookupMaxValues: get('intelLookupMaxValues', parseInteger) ?? 10_000,
    exportSidBase: get('exportSidBase', parseInteger) ?? 9_000_000,
    exportSidRange: get('exportSidRange', parseInteger) ?? 100_000_000,
    exportCacheEnabled: get('exportCacheEnabled', parseBoolean) ?? true,
    exportCacheMaxBytes: get('exportCacheMaxBytes', parseInteger) ?? 1_073_741_824,
    feedsEnabled: get('feedsEnabled', parseBoolean) ?? true,
    feedTimeoutMs: get('feedTimeoutMs', parseInteger) ?? 120_000,
    feedMaxBytes: get('feedMaxBytes', parseInteger) ?? 536_870_912,
    feedFileRoot: get('feedFileRoot', (v) => path.resolve(v)),
    hubName: get('hubName', (v) => {
      if (v.length > 100 || /[\u0000-\u001f]/.test(v)) throw new Error('must be one line of at most 100 characters');
      return v.trim();
    }) ?? 'Tocsin',
    reportsEnabled: get('reportsEnabled', parseBoolean) ?? true,
    reportTime: get('reportTime', parseClockTime) ?? '07:00',
    reportTimeZone: get('reportTimeZone', parseTimeZone) ?? 'UTC',
    reportWeekday: (get('reportWeekday', parseEnum) ?? 'monday') as ReportWeekday,
    reportCatchUpDays: get('reportCatchUpDays', parseInteger) ?? 7,
    phishingSmtpPort: get('phishingSmtpPort', parseInteger),
    phishingSmtpHost: get('phishingSmtpHost', String) ?? 'localhost',
    phishingSmtpRelays: get('phishingSmtpRelays', parseCidrList) ?? [],
    phishingMailbox: get('phishingMailbox', (v) => {
      if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(v)) throw new Error('must be an email address such as report@city.example');
      return v.toLowerCase();
    }),
    phishingMaxBytes: get('phishingMaxBytes', parseInteger) ?? 10_485_760,
    phishingRateLimit: get('phishingRateLimit', parseInteger) ?? 30,
    phishingBudgetMs: get('phishingBudgetMs', parseInteger) ?? 2000,
    phishingRetentionDays: get('phishingRetentionDays', parseInteger) ?? 90,
    phishingKeepRawDays: get('phishingKeepRawDays', parseInteger) ?? 0,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** The config as a table for `tocsin config`, secrets redacted. */
export function describeConfig(config: Config): Array<{ key: OptionKey; env: string; value: string; secret: boolean }> {
  return (Object.keys(optionSpecs) as OptionKey[]).map((key) => {
    const spec: OptionSpec = optionSpecs[key];
    const value = config[key];
    const shown =
      value === undefined ? '' : spec.secret ? '[redacted]' : Array.isArray(value) ? value.join(',') : typeof value === 'object' ? formatVotingRule(value as VotingRule) : String(value);
    return { key, env: spec.env, value: shown, secret: Boolean(spec.secret) };
  });
}

/** The process environment: the one place outside tests that reads it. */
export function readProcessEnv(): ConfigSource {
  return process.env;
}

function parseInteger(v: string, spec: OptionSpec): number {
  if (!/^-?\d+$/.test(v.trim())) throw new Error(`"${v}" is not a whole number`);
  const n = Number.parseInt(v, 10);
  if (spec.min !== undefined && n < spec.min) throw new Error(`${n} is below the minimum ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw new Error(`${n} is above the maximum ${spec.max}`);
  return n;
}

function parseClockTime(v: string): string {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v.trim());
  if (!m) throw new Error(`"${v}" is not a time of day such as 07:00`);
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

/** An IANA zone the runtime knows (Europe/Paris, America/New_York, UTC). */
export function parseTimeZone(v: string): string {
  const zone = v.trim();
  try {
    // The canonical spelling, so Europe/paris and Europe/Paris are one zone.
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`"${v}" is not a time zone (use an IANA name such as America/Los_Angeles)`);
  }
}

function parseBoolean(v: string): boolean {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new Error(`"${v}" is not true or false`);
}

function parseEnum(v: string, spec: OptionSpec): string {
  if (!spec.values?.includes(v)) throw new Error(`"${v}" is not one of ${spec.values?.join(', ')}`);
  return v;
}

function parseUrl(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${v}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http:// or https:// URL');
  return url.toString();
}

function parseVotingRule(v: string): VotingRule {
  const rule: Record<string, number> = {};
  for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+):(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not kind:population (e.g. city:250000)`);
    rule[m[1]!] = Number(m[2]);
  }
  return rule;
}

/**
 * `10.0.0.0/8, 192.0.2.7, hooks.corp.example, *.corp.example` → normalised entries; a bare
 * address becomes a /32 or /128. Anything that looks like an address must be a valid one, so
 * a typo cannot silently become a host name that never matches.
 */
function parseOutboundAllow(v: string): readonly string[] {
  const entries: string[] = [];
  for (const part of v.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    if (part.includes('/') || part.includes(':') || /^[\d.]+$/.test(part)) {
      const withPrefix = part.includes('/') ? part : `${part}/${part.includes(':') ? 128 : 32}`;
      if (!parseCidr(withPrefix)) throw new Error(`"${part}" is not a valid address or CIDR (e.g. 10.20.0.0/16)`);
      entries.push(withPrefix);
      continue;
    }
    const host = part.replace(/\.$/, '');
    const name = host.startsWith('*.') ? host.slice(2) : host;
    if (!/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/.test(name)) {
      throw new Error(`"${part}" is not a CIDR, an address or a host name`);
    }
    entries.push(host);
  }
  return entries;
}

/** `192.0.2.25, 10.1.0.0/16` → normalised CIDRs (a bare address becomes a /32 or /128). */
function parseCidrList(v: string): readonly string[] {
  return v
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)
    .map((part) => {
      const withPrefix = part.includes('/') ? part : `${part}/${part.includes(':') ? 128 : 32}`;
      if (!parseCidr(withPrefix)) throw new Error(`"${part}" is not a valid address or CIDR (e.g. 192.0.2.25 or 10.20.0.0/16)`);
      return withPrefix;
    });
}

function formatVotingRule(rule: VotingRule): string {
  return Object.entries(rule)
    .map(([k, n]) => `${k}:${n}`)
    .join(',');
}

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') Object.freeze(v);
  return Object.freeze(o);
}
