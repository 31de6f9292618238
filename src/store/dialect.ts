// Which SQL dialect a Kysely handle speaks; the few places that must differ ask here.
import { PostgresAdapter, type Kysely } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function dialectOf(db: Kysely<any>): DialectName {
  return isPostgres(db) ? 'postgres' : 'sqlite';
}
