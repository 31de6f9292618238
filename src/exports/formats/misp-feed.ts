// The pieces of a MISP feed directory (shared/reference/misp-formats.md): one event's JSON —
// whole, or streamed attribute by attribute so a large event never sits in memory — its
// manifest.json entry and its hashes.csv lines. Ids are UUIDv5, so a re-export keeps every
// event and attribute uuid and a MISP instance updates instead of duplicating.
import { createHash } from 'node:crypto';
import { uuidV5 } from '../../stix/ids.js';
import type { IndicatorType } from '../../stix/observables.js';
import { mostRestrictive, type Tlp } from '../../stix/tlp.js';
import { confidenceOf, firstTitle, isCanonical, isoOrNull, jsonText, plainText, safeHubUrl } from './text.js';
import type { ExportContext, ExportItem } from './types.js';

/** Our namespace for MISP uuids (a random UUID, fixed forever). */
export const mispNamespace = 'ecdbafa4-d019-4e02-8962-d0d9fca3513c';

export interface MispTag {
  name: string;
  colour: string;
}

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  comment: string;
  timestamp: string;
  distribution: string;
  disable_correlation: boolean;
  first_seen?: string;
  last_seen?: string;
  Tag: MispTag[];
}

export interface MispEvent {
  uuid: string;
  info: string;
  date: string;
  threat_level_id: string;
  analysis: string;
  timestamp: string;
  publish_timestamp: string;
  published: boolean;
  distribution: string;
  Orgc: { name: string; uuid: string };
  Tag: MispTag[];
  Attribute: MispAttribute[];
}

export interface MispManifestEntry {
  info: string;
  Orgc: { name: string; uuid: string };
  Tag: MispTag[];
  date: string;
  analysis: string;
  threat_level_id: string;
  timestamp: string;
}

export interface MispEventMeta {
  /** the event's uuid: mispEventUuid(hubUrl, key) gives one that stays the same across exports */
  uuid: string;
  info: string;
  /** epoch seconds; must grow whenever the event's content changes (consumers compare it) */
  timestamp: number;
  /** YYYY-MM-DD (default: the day of the timestamp) */
  date?: string | undefined;
  /** 1 high, 2 medium, 3 low, 4 undefined (default) */
  threatLevelId?: 1 | 2 | 3 | 4 | undefined;
  /** 0 initial, 1 ongoing, 2 complete (default) */
  analysis?: 0 | 1 | 2 | undefined;
}

// MISP's own attribute types and categories for ours (to_ids: what an IDS export may use).
const attributeKinds: Readonly<Record<IndicatorType, { type: string; category: string; toIds: boolean }>> = {
  ipv4: { type: 'ip-dst', category: 'Network activity', toIds: true },
  ipv6: { type: 'ip-dst', category: 'Network activity', toIds: true },
  cidr: { type: 'ip-dst', category: 'Network activity', toIds: true },
  domain: { type: 'domain', category: 'Network activity', toIds: true },
  url: { type: 'url', category: 'Network activity', toIds: true },
  email: { type: 'email-src', category: 'Payload delivery', toIds: true },
  md5: { type: 'md5', category: 'Payload delivery', toIds: true },
  sha1: { type: 'sha1', category: 'Payload delivery', toIds: true },
  sha256: { type: 'sha256', category: 'Payload delivery', toIds: true },
  // MISP's default for a CVE: context, not something an IDS can match.
  cve: { type: 'vulnerability', category: 'External analysis', toIds: false },
};

// The colours of MISP's tlp taxonomy.
const tlpColours: Readonly<Record<Tlp, string>> = { clear: '#ffffff', green: '#339900', amber: '#ffc000', 'amber+strict': '#ffc000', red: '#cc0033' };

export function mispTlpTag(tlp: Tlp): MispTag {
  return { name: `tlp:${tlp}`, colour: tlpColours[tlp] };
}

/** A machine tag naming the hub: `tocsin:hub="Name"` (quotes and backslashes removed from the name). */
export function mispHubTag(hubName: string): MispTag {
  return { name: `tocsin:hub="${plainText(hubName, 100).replace(/["\\]/g, '')}"`, colour: '#0b5394' };
}

/** A stable event uuid for one hub and a key the caller chooses (e.g. the export id and a day). */
export function mispEventUuid(hubUrl: string, key: string): string {
  return uuidV5(mispNamespace, `event|${hubUrl}|${key}`);
}

export function mispOrgc(ctx: ExportContext): { name: string; uuid: string } {
  return { name: plainText(ctx.hubName, 200), uuid: uuidV5(mispNamespace, `org|${ctx.hubUrl}`) };
}

/**
 * The attribute's uuid: the hub, the event and the observable. The event is part of it because
 * MISP refuses an attribute whose uuid another event already holds, and one hub may publish the
 * same value in several events (exports).
 */
export function mispAttributeUuid(hubUrl: string, eventUuid: string, observableId: number): string {
  return uuidV5(mispNamespace, `attribute|${hubUrl}|${eventUuid}|${observableId}`);
}

function epochSeconds(iso: string | null): number | null {
  return iso ? Math.floor(Date.parse(iso) / 1000) : null;
}

