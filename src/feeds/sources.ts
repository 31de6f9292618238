// Reading each kind of source into a run's sink: one document (list, CSV, text, STIX bundle)
// by URL or file; a MISP feed (manifest.json, then the events changed since the cursor, or all
// of them on a full re-read); a TAXII collection (pages from the added_after cursor).
import path from 'node:path';
import { AppError } from '../errors.js';
import { PeerCallError, TaxiiClient, type PeerAuth } from '../federation/taxii-client.js';
import type { Resolver } from '../push/ssrf.js';
import type { FeedRow } from '../store/schema.js';
import { mispFullEveryDefault, type FeedCursor, type FeedKind, type FeedOptions } from './feed-options.js';
import { FeedFetchError, fetchUrl, openFeedFile, type FetchOutcome } from './fetch.js';
import { eventsToFetch, parseFeed, parseMispEvent, parseMispManifest, parseStixBundle, type FeedFormat, type FeedRecord, type FeedRun, type ParseReport } from './parsers/index.js';
import type { FeedSink } from './sink.js';
import { addRejected, addReport, addWarning, type Tally } from './tally.js';

/** What a source reader is given by the runner. */
export interface SourceIO {
  feed: FeedRow;
  options: FeedOptions;
  cursor: FeedCursor;
  sink: FeedSink;
  /** ignore ETag/Last-Modified and cursors: read everything */
  force: boolean;
  now: string;
  config: { allow: readonly string[]; timeoutMs: number; maxBytes: number; fileRoot: string | undefined };
  resolver?: Resolver | undefined;
  signal: AbortSignal;
  /** finished documents */
  tally: Tally;
  /** the document being read, for progress */
  live: { report: ParseReport | null; bytes: () => number; totalBytes: number | null };
  /** between batches: progress, lease, stop */
  tick(): Promise<void>;
}

export interface SourceOutcome {
  status: 'complete' | 'not-modified' | 'failed';
  error?: string;
  /** the run saw the whole source: values it did not list have vanished */
  fullListing: boolean;
  /** new conditional-fetch validators (undefined: keep the stored ones) */
  etag?: string | null;
  lastModified?: string | null;
  /** more to read (a TAXII collection past this run's page budget): run again soon */
  more?: boolean;
}

const taxiiPagesPerRun = 200;

export function readSource(io: SourceIO): Promise<SourceOutcome> {
  switch (io.feed.kind as FeedKind) {
    case 'misp':
      return readMisp(io);
    case 'taxii':
      return readTaxii(io);
    default:
      return readDocument(io);
  }
}

function formatOf(kind: FeedKind, o: FeedOptions, maxBytes: number): FeedFormat {
  switch (kind) {
    case 'list':
      return { format: 'list', type: o.type, maxBytes };
    case 'csv':
      return { format: 'csv', columns: { ...o.columns!, ...(o.type ? { type: o.type } : {}) }, delimiter: o.delimiter, header: o.header, maxBytes };
    case 'text':
      return { format: 'text', defangedOnly: o.defangedOnly, maxBytes };
    case 'stix':
      return { format: 'stix', observables: o.observables, maxBytes };
    default:
      throw new RangeError(`${kind} is not a one-document format`);
  }
}

/** Open one resource of the feed: its URL (or a file beside it for MISP), or its file. */
async function open(io: SourceIO, relative: string | null, validators: { etag?: string | null; lastModified?: string | null } = {}): Promise<FetchOutcome> {
  const { feed, config } = io;
  if (feed.url) {
    const url = relative ? new URL(relative, feed.url.endsWith('/') ? feed.url : `${feed.url}/`).toString() : feed.url;
    return fetchUrl(url, { allow: config.allow, resolver: io.resolver, timeoutMs: config.timeoutMs, maxBytes: config.maxBytes, etag: validators.etag, lastModified: validators.lastModified, signal: io.signal });
  }
  const file = relative ? path.join(feed.file_path!, relative) : feed.file_path!;
  return openFeedFile(config.fileRoot, file, { etag: validators.etag });
}

