// Config: defaults, precedence (flag > env > default), validation that names every problem,
// *_FILE secrets, redaction and immutability. Pure functions: no dialect loop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, flagName, loadConfig } from './config.js';
import { optionSpecs, type OptionKey } from './options.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tocsin-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: Record<string, string>, flags: Partial<Record<OptionKey, string>> = {}): string[] {
  try {
    loadConfig(env, flags);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has working defaults with nothing set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: 'localhost',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      pgPoolSize: 10,
      publicUrl: 'http://localhost:8080',
      trustProxy: false,
      logLevel: 'info',
      bodyLimit: 1_048_576,
      smtpUrl: undefined,
      sessionTtlHours: 12,
      cookieSecure: false,
      loginMaxAttempts: 5,
      loginLockoutMinutes: 15,
      loginRateLimit: 30,
      invitationTtlHours: 72,
      passwordResetTtlMinutes: 60,
      tokenDefaultDays: 365,
      votingRule: { city: 250_000, county: 900_000 },
      adminEmail: 'operator@localhost',
      metricsToken: undefined,
    });
  });

  it('takes the environment over defaults and flags over the environment; empty means unset', () => {
    const env = { TOCSIN_PORT: '9000', TOCSIN_LOG_LEVEL: 'debug', TOCSIN_TRUST_PROXY: 'yes', TOCSIN_HOST: '' };
    const fromEnv = loadConfig(env);
    expect(fromEnv).toMatchObject({ port: 9000, logLevel: 'debug', trustProxy: true, host: 'localhost', publicUrl: 'http://localhost:9000' });
    const fromFlags = loadConfig(env, { port: '9100', trustProxy: 'off' });
    expect(fromFlags).toMatchObject({ port: 9100, logLevel: 'debug', trustProxy: false });
    expect(flagName('loginMaxAttempts')).toBe('login-max-attempts');
  });

  it('derives the cookie Secure flag from an https public URL unless told', () => {
    expect(loadConfig({ TOCSIN_PUBLIC_URL: 'https://hub.example.gov/' })).toMatchObject({ publicUrl: 'https://hub.example.gov', cookieSecure: true });
    expect(loadConfig({ TOCSIN_PUBLIC_URL: 'https://hub.example.gov', TOCSIN_COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(loadConfig({ TOCSIN_COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
  });

  it('lists every invalid value at once, each with its environment variable and flag', () => {
    const problems = problemsOf({
      TOCSIN_PORT: 'eighty',
      TOCSIN_LOG_LEVEL: 'loud',
      TOCSIN_DATABASE_URL: 'mysql://db/tocsin',
      TOCSIN_TRUST_PROXY: 'maybe',
      TOCSIN_PUBLIC_URL: 'ftp://hub.example.gov',
      TOCSIN_BODY_LIMIT: '10',
      TOCSIN_SESSION_TTL_HOURS: '100000',
      TOCSIN_SMTP_URL: 'http://mail',
      TOCSIN_ADMIN_EMAIL: 'not-an-email',
    });
    const vars = ['TOCSIN_PORT', 'TOCSIN_LOG_LEVEL', 'TOCSIN_DATABASE_URL', 'TOCSIN_TRUST_PROXY', 'TOCSIN_PUBLIC_URL', 'TOCSIN_BODY_LIMIT', 'TOCSIN_SESSION_TTL_HOURS', 'TOCSIN_SMTP_URL', 'TOCSIN_ADMIN_EMAIL'];
    expect(problems).toHaveLength(vars.length);
    for (const v of vars) expect(problems.some((p) => p.startsWith(`${v} (--`)), v).toBe(true);
    expect(problems.find((p) => p.startsWith('TOCSIN_PORT'))).toBe('TOCSIN_PORT (--port): "eighty" is not a whole number');
    expect(problems.find((p) => p.startsWith('TOCSIN_BODY_LIMIT'))).toContain('below the minimum 1024');
    expect(() => loadConfig({ TOCSIN_PORT: 'eighty', TOCSIN_LOG_LEVEL: 'loud' })).toThrow(/^Invalid configuration:\n {2}- TOCSIN_PORT[^\n]*\n {2}- TOCSIN_LOG_LEVEL/);
    // a bad flag is reported under the flag's variable too
    expect(problemsOf({}, { loginMaxAttempts: '0' })).toEqual(['TOCSIN_LOGIN_MAX_ATTEMPTS (--login-max-attempts): 0 is below the minimum 1']);
  });

  it('reads a secret from *_FILE, trimmed; the variable itself wins; an unreadable file is a problem', () => {
    const file = path.join(dir, 'smtp-url');
    writeFileSync(file, 'smtp://relay:s3cret@mail.example.gov:587\n');
    expect(loadConfig({ TOCSIN_SMTP_URL_FILE: file }).smtpUrl).toBe('smtp://relay:s3cret@mail.example.gov:587');
    expect(loadConfig({ TOCSIN_SMTP_URL_FILE: file, TOCSIN_SMTP_URL: 'smtp://direct' }).smtpUrl).toBe('smtp://direct');
    const tokenFile = path.join(dir, 'metrics');
    writeFileSync(tokenFile, 'scrape-me\n');
    expect(loadConfig({ TOCSIN_METRICS_TOKEN_FILE: tokenFile }).metricsToken).toBe('scrape-me');
    // only secrets have a *_FILE form
    const portFile = path.join(dir, 'port');
    writeFileSync(portFile, '9999');
    expect(loadConfig({ TOCSIN_PORT_FILE: portFile }).port).toBe(8080);
    const missing = problemsOf({ TOCSIN_SMTP_URL_FILE: path.join(dir, 'nope') });
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^TOCSIN_SMTP_URL_FILE: cannot read .*nope \(ENOENT\)$/);
  });

  it('describes the config with secrets redacted', () => {
    const c = loadConfig({
      TOCSIN_DATABASE_URL: 'postgres://tocsin:db-password-1@db.internal/tocsin',
      TOCSIN_SMTP_URL: 'smtp://relay:smtp-password-2@mail.example.gov',
      TOCSIN_METRICS_TOKEN: 'metrics-token-3',
      TOCSIN_VOTING_RULE: 'city:100000,county:500000',
    });
    const table = describeConfig(c);
    expect(table.map((r) => r.key).sort()).toEqual((Object.keys(optionSpecs) as OptionKey[]).sort());
    const row = (key: OptionKey) => table.find((r) => r.key === key)!;
    for (const key of ['databaseUrl', 'smtpUrl', 'metricsToken'] as const) expect(row(key)).toMatchObject({ value: '[redacted]', secret: true });
    const printed = JSON.stringify(table);
    for (const secret of ['db-password-1', 'smtp-password-2', 'metrics-token-3']) expect(printed).not.toContain(secret);
    expect(row('votingRule')).toMatchObject({ env: 'TOCSIN_VOTING_RULE', value: 'city:100000,county:500000', secret: false });
    expect(row('port').value).toBe('8080');
    expect(describeConfig(loadConfig({})).find((r) => r.key === 'smtpUrl')!.value).toBe('');
  });

  it('is frozen, voting rule included', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.votingRule as Record<string, number>).city = 1;
    }).toThrow(TypeError);
    expect(c.port).toBe(8080);
    expect(c.votingRule.city).toBe(250_000);
  });

  it('parses the voting rule as kind:population pairs', () => {
    expect(loadConfig({ TOCSIN_VOTING_RULE: ' city:100000 , tribal:0,county:500000 ' }).votingRule).toEqual({ city: 100_000, tribal: 0, county: 500_000 });
    expect(loadConfig({ TOCSIN_VOTING_RULE: ',' }).votingRule).toEqual({});
    for (const bad of ['city=100000', 'city:-5', 'city:1e5', 'City:100', 'city:100,county']) {
      const problems = problemsOf({ TOCSIN_VOTING_RULE: bad });
      expect(problems, bad).toHaveLength(1);
      expect(problems[0]).toMatch(/^TOCSIN_VOTING_RULE \(--voting-rule\): ".*" is not kind:population/);
    }
  });
});
