// Frozen once released: every version of every STIX object, in the order the hub added it
// (what TAXII serves), TAXII status resources, and the two built-in shares that hold
// reference objects (TLP markings and extension definitions for everyone, member
// identities for members). Existing warning objects are copied in.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// The same ids as src/sharing/reference-shares.ts (copied: a migration never imports app code).
const referenceShares = {
  public: 'share-reference-public',
  members: 'share-reference-members',
} as const;

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('stix_versions')
    // Microseconds since the epoch, unique and strictly increasing: TAXII's date_added.
    .addColumn('date_added', 'bigint', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // modified, else created, else date_added — in microseconds, compared as numbers
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('spec_version', 'text', (c) => c.notNull())
    .addColumn('share_id', 'text', (c) => c.notNull().references('shares.id'))
    .addColumn('is_latest', 'integer', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    // provenance: the peer hub it was received from (never pushed back there)
    .addColumn('origin_peer_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addUniqueConstraint('stix_versions_id_version', ['id', 'version'])
    .execute();
  await db.schema.createIndex('stix_versions_latest_idx').on('stix_versions').columns(['is_latest', 'date_added']).execute();
  await db.schema.createIndex('stix_versions_type_idx').on('stix_versions').columns(['type', 'date_added']).execute();

  await db.schema
    .createTable('taxii_status')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('token_id', 'text')
    .addColumn('request_timestamp', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_count', 'integer', (c) => c.notNull())
    .addColumn('success_count', 'integer', (c) => c.notNull())
    .addColumn('failure_count', 'integer', (c) => c.notNull())
    .addColumn('pending_count', 'integer', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('taxii_status_created_idx').on('taxii_status').column('created_at').execute();

  const at = new Date().toISOString();
  await db
    .insertInto('shares')
    .values([
      { id: referenceShares.public, tlp: 'clear', audience_kind: 'public', producer_org_id: null, producer_user_id: null, anonymous: 0, public_label: null, created_at: at },
      { id: referenceShares.members, tlp: 'green', audience_kind: 'members', producer_org_id: null, producer_user_id: null, anonymous: 0, public_label: null, created_at: at },
    ])
    .execute();

  // Warnings sent before this migration: their current objects become version one.
  const rows = await db.selectFrom('stix_objects').select(['id', 'type', 'share_id', 'created', 'modified', 'date_added', 'data']).orderBy('date_added').orderBy('id').execute();
  let last = 0;
  for (const r of rows as Array<Record<string, string>>) {
    const addedMs = Date.parse(r.date_added!);
    last = Math.max(last + 1, (Number.isNaN(addedMs) ? Date.now() : addedMs) * 1000);
    const versionMs = Date.parse(r.modified!);
    const share = r.type === 'identity' ? referenceShares.members : r.type === 'marking-definition' || r.type === 'extension-definition' ? referenceShares.public : r.share_id;
    const data = JSON.parse(r.data!) as { revoked?: boolean };
    await db
      .insertInto('stix_versions')
      .values({
        date_added: last,
        id: r.id,
        type: r.type,
        version: (Number.isNaN(versionMs) ? addedMs : versionMs) * 1000,
        spec_version: '2.1',
        share_id: share,
        is_latest: 1,
        revoked: data.revoked ? 1 : 0,
        origin_peer_id: null,
        data: r.data,
      })
      .execute();
  }
  if (pg) await sql`analyze stix_versions`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('taxii_status').ifExists().execute();
  await db.schema.dropTable('stix_versions').ifExists().execute();
  await db.deleteFrom('shares').where('id', 'in', Object.values(referenceShares)).execute();
}