/**
 * Parser batches are gathered up to about this many records before the sink writes them (one
 * transaction). A parser batch is one 64 KiB slice of input: ~4,600 addresses, ~900 CSV rows.
 * Committing each made SQLite rewrite the same index pages to the WAL (and checkpoint them)
 * over and over; a 1,000,000-line list spent more time committing than inserting. Bigger
 * would be faster still, but a SQLite hub has one connection and everything else waits while
 * a transaction is open: this keeps one in the order of a second.
 */
export const sinkBatchRecords = 20_000;

/** Stream one parse run into the sink. */
async function drain(io: SourceIO, run: FeedRun, doc: { bytesRead: () => number; totalBytes: number | null }): Promise<ParseReport> {
  io.live.report = run.report;
  io.live.bytes = doc.bytesRead;
  io.live.totalBytes = doc.totalBytes;
  try {
    let pending: FeedRecord[][] = [];
    let count = 0;
    for await (const batch of run) {
      pending.push(batch);
      count += batch.length;
      if (count >= sinkBatchRecords) {
        const records = pending.flat();
        pending = [];
        count = 0;
        await io.sink.write(records);
      }
      // Progress, lease and stop are still seen after every parser batch.
      await io.tick();
    }
    if (count > 0) await io.sink.write(pending.flat());
  } finally {
    io.live.report = null;
  }
  return run.report;
}

function finish(io: SourceIO, report: ParseReport, raw: number, ref?: string): void {
  const t = addReport(io.tally, report, ref);
  // Progress counts bytes as read from the network or disk (before decompression).
  t.bytesRead = io.tally.bytesRead + raw;
  Object.assign(io.tally, t);
}

/** Nothing usable in it, or more refused than read: the source is sending something else (an error page, another format). */
export function looksLikeGarbage(r: Pick<ParseReport, 'records' | 'rejected'>): boolean {
  return (r.records === 0 && r.rejected > 0) || (r.rejected >= 20 && r.rejected > r.records);
}

async function readDocument(io: SourceIO): Promise<SourceOutcome> {
  const { feed } = io;
  const spec = formatOf(feed.kind as FeedKind, io.options, io.config.maxBytes);
  const doc = await open(io, null, io.force ? {} : { etag: feed.etag, lastModified: feed.last_modified });
  if (doc.notModified) return { status: 'not-modified', fullListing: false };
  const report = await drain(io, parseFeed(doc.body, spec), doc);
  finish(io, report, doc.bytesRead());
  if (report.status === 'failed') return { status: 'failed', error: report.failure?.message ?? 'the source could not be read to the end', fullListing: false };
  if (looksLikeGarbage(report)) {
    return { status: 'failed', error: `the source does not look like a ${feed.kind} feed: ${report.rejected} of ${report.itemsRead + report.commentLines} lines or items refused, ${report.records} read`, fullListing: false };
  }
  return { status: 'complete', fullListing: true, etag: doc.etag, lastModified: doc.lastModified };
}

