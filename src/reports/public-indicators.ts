// The public edition's attachments: the period's new TLP:CLEAR indicators as CSV and as a
// STIX 2.1 bundle. Read a page at a time (memory stays flat on a day a big CLEAR feed changes),
// filtered by the sharing policy for an anonymous reader and to CLEAR, without values since
// revoked, withdrawn or suppressed as false positives.
import type { Kysely } from 'kysely';
import { anonymousReader, visibleTo } from '../sharing/policy.js';
import { buildIndicator } from '../stix/builders.js';
import { uuidV5 } from '../stix/ids.js';
import type { IndicatorType } from '../stix/observables.js';
import { markingDefinitionFor, markingIdFor } from '../stix/tlp.js';
import type { Database } from '../store/schema.js';
import { csvCell } from '../intel/trends.csv.js';

export interface ClearIndicator {
  id: number;
  type: string;
  value: string;
  firstSeen: string;
  source: string;
}

const pageSize = 1000;

async function page(db: Kysely<Database>, w: { from: string; to: string }, after: number): Promise<ClearIndicator[]> {
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('shares', 'shares.id', 'mentions.share_id')
    .innerJoin('observables', 'observables.id', 'mentions.observable_id')
    .leftJoin('feeds', (j) => j.onRef('feeds.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'feed'))
    .leftJoin('warnings', (j) => j.onRef('warnings.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'warning'))
    .select(['observables.id', 'observables.type', 'observables.value', 'mentions.first_seen', 'mentions.source_kind', 'feeds.name as feed_name', 'warnings.title as warning_title'])
    .where('mentions.created_at', '>=', w.from)
    .where('mentions.created_at', '<', w.to)
    .where('mentions.status', 'in', ['active', 'expired'])
    .where('shares.tlp', '=', 'clear')
    .where(visibleTo(anonymousReader, 'shares'))
    .where('observables.suppressed_at', 'is', null)
    .where('observables.id', '>', after)
    .orderBy('observables.id')
    .orderBy('mentions.source_id')
    .limit(pageSize)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    type: r.type,
    value: r.value,
    firstSeen: r.first_seen,
    source: r.feed_name ?? (r.warning_title ? `Warning: ${r.warning_title}` : r.source_kind === 'stix' ? 'STIX' : r.source_kind),
  }));
}

/** Each value once (its first source), in observable id order. */
export async function* clearIndicators(db: Kysely<Database>, w: { from: string; to: string }): AsyncGenerator<ClearIndicator[]> {
  let after = 0;
  for (;;) {
    const rows = await page(db, w, after);
    if (rows.length === 0) return;
    const out: ClearIndicator[] = [];
    for (const r of rows) if (out.length === 0 || out[out.length - 1]!.id !== r.id) out.push(r);
    // A page cut inside one value's mentions: the next page starts after it, so it is not repeated.
    after = rows[rows.length - 1]!.id;
    yield out;
    if (rows.length < pageSize) return;
  }
}

export async function* clearIndicatorsCsv(db: Kysely<Database>, w: { from: string; to: string }): AsyncGenerator<string> {
  yield 'type,value,first_seen,source,tlp\r\n';
  for await (const rows of clearIndicators(db, w)) {
    yield rows.map((r) => `${[r.type, r.value, r.firstSeen, r.source].map(csvCell).join(',')},clear\r\n`).join('');
  }
}

/** Our own namespace for report bundle ids (a random UUID, fixed forever). */
const namespace = '2b0f7c1e-4f7e-4a53-9d0f-8a6e1c3b5d27';

export async function* clearIndicatorsStix(db: Kysely<Database>, w: { from: string; to: string }, hub: { hubName: string; publicUrl: string; period: string; kind: string }): AsyncGenerator<string> {
  const identityId = `identity--${uuidV5(namespace, `hub:${hub.publicUrl}`)}`;
  const identity = {
    type: 'identity',
    spec_version: '2.1',
    id: identityId,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: hub.hubName,
    identity_class: 'organization',
  };
  const bundleId = `bundle--${uuidV5(namespace, `bundle:${hub.publicUrl}:${hub.kind}:${hub.period}`)}`;
  yield `{"type":"bundle","id":"${bundleId}","objects":[\n${JSON.stringify(identity)},\n${JSON.stringify(markingDefinitionFor('clear'))}`;
  for await (const rows of clearIndicators(db, w)) {
    let chunk = '';
    for (const r of rows) {
      try {
        const indicator = buildIndicator({
          id: `indicator--${uuidV5(namespace, `observable:${hub.publicUrl}:${r.id}`)}`,
          created: r.firstSeen,
          modified: r.firstSeen,
          createdBy: identityId,
          markings: [markingIdFor('clear')],
          observables: [{ type: r.type as IndicatorType, value: r.value }],
          validFrom: r.firstSeen,
          externalReferences: [{ source_name: hub.hubName, url: `${hub.publicUrl}/public/reports/${hub.kind}/${hub.period}` }],
        });
        chunk += `,\n${JSON.stringify(indicator)}`;
      } catch {
        // A value the STIX pattern grammar cannot carry (a CVE id): left out of the bundle, kept in the CSV.
      }
    }
    if (chunk) yield chunk;
  }
  yield '\n]}\n';
}

/** The whole stream as one string (mail attachments). */
export async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let s = '';
  for await (const chunk of gen) s += chunk;
  return s;
}
