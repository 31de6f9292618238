// What a CLI command works with: the config, an open store and a service context, acting
// as the operator at the console (audited as "cli").
import pino from 'pino';
import type { Config } from '../config/config.js';
import type { AppContext } from '../context.js';
import { createMailer } from '../mail/mailer.js';
import { createBus } from '../push/bus.js';
import { openStore, type Store } from '../store/database.js';
import { seedWarningLists } from '../intel/warning-lists.js';
import { warningListsSettled } from '../intel/warning-list-remark.js';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/** Open the store for one command and close it afterwards, whatever happens. */
export async function withContext<T>(config: Config, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const store: Store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: 2 });
  const mailer = createMailer(config.smtpUrl, config.smtpFrom, log);
  // On PostgreSQL a change made here wakes the running hub processes at once.
  const bus = await createBus(store.dialect === 'postgres' ? config.databaseUrl : undefined, log);
  const ctx: AppContext = { config, db: store.db, dialect: store.dialect, mailer, bus, log, now: () => new Date() };
  try {
    await seedWarningLists(store.db, new Date().toISOString());
    return await fn(ctx);
  } finally {
    // A change to the lists or assets re-marks the store in the background: let it finish.
    await warningListsSettled(ctx);
    await bus.close();
    mailer.close();
    await store.close();
  }
}

/** Print as JSON (for scripts) or as aligned text rows (for people). */
export function printResult(io: CliIO, json: boolean, value: unknown, rows?: () => string[][]): void {
  if (json || !rows) {
    io.out(JSON.stringify(value, null, 2));
    return;
  }
  const table = rows();
  if (table.length === 0) return;
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  for (const row of table) io.out(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}