async function readMisp(io: SourceIO): Promise<SourceOutcome> {
  const { feed, options, cursor, now } = io;
  const previous = cursor.misp ?? null;
  const everyMs = (options.fullEveryHours ?? mispFullEveryDefault) * 3_600_000;
  const full = io.force || previous === null || previous.fullAt === null || Date.parse(previous.fullAt) + everyMs <= Date.parse(now);
  let manifest = await open(io, 'manifest.json', full ? {} : { etag: feed.etag, lastModified: feed.last_modified });
  if (manifest.notModified) return { status: 'not-modified', fullListing: false };
  const manifestRun = parseMispManifest(manifest.body, { maxBytes: io.config.maxBytes });
  io.live.report = manifestRun.report;
  const entries = await manifestRun.all();
  io.live.report = null;
  finish(io, manifestRun.report, manifest.bytesRead(), 'manifest.json');
  if (manifestRun.report.status === 'failed') return { status: 'failed', error: `manifest.json: ${manifestRun.report.failure?.message ?? 'unreadable'}`, fullListing: false };
  if (entries.length === 0 && manifestRun.report.rejected > 0) return { status: 'failed', error: 'manifest.json lists no event that can be read', fullListing: false };

  const listed = new Set(entries.map((e) => e.uuid));
  const before = new Map(Object.entries(previous?.events ?? {}));
  const todo = eventsToFetch(entries, full ? null : before);
  // Events still listed and not changed keep their position; events gone from the manifest are forgotten.
  const events: Record<string, number> = {};
  if (!full) for (const [uuid, ts] of before) if (listed.has(uuid)) events[uuid] = ts;
  let failed = 0;
  let firstError = '';
  for (const entry of todo) {
    const ref = `event ${entry.uuid}`;
    try {
      const doc = await open(io, `${entry.uuid}.json`);
      if (doc.notModified) continue;
      const run = parseMispEvent(doc.body, { onlyToIds: options.onlyToIds, maxBytes: io.config.maxBytes });
      const report = await drain(io, run, doc);
      finish(io, report, doc.bytesRead(), ref);
      if (report.status === 'failed') throw new FeedFetchError(report.failure?.message ?? 'unreadable');
      events[entry.uuid] = entry.timestamp;
    } catch (err) {
      if (!(err instanceof FeedFetchError) && !(err instanceof AppError && err.code === 'FEED_FILE_REFUSED')) throw err;
      failed += 1;
      firstError ||= `${ref}: ${err.message}`;
      addRejected(io.tally, { kind: 'bad-item', reason: `The event file could not be read: ${err.message}`, ref: entry.uuid, text: `${entry.uuid}.json` });
      // Not remembered: it is fetched again next run.
      delete events[entry.uuid];
    }
    await io.tick();
  }
  cursor.misp = { events, fullAt: full ? now : (previous?.fullAt ?? null) };
  if (todo.length > 0 && failed === todo.length) return { status: 'failed', error: `none of the ${todo.length} event file(s) could be read; the first: ${firstError}`, fullListing: false };
  if (failed) addWarning(io.tally, `${failed} of ${todo.length} event file(s) could not be read and will be fetched again; values that vanished are retired only after a run that reads every event.`);
  return {
    status: 'complete',
    fullListing: full && failed === 0,
    // Keep the old validators when events failed, so the next run reads the manifest again.
    ...(failed === 0 ? { etag: manifest.etag, lastModified: manifest.lastModified } : {}),
  };
}

function taxiiAuth(o: FeedOptions): PeerAuth {
  if (o.authKind === 'bearer') return { kind: 'bearer', token: o.secret ?? '' };
  if (o.authKind === 'basic') return { kind: 'basic', username: o.username ?? '', password: o.secret ?? '' };
  return { kind: 'none' };
}

async function readTaxii(io: SourceIO): Promise<SourceOutcome> {
  const { feed, options, cursor, config } = io;
  const client = new TaxiiClient(taxiiAuth(options), { timeoutMs: config.timeoutMs, maxBytes: config.maxBytes, allow: config.allow, ...(io.resolver ? { resolver: io.resolver } : {}) });
  try {
    const root = await client.discover(feed.url!);
    let addedAfter = io.force ? null : (cursor.taxii?.addedAfter ?? null);
    let next: string | null = null;
    for (let pages = 0; pages < taxiiPagesPerRun; pages++) {
      const page = await client.objects(root.apiRoot, options.collectionId!, { addedAfter, next });
      const text = JSON.stringify({ objects: page.objects });
      const run = parseStixBundle(text, { observables: options.observables, maxBytes: config.maxBytes });
      const report = await drain(io, run, { bytesRead: () => Buffer.byteLength(text), totalBytes: null });
      finish(io, report, Buffer.byteLength(text), `page ${pages + 1}`);
      const advanced = page.dateAddedLast !== null && page.dateAddedLast !== (cursor.taxii?.addedAfter ?? null);
      if (advanced) cursor.taxii = { addedAfter: page.dateAddedLast };
      if (!page.more) return { status: 'complete', fullListing: false };
      if (page.next) next = page.next;
      else if (advanced) {
        addedAfter = page.dateAddedLast;
        next = null;
      } else {
        // Neither a next token nor a newer date: there is no way forward; stop rather than loop.
        addWarning(io.tally, 'The server says there is more but gives no way to ask for it (no next, no newer X-TAXII-Date-Added-Last).');
        return { status: 'complete', fullListing: false };
      }
    }
    return { status: 'complete', fullListing: false, more: true };
  } catch (err) {
    if (err instanceof PeerCallError) return { status: 'failed', error: err.message, fullListing: false };
    throw err;
  }
}