/** MISP writes first_seen/last_seen with microseconds and an offset. */
function mispTime(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** One item as a MISP attribute of `eventUuid`, or null when its value is not canonical. */
export function mispAttribute(item: ExportItem, eventUuid: string, ctx: ExportContext): MispAttribute | null {
  const kind = attributeKinds[item.type];
  if (!kind || !Number.isSafeInteger(item.id) || !isCanonical(item)) return null;
  const firstSeen = isoOrNull(item.firstSeen);
  const lastSeen = isoOrNull(item.lastSeen);
  const title = firstTitle(item, 200);
  const page = safeHubUrl(item.url);
  const comment = plainText([title, `confidence ${confidenceOf(item)}`, page].filter(Boolean).join(' - '), 500);
  const attribute: MispAttribute = {
    uuid: mispAttributeUuid(ctx.hubUrl, eventUuid, item.id),
    type: kind.type,
    category: kind.category,
    value: item.value,
    to_ids: kind.toIds,
    comment,
    timestamp: String(epochSeconds(lastSeen) ?? epochSeconds(firstSeen) ?? epochSeconds(isoOrNull(ctx.generatedAt)) ?? 0),
    // 5: inherit the event's distribution.
    distribution: '5',
    disable_correlation: false,
    Tag: [mispTlpTag(item.tlp)],
  };
  // MISP refuses last_seen before first_seen: then neither is given.
  if (firstSeen && lastSeen && lastSeen >= firstSeen) {
    attribute.first_seen = mispTime(firstSeen);
    attribute.last_seen = mispTime(lastSeen);
  }
  return attribute;
}

function eventHead(meta: MispEventMeta, ctx: ExportContext): Omit<MispEvent, 'Tag' | 'Attribute'> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(meta.uuid)) throw new Error(`MISP event uuid "${meta.uuid.slice(0, 40)}" is not a lower-case UUID`);
  if (!Number.isSafeInteger(meta.timestamp) || meta.timestamp < 0) throw new Error(`MISP event timestamp ${meta.timestamp} is not epoch seconds`);
  const date = meta.date ?? new Date(meta.timestamp * 1000).toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`MISP event date "${date.slice(0, 20)}" is not YYYY-MM-DD`);
  return {
    uuid: meta.uuid,
    info: plainText(meta.info, 500),
    date,
    threat_level_id: String(meta.threatLevelId ?? 4),
    analysis: String(meta.analysis ?? 2),
    timestamp: String(meta.timestamp),
    publish_timestamp: String(meta.timestamp),
    published: true,
    // 0: this organisation only. Whoever subscribes sets the distribution in their feed settings;
    // nothing of a TLP:AMBER export should travel further by default.
    distribution: '0',
    Orgc: mispOrgc(ctx),
  };
}

function eventTags(tlp: Tlp, ctx: ExportContext): MispTag[] {
  return [mispTlpTag(tlp), mispHubTag(ctx.hubName)];
}

/**
 * One event as `{"Event": {...}}` with all its attributes in memory. Items MISP cannot carry are
 * left out (count them with `skipped`). The event's TLP is the most restrictive of its attributes.
 */
export function buildMispEvent(meta: MispEventMeta, items: Iterable<ExportItem>, ctx: ExportContext): { Event: MispEvent; skipped: number } {
  const head = eventHead(meta, ctx);
  const attributes: MispAttribute[] = [];
  let tlp: Tlp = 'clear';
  let skipped = 0;
  for (const item of items) {
    const a = mispAttribute(item, meta.uuid, ctx);
    if (!a) {
      skipped++;
      continue;
    }
    attributes.push(a);
    tlp = mostRestrictive(tlp, item.tlp);
  }
  return { Event: { ...head, Tag: eventTags(tlp, ctx), Attribute: attributes }, skipped };
}

/**
 * The same event streamed: `open()`, then `attribute(item)` for each item (null: skipped), then
 * `close()`. The attribute list comes before the event's Tag, which is only known at the end.
 */
export class MispEventStream {
  private tlp: Tlp = 'clear';
  private count = 0;
  constructor(
    private readonly meta: MispEventMeta,
    private readonly ctx: ExportContext,
  ) {}

  open(): string {
    const head = jsonText(eventHead(this.meta, this.ctx));
    return `{"Event":${head.slice(0, -1)},"Attribute":[`;
  }

  attribute(item: ExportItem): string | null {
    const a = mispAttribute(item, this.meta.uuid, this.ctx);
    if (!a) return null;
    this.tlp = mostRestrictive(this.tlp, item.tlp);
    return `${this.count++ ? ',' : ''}\n${jsonText(a)}`;
  }

  /** The event's TLP so far (the most restrictive of the attributes written). */
  get eventTlp(): Tlp {
    return this.tlp;
  }

  close(): string {
    return `\n],"Tag":${jsonText(eventTags(this.tlp, this.ctx))}}}\n`;
  }
}

/** The event's entry in manifest.json (key it by the event's uuid). Integers are strings, as PyMISP writes them. */
export function mispManifestEntry(event: Pick<MispEvent, 'info' | 'Orgc' | 'Tag' | 'date' | 'analysis' | 'threat_level_id' | 'timestamp'>): MispManifestEntry {
  return { info: event.info, Orgc: event.Orgc, Tag: event.Tag, date: event.date, analysis: event.analysis, threat_level_id: event.threat_level_id, timestamp: event.timestamp };
}

/** The manifest entry of a streamed event, once `close()` has been written. */
export function mispManifestEntryOf(meta: MispEventMeta, tlp: Tlp, ctx: ExportContext): MispManifestEntry {
  return mispManifestEntry({ ...eventHead(meta, ctx), Tag: eventTags(tlp, ctx) });
}

/** One hashes.csv line: `<md5 of the value>,<event uuid>`; a composite value (`a|b`) gives a line per part. */
export function mispHashLines(value: string, eventUuid: string): string {
  return value
    .split('|')
    .map((part) => `${createHash('md5').update(part, 'utf8').digest('hex')},${eventUuid}\n`)
    .join('');
}
