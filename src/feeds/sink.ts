// Where a feed run's records go: filtered, given the feed's envelope (one share per feed and
// TLP, reused across runs), written as mentions one transaction per parser batch, with the
// watchlist hook in the same transaction and its publication after the commit. Keeps the
// run's counts (what the source listed is marked in the run's KnownMentions, for vanish handling).
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { intelArrived, publishArrival } from '../intel/arrivals.js';
import { ingestMentions, observableKey, type KnownMentions, type MentionInput } from '../intel/ingest.repository.js';
import { validUntilFor } from '../intel/lifecycle.js';
import type { WarningListMatcher } from '../intel/warning-lists.js';
import { insertShare } from '../sharing/shares.js';
import type { Database, FeedRow } from '../store/schema.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import type { FeedCursor, FeedFilter } from './feed-options.js';
import { updateFeedRow } from './feeds.repository.js';
import type { FeedRecord } from './parsers/index.js';

export interface SinkCounts {
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  filtered: number;
  /** records this layer did not store: duplicates within the run, TLP:RED without named recipients */
  skipped: number;
  skippedByKind: Record<string, number>;
  watchMatches: number;
}

/** The more restrictive of two TLPs (AMBER+STRICT is narrower than AMBER, RED narrowest). */
export function stricterTlp(a: Tlp, b: Tlp | undefined): Tlp {
  if (!b) return a;
  return tlpLevels.indexOf(b) > tlpLevels.indexOf(a) ? b : a;
}

export class FeedSink {
  readonly counts: SinkCounts = { records: 0, created: 0, updated: 0, unchanged: 0, filtered: 0, skipped: 0, skippedByKind: {}, watchMatches: 0 };

  constructor(
    private readonly ctx: AppContext,
    private readonly feed: FeedRow,
    private readonly deps: {
      known: KnownMentions;
      matcher: WarningListMatcher;
      filter: FeedFilter;
      cursor: FeedCursor;
      /**
       * snapshot: every complete run lists the whole source (a list, a MISP manifest); a value
       * is in force while listed, so its mention has no last_seen and no valid_until of ours.
       * stream: each value arrives once (TAXII); it is valid for its type's days from then.
       */
      mode: 'snapshot' | 'stream';
      now: string;
    },
  ) {}

  private skip(kind: string): void {
    this.counts.skipped += 1;
    this.counts.skippedByKind[kind] = (this.counts.skippedByKind[kind] ?? 0) + 1;
  }

  /** Store one parser batch; resolves after its commit and publication. */
  async write(records: readonly FeedRecord[]): Promise<void> {
    const { feed, deps } = this;
    const { types, minConfidence } = deps.filter;
    const typeSet = types?.length ? new Set<string>(types) : null;
    const floor = feed.default_tlp as Tlp;
    const wanted: Array<{ record: FeedRecord; tlp: Tlp; confidence: number }> = [];
    const seenInBatch = new Set<string>();
    for (const record of records) {
      this.counts.records += 1;
      const confidence = record.confidence ?? feed.confidence;
      if ((typeSet && !typeSet.has(record.type)) || (minConfidence !== undefined && confidence < minConfidence)) {
        this.counts.filtered += 1;
        continue;
      }
      const key = observableKey(record.type, record.value);
      if (deps.known.isListed(key) || seenInBatch.has(key)) {
        this.skip('duplicate');
        continue;
      }
      seenInBatch.add(key);
      const tlp = stricterTlp(floor, record.tlp);
      // RED goes to named organisations only: an org's own feed may keep it, the hub's may not share it.
      if (tlp === 'red' && (feed.audience_kind !== 'orgs' || !feed.org_id)) {
        this.skip('tlp-red');
        continue;
      }
      wanted.push({ record, tlp, confidence });
    }
    if (wanted.length === 0) return;

    const arrived = await this.ctx.db.transaction().execute(async (trx) => {
      const inputs: MentionInput[] = [];
      // One lookup per TLP and batch, not an await per record.
      const shares = new Map<Tlp, string>();
      for (const { record, tlp, confidence } of wanted) {
        let shareId = shares.get(tlp);
        if (shareId === undefined) shares.set(tlp, (shareId = await this.shareFor(trx, tlp)));
        const stream = deps.mode === 'stream';
        inputs.push({
          type: record.type,
          value: record.value,
          shareId,
          firstSeen: record.firstSeen,
          lastSeen: stream ? deps.now : null,
          validUntil: stream ? validUntilFor(record.type, record.lastSeen ?? deps.now, { expiryDays: feed.expiry_days, validUntil: record.validUntil }) : (record.validUntil ?? null),
          confidence,
          comment: record.comment ? record.comment.slice(0, 500) : null,
        });
      }
      const result = await ingestMentions(trx, inputs, {
        sourceKind: 'feed',
        sourceId: feed.id,
        now: deps.now,
        matcher: deps.matcher,
        correlationLimit: this.ctx.config.intelCorrelationLimit,
        known: deps.known,
      });
      this.counts.created += result.created;
      this.counts.updated += result.updated;
      this.counts.unchanged += result.unchanged;
      return intelArrived(this.ctx, trx, { kind: 'feed', id: feed.id, label: feed.name }, result.touched);
    });
    this.counts.watchMatches += arrived.matches;
    await publishArrival(this.ctx, arrived);
  }

  /** The feed's share for this TLP: found in the cursor, or created (and remembered) in `trx`. */
  private async shareFor(trx: Kysely<Database>, tlp: Tlp): Promise<string> {
    const { feed, deps } = this;
    const key = `${tlp}|${feed.audience_kind}|${feed.org_id ?? ''}`;
    const shares = (deps.cursor.shares ??= {});
    const known = shares[key];
    if (known) return known;
    const orgs = feed.audience_kind === 'orgs' && feed.org_id ? [feed.org_id] : [];
    const share = await insertShare(
      trx,
      { tlp, audienceKind: orgs.length ? 'orgs' : 'members', producerOrgId: feed.org_id, audienceOrgIds: orgs, audienceGroupIds: [], anonymous: false },
      { userId: null, publicLabel: null },
      deps.now,
    );
    shares[key] = share.id;
    await updateFeedRow(trx, feed.id, { cursor: JSON.stringify(deps.cursor) });
    return share.id;
  }
}
