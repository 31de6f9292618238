// The files of a MISP feed directory besides the events: manifest.json (event uuid → summary,
// numbers as strings), which events to fetch given what is already known (incremental by
// timestamp), and hashes.csv (md5 of each value, event uuid; either column order).
import type { Tlp } from '../../stix/tlp.js';
import { JsonWalker, type PathKey, type ValueKind } from './json-walk.js';
import { readTags, toInt, uuidShape } from './misp-common.js';
import type { Reporter } from './report.js';
import { Output, jsonRun, lineRun, type FeedRun, type LineParser } from './run.js';
import type { FeedInput, InputOptions } from './types.js';

export interface MispManifestEntry {
  /** lower case */
  uuid: string;
  /** epoch seconds of the event's last change */
  timestamp: number;
  info?: string;
  date?: string;
  orgc?: { name?: string; uuid?: string };
  /** tags other than TLP */
  tags: string[];
  tlp?: Tlp;
  threatLevel?: number;
  analysis?: number;
  distribution?: number;
}

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);

class ManifestParser {
  readonly walker: JsonWalker;
  private root: ValueKind | null = null;
  private readonly seen = new Set<string>();

  constructor(
    private readonly out: Output<MispManifestEntry>,
    private readonly reporter: Reporter,
  ) {
    this.walker = new JsonWalker({
      decide: (p, k) => this.decide(p, k),
      value: (p, v) => this.entry(String(p[0]), v),
      tooLarge: (p, reason) => this.reject(String(p[0]), `The entry is too large: ${reason}.`),
    });
  }

  private decide(path: readonly PathKey[], kind: ValueKind): 'assemble' | 'descend' | 'skip' {
    if (path.length === 0) {
      this.root = kind;
      return kind === 'object' ? 'descend' : 'skip';
    }
    return path.length === 1 ? 'assemble' : 'skip';
  }

  private reject(key: string, reason: string, text = key): void {
    this.reporter.reject('bad-item', reason, { ref: key, text });
  }

  private entry(key: string, v: unknown): void {
    this.reporter.report.itemsRead += 1;
    if (!uuidShape.test(key)) return this.reject(key, 'A manifest key must be an event UUID.');
    if (!v || typeof v !== 'object' || Array.isArray(v)) return this.reject(key, 'A manifest entry must be an object.', JSON.stringify(v) ?? '');
    const o = v as Record<string, unknown>;
    const timestamp = toInt(o.timestamp);
    if (timestamp === undefined || timestamp < 0) return this.reject(key, 'The entry has no timestamp (epoch seconds).', JSON.stringify(o.timestamp) ?? 'none');
    const uuid = key.toLowerCase();
    if (this.seen.has(uuid)) return this.reject(key, 'The event is listed twice; the first entry is kept.');
    this.seen.add(uuid);
    const { tags, tlp } = readTags(o.Tag);
    const e: MispManifestEntry = { uuid, timestamp, tags };
    const info = str(o.info, 1000);
    if (info) e.info = info;
    const date = str(o.date, 40);
    if (date) e.date = date;
    if (tlp) e.tlp = tlp;
    if (o.Orgc && typeof o.Orgc === 'object') {
      const name = str((o.Orgc as Record<string, unknown>).name, 200);
      const id = str((o.Orgc as Record<string, unknown>).uuid, 60);
      if (name || id) e.orgc = { ...(name ? { name } : {}), ...(id ? { uuid: id } : {}) };
    }
    for (const [field, k] of [
      ['threatLevel', 'threat_level_id'],
      ['analysis', 'analysis'],
      ['distribution', 'distribution'],
    ] as const) {
      const n = toInt(o[k]);
      if (n !== undefined) e[field] = n;
    }
    this.out.push(e);
  }

  finish(): void {
    if (this.root !== 'object') this.reporter.fail('bad-json', 'A MISP manifest is a JSON object keyed by event UUID.');
  }
}

/** The entries of a manifest.json, in file order. Never throws for bad input: see the report. */
export function parseMispManifest(input: FeedInput, options: InputOptions = {}): FeedRun<MispManifestEntry> {
  return jsonRun<MispManifestEntry>('misp-manifest', input, options, (out, reporter) => {
    const p = new ManifestParser(out, reporter);
    return { walker: p.walker, finish: () => p.finish() };
  }).run;
}

/**
 * What the consumer already has: the timestamp of the newest event it processed (every
 * event changed after it is fetched), or each known event's timestamp (exact: unknown events
 * are added, changed ones updated — MISP's own rule), or null for a first run.
 */
export type ManifestCursor = number | ReadonlyMap<string, number> | null;

/**
 * The events to fetch, oldest change first, so a consumer that stops half-way can resume
 * from the last one it finished. With a number cursor, events changed in the same second
 * as the cursor are not fetched again: keep a map when that matters.
 */
export function eventsToFetch(entries: readonly MispManifestEntry[], cursor: ManifestCursor): MispManifestEntry[] {
  const wanted = entries.filter((e) => {
    if (cursor === null) return true;
    if (typeof cursor === 'number') return e.timestamp > cursor;
    const known = cursor.get(e.uuid);
    return known === undefined || e.timestamp > known;
  });
  return wanted.sort((a, b) => a.timestamp - b.timestamp || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}

export interface MispHashEntry {
  /** md5 of an attribute value (each half of a composite), lower case */
  md5: string;
  eventUuid: string;
}

const md5Shape = /^[0-9a-f]{32}$/i;

class HashesParser implements LineParser {
  constructor(
    private readonly out: Output<MispHashEntry>,
    private readonly reporter: Reporter,
  ) {}

  line(text: string, lineNo: number): void {
    const report = this.reporter.report;
    const s = text.trim();
    if (!s) {
      report.blankLines += 1;
      return;
    }
    if (s.startsWith('#')) {
      report.commentLines += 1;
      return;
    }
    report.itemsRead += 1;
    const comma = s.indexOf(',');
    const a = comma < 0 ? '' : s.slice(0, comma).trim();
    const b = comma < 0 ? '' : s.slice(comma + 1).trim();
    // Most feeds write md5,uuid; some the other way round: the shapes tell.
    if (md5Shape.test(a) && uuidShape.test(b)) this.out.push({ md5: a.toLowerCase(), eventUuid: b.toLowerCase() });
    else if (uuidShape.test(a) && md5Shape.test(b)) this.out.push({ md5: b.toLowerCase(), eventUuid: a.toLowerCase() });
    else this.reporter.reject('bad-row', 'A hashes.csv line is an MD5 and an event UUID, separated by a comma.', { line: lineNo, text });
  }

  finish(): void {}
}

/** The lines of a MISP feed's hashes.csv. Never throws for bad input: see the report. */
export function parseMispHashes(input: FeedInput, options: InputOptions = {}): FeedRun<MispHashEntry> {
  return lineRun<MispHashEntry>('misp-hashes', input, options, (out, reporter) => new HashesParser(out, reporter));
}
