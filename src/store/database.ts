// Opens the store: SQLite (a file in the data folder) by default, PostgreSQL when a URL is
// configured. Both give the same Kysely<Database>; migrations run before the handle is returned.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { preparedName } from './prepared.js';

export interface StoreOptions {
  /** postgres:// URL; undefined selects SQLite */
  databaseUrl?: string | undefined;
  /** folder of the SQLite file */
  dataDir: string;
  pgPoolSize?: number;
  /** SQLite file name inside dataDir */
  sqliteFile?: string;
}

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages (password redacted). */
  location: string;
  close(): Promise<void>;
}

export class StoreUnavailableError extends Error {
  constructor(location: string, cause: unknown) {
    super(`Cannot open the database at ${location}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

// PostgreSQL returns int8 as strings; every bigint we store (counts, populations, ids)
// fits in a double, so read them as numbers.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, options.pgPoolSize ?? 10) : openSqlite(options);
  try {
    await migrateToLatest(store.db);
  } catch (err) {
    await store.close().catch(() => {});
    if (err instanceof StoreUnavailableError) throw err;
    const code = (err as { code?: string }).code;
    if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|3D000|28P01|28000)$/.test(code)) {
      throw new StoreUnavailableError(store.location, err);
    }
    throw err;
  }
  return store;
}

function openSqlite(options: StoreOptions): Store {
  const file = path.join(options.dataDir, options.sqliteFile ?? 'tocsin.db');
  let sqlite: SQLite.Database;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    sqlite = new SQLite(file);
  } catch (err) {
    throw new StoreUnavailableError(file, err);
  }
  // WAL lets readers run while a write is in progress; foreign keys are off by default.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

/**
 * Kysely prepares every SQLite statement anew on each run, which costs more than most of our
 * queries themselves. Keep the most recent prepared statements; a statement still being
 * iterated (busy) is never shared.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText);
      if (cached && !cached.busy) {
        // Most recently used last, so the oldest is evicted first.
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = sqlite.prepare(sqlText);
      if (!cached) {
        cache.set(sqlText, statement);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Registered statements (store/prepared.ts) go out named, so each connection plans them once.
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof config === 'string' && Array.isArray(values) && callback === undefined ? preparedName(config) : undefined;
      return name ? query({ name, text: config, values }) : query(config, values, callback);
    };
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
