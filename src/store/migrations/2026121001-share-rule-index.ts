// Frozen once released: every read of shared objects joins each row to its share and checks
// the sharing rule on it (TAXII pages, exports, lookups). With the rule's columns in the index
// the join reads the index alone: one b-tree search per row instead of two.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('shares_rule_idx').on('shares').columns(['id', 'audience_kind', 'tlp', 'producer_org_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('shares_rule_idx').execute();
}
