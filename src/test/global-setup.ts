// Runs once before the suite: decides which dialects the tests use. SQLite always;
// PostgreSQL when TOCSIN_TEST_DATABASE_URL is set or the default local server answers.
// With CI=true PostgreSQL is mandatory and its absence fails the run.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const defaultPgUrl = 'postgres://postgres@127.0.0.1:5432/test';

export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TOCSIN_TEST_DATABASE_URL || defaultPgUrl;
  const wanted = (process.env.TOCSIN_TEST_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  let pgUrl = '';
  if (wanted.includes('postgres')) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      pgUrl = url;
    } catch (err) {
      const why = `PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} is not reachable (${(err as Error).message})`;
      if (process.env.CI === 'true') throw new Error(`${why}. With CI=true the PostgreSQL suite is mandatory.`);
      console.warn(`\n${'!'.repeat(78)}\n!! ${why}.\n!! SKIPPING the PostgreSQL half of the suite. Set TOCSIN_TEST_DATABASE_URL to run it.\n${'!'.repeat(78)}\n`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  project.provide('pgUrl', pgUrl);
  project.provide('dialects', wanted.filter((d) => d === 'sqlite' || (d === 'postgres' && pgUrl)));
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    dialects: string[];
  }
}
