// What every service receives: the store, the config, the mailer and the clock. Built once
// by buildApp (or the CLI) and passed down; services never reach for globals.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Mailer } from './mail/mailer.js';
import type { EventBus } from './push/bus.js';
import type { DialectName } from './store/dialect.js';
import type { Database } from './store/schema.js';

export interface AppContext {
  config: Config;
  db: Kysely<Database>;
  dialect: DialectName;
  mailer: Mailer;
  /** wakes deliverers after a commit (in memory, or LISTEN/NOTIFY on PostgreSQL) */
  bus: EventBus;
  log: Logger;
  now(): Date;
}

/** ISO-8601 UTC with milliseconds: the one timestamp shape stored and emitted. */
export function isoNow(ctx: Pick<AppContext, 'now'>): string {
  return ctx.now().toISOString();
}

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
