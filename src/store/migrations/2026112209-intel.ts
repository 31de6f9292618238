// Frozen once released: the analyst workspace's intel store. Every observable is stored once
// (normalised type + value); each place that mentions it (a feed, a warning, a STIX object
// posted over TAXII) is a mention with its own sharing envelope, first/last seen and expiry.
// Feed sources and their run history, member sightings, warning lists against false
// positives, and watchlist matches against each organisation's own assets.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);

  await db.schema
    .createTable('observables')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    // ipv4 | ipv6 | cidr | domain | url | email | md5 | sha1 | sha256 | cve
    .addColumn('type', 'text', (c) => c.notNull())
    // canonical form (see stix/observables.ts normaliseObservable)
    .addColumn('value', 'text', (c) => c.notNull())
    // addresses and ranges: first and last address as 32 hex digits (IPv4 mapped into
    // ::ffff:0:0/96), so containment is a text comparison on both dialects
    .addColumn('ip_from', 'text')
    .addColumn('ip_to', 'text')
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    // how many mentions point here; past the correlation limit the value is flagged ubiquitous
    .addColumn('mention_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ubiquitous', 'integer', (c) => c.notNull().defaultTo(0))
    // the warning list that matched (private-ranges, resolvers, popular-domains, member-assets, …)
    .addColumn('warning_list', 'text')
    // distinct organisations that reported it a false positive; past the threshold it is suppressed
    .addColumn('false_positives', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suppressed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('observables_value_uq').on('observables').columns(['type', 'value']).unique().execute();
  await db.schema.createIndex('observables_ip_idx').on('observables').columns(['ip_from', 'ip_to']).where(sql.ref('ip_from'), 'is not', null).execute();
  await db.schema.createIndex('observables_created_idx').on('observables').columns(['created_at']).execute();

  // A feed source: where to fetch, how to parse, what envelope its values get.
  await db.schema
    .createTable('feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    // list | csv | text | misp | stix | taxii
    .addColumn('kind', 'text', (c) => c.notNull())
    // http(s) URL, or a local file path for kind file sources (operator only)
    .addColumn('url', 'text')
    .addColumn('file_path', 'text')
    // JSON: parser options (list type, CSV columns, …), TAXII peer + collection
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    // JSON filter: { types?: [...], minConfidence?: n }
    .addColumn('filter', 'text', (c) => c.notNull().defaultTo('{}'))
    // the organisation whose feed it is (null: the hub's own, configured by an operator)
    .addColumn('org_id', 'text', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('default_tlp', 'text', (c) => c.notNull())
    // members | orgs (the owning organisation only): the audience of the feed's values
    .addColumn('audience_kind', 'text', (c) => c.notNull())
    .addColumn('confidence', 'integer', (c) => c.notNull())
    // overrides the per-type validity default; null: use the default
    .addColumn('expiry_days', 'integer')
    // expire | withdraw | keep: what happens to values that vanish from the source
    .addColumn('on_vanish', 'text', (c) => c.notNull())
    .addColumn('interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // conditional fetch
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    // JSON: format-specific progress (MISP manifest timestamps, TAXII added_after)
    .addColumn('cursor', 'text')
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('last_run_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    // lease: the process running the feed (several processes share one database)
    .addColumn('locked_until', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('feed_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('feed_id', 'text', (c) => c.notNull().references('feeds.id').onDelete('cascade'))
    // schedule | manual | cli
    .addColumn('trigger', 'text', (c) => c.notNull())
    // running | complete | not-modified | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    // Content-Length when known, for the progress bar
    .addColumn('total_bytes', 'bigint')
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('new_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('filtered_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expired_count', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON ParseReport (samples, counts by kind, warnings) when finished
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('feed_runs_feed_idx').on('feed_runs').columns(['feed_id', 'started_at']).execute();

  // Where an observable was mentioned. source_kind: feed (source_id = feed id), warning
  // (warning id), stix (STIX object id, posted over TAXII or imported).
  await db.schema
    .createTable('mentions')
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('observable_id', 'bigint', (c) => c.notNull().references('observables.id').onDelete('cascade'))
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('share_id', 'text', (c) => c.notNull().references('shares.id'))
    .addColumn('first_seen', 'text', (c) => c.notNull())
    // null while a feed still lists it: the feed's last_success_at is then its last sighting
    .addColumn('last_seen', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('confidence', 'integer')
    .addColumn('comment', 'text')
    // active | expired | withdrawn | revoked
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mentions_pk', ['source_id', 'observable_id'])
    .execute();
  await db.schema.createIndex('mentions_observable_idx').on('mentions').columns(['observable_id']).execute();

  await db.schema
    .createTable('sightings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('observable_id', 'bigint', (c) => c.notNull().references('observables.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    // the reporter is hidden from everyone but its own organisation
    .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('false_positive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    // web | api | lookup
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sightings_observable_idx').on('sightings').columns(['observable_id', 'seen_at']).execute();
  await db.schema.createIndex('sightings_seen_idx').on('sightings').columns(['seen_at']).execute();

  // Warning lists against false positives: shipped with the hub (updatable) or the operator's own.
  await db.schema
    .createTable('warning_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // shipped | custom
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('entry_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('warning_list_entries')
    .addColumn('list_id', 'text', (c) => c.notNull().references('warning_lists.id').onDelete('cascade'))
    // cidr | ipv4 | ipv6 | domain (matches sub-domains) | hostname (exact)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('warning_list_entries_pk', ['list_id', 'type', 'value'])
    .execute();

  // New intel that touched an organisation's own assets.
  await db.schema
    .createTable('watch_matches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('observable_id', 'bigint', (c) => c.notNull().references('observables.id').onDelete('cascade'))
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('share_id', 'text', (c) => c.notNull().references('shares.id'))
    // the asset that matched and how: domain, ip_range, asn, email_domain, brand, lookalike
    .addColumn('asset_kind', 'text', (c) => c.notNull())
    .addColumn('asset_value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint')
    .addColumn('acknowledged_at', 'text')
    .addColumn('matched_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('watch_matches_uq').on('watch_matches').columns(['org_id', 'observable_id', 'source_id']).unique().execute();
  await db.schema.createIndex('watch_matches_org_idx').on('watch_matches').columns(['org_id', 'matched_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['watch_matches', 'warning_list_entries', 'warning_lists', 'sightings', 'mentions', 'feed_runs', 'feeds', 'observables']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
