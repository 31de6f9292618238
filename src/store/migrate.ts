// Runs migrations in order. They are listed here (not read from a folder) so the built
// program carries them; each file is frozen once released. Kysely's migrator takes a
// lock, so several processes starting at once migrate exactly once.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m2026112201 from './migrations/2026112201-initial.js';
import * as m2026112202 from './migrations/2026112202-warnings.js';
import * as m2026112203 from './migrations/2026112203-totp-replay.js';
import * as m2026112204 from './migrations/2026112204-pending-deliveries.js';
import * as m2026112205 from './migrations/2026112205-stix-versions.js';
import * as m2026112206 from './migrations/2026112206-federation.js';
import * as m2026112207 from './migrations/2026112207-phishing.js';
import * as m2026112208 from './migrations/2026112208-stix-imports.js';
import * as m2026112209 from './migrations/2026112209-intel.js';
import * as m2026112212 from './migrations/2026112212-watchlists.js';
import * as m2026120701 from './migrations/2026120701-exports.js';
import * as m2026120702 from './migrations/2026120702-siem-connectors.js';
import * as m2026120801 from './migrations/2026120801-reports.js';
import * as m2026120901 from './migrations/2026120901-peer-inbound.js';
import * as m2026121001 from './migrations/2026121001-share-rule-index.js';

const migrations: Record<string, Migration> = {
  '2026112201-initial': m2026112201,
  '2026112202-warnings': m2026112202,
  '2026112203-totp-replay': m2026112203,
  '2026112204-pending-deliveries': m2026112204,
  '2026112205-stix-versions': m2026112205,
  '2026112206-federation': m2026112206,
  '2026112207-phishing': m2026112207,
  '2026112208-stix-imports': m2026112208,
  '2026112209-intel': m2026112209,
  '2026112212-watchlists': m2026112212,
  '2026120701-exports': m2026120701,
  '2026120702-siem-connectors': m2026120702,
  '2026120801-reports': m2026120801,
  '2026120901-peer-inbound': m2026120901,
  '2026121001-share-rule-index': m2026121001,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
