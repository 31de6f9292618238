// MISP event files ({"Event": {…}}, also {"response": …}, a list, or a bare event): every
// Attribute and Object.Attribute becomes records — composites (`filename|sha256`,
// `ip-dst|port`, `domain|ip`) split, types this hub does not store counted and skipped,
// deleted attributes left out. Tags and TLP come from the event and the attribute.
// Streamed: galaxies, sightings and attachment `data` are skipped without being built.
import { mostRestrictive, type Tlp } from '../../stix/tlp.js';
import type { PathKey, ValueKind } from './json-walk.js';
import { JsonWalker } from './json-walk.js';
import type { Reporter } from './report.js';
import { FeedRun, Output, jsonRun } from './run.js';
import { mispType, type Half } from './type-names.js';
import type { FeedInput, FeedRecord, InputOptions } from './types.js';
import { classifyValue, normaliseDate } from './values.js';
import { readTags, toInt, uuidShape } from './misp-common.js';

export interface MispEventOptions extends InputOptions {
  /** only attributes marked for detection (to_ids); default false: all, with `toIds` set */
  onlyToIds?: boolean;
}

export interface MispEventInfo {
  uuid?: string;
  info?: string;
  date?: string;
  /** epoch seconds of the last change: the manifest's incremental cursor */
  timestamp?: number;
  publishTimestamp?: number;
  published?: boolean;
  orgc?: { name?: string; uuid?: string };
  /** tags other than TLP */
  tags: string[];
  tlp?: Tlp;
  /** 0 own org, 1 community, 2 connected, 3 all, 4 sharing group */
  distribution?: number;
  sharingGroup?: { uuid?: string; name?: string };
  /** 1 high … 4 undefined */
  threatLevel?: number;
  /** 0 initial, 1 ongoing, 2 complete */
  analysis?: number;
  /** attributes and object attributes looked at */
  attributes: number;
}

export class MispEventRun extends FeedRun {
  constructor(
    run: FeedRun,
    /** the events read, complete once the run has been read */
    readonly events: MispEventInfo[],
  ) {
    super(run.report, { [Symbol.asyncIterator]: () => run[Symbol.asyncIterator]() });
  }
}

const maxCommentLength = 1000;
const maxTagsPerRecord = 50;
const isTrue = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The path relative to the event: wrappers (`response`, a list, `Event`) stripped. */
function eventPath(path: readonly PathKey[]): readonly PathKey[] {
  let i = 0;
  if (typeof path[i] === 'number') i++;
  if (path[i] === 'response') {
    i++;
    if (typeof path[i] === 'number') i++;
  }
  if (path[i] === 'Event') i++;
  return i === 0 ? path : path.slice(i);
}

interface EventContext {
  fields: Record<string, unknown>;
  info: MispEventInfo;
  tagsSeen: boolean;
  /** records waiting for the event's tags and distribution (which may come after the attributes) */
  pending: FeedRecord[];
  /** the event's tags and distribution are known, or waiting was given up: records go out at once */
  ready: boolean;
  hasContent: boolean;
}

// Records wait for the event's Tag list and distribution at most this long; a huge event
// that writes them last is then streamed without them (and a warning says so).
const maxPending = 50_000;

class MispEventParser {
  readonly walker: JsonWalker;
  private readonly stack: EventContext[] = [];
  /** the attribute being read: its fields, as they stream past */
  private attr: Record<string, unknown> | null = null;
  private attrSeq = 0;

  constructor(
    private readonly out: Output,
    private readonly reporter: Reporter,
    private readonly options: MispEventOptions,
    readonly events: MispEventInfo[],
  ) {
    this.walker = new JsonWalker({
      decide: (p, k) => this.decide(eventPath(p), k),
      value: (p, v) => this.value(eventPath(p), v),
      tooLarge: (p, reason) => this.tooLarge(eventPath(p), reason),
      enter: (p, k) => this.enter(eventPath(p), k),
      leave: (p, k) => this.leave(eventPath(p), k),
    });
  }

  private isAttribute(rel: readonly PathKey[]): boolean {
    return (rel.length === 2 && rel[0] === 'Attribute') || (rel.length === 4 && rel[0] === 'Object' && rel[2] === 'Attribute');
  }

  private decide(rel: readonly PathKey[], kind: ValueKind): 'assemble' | 'descend' | 'skip' {
    if (rel.length === 0) return kind === 'scalar' ? 'skip' : 'descend';
    const k0 = rel[0];
    if (rel.length === 1) {
      if (k0 === 'Attribute' || k0 === 'Object') {
        if (kind === 'array') return 'descend';
        this.reporter.warn(`The event's ${k0} is not a list; it was skipped.`);
        return 'skip';
      }
      if (k0 === 'Tag' || k0 === 'Orgc' || k0 === 'SharingGroup') return 'assemble';
      return kind === 'scalar' ? 'assemble' : 'skip';
    }
    if (this.isAttribute(rel)) return kind === 'object' ? 'descend' : 'assemble';
    if (k0 === 'Object' && rel.length === 2) return kind === 'object' ? 'descend' : 'skip';
    if (k0 === 'Object' && rel.length === 3) return rel[2] === 'Attribute' && kind === 'array' ? 'descend' : 'skip';
    // An attribute's own fields: scalars and its tags; not `data` (file contents), sightings, galaxies.
    if (this.attr && rel.length === (rel[0] === 'Attribute' ? 3 : 5)) {
      const key = rel[rel.length - 1];
      if (key === 'data') return 'skip';
      return kind === 'scalar' || key === 'Tag' ? 'assemble' : 'skip';
    }
    return 'skip';
  }

  private enter(rel: readonly PathKey[], kind: ValueKind): void {
    if (rel.length === 0 && kind === 'object') {
      this.stack.push({ fields: {}, info: { tags: [], attributes: 0 }, tagsSeen: false, pending: [], ready: false, hasContent: false });
    } else if (this.isAttribute(rel)) {
      this.attr = {};
    }
  }

  private leave(rel: readonly PathKey[], kind: ValueKind): void {
    if (rel.length === 0 && kind === 'object') {
      const ctx = this.stack.pop();
      if (ctx?.hasContent) this.finishEvent(ctx);
    } else if (this.isAttribute(rel) && this.attr) {
      const a = this.attr;
      this.attr = null;
      this.attribute(a);
    }
  }

  private value(rel: readonly PathKey[], value: unknown): void {
    const ctx = this.stack[this.stack.length - 1];
    if (!ctx) return;
    if (this.attr && rel.length >= 3) {
      this.attr[String(rel[rel.length - 1])] = value;
      return;
    }
    if (this.isAttribute(rel)) {
      // An element of Attribute that is not an object.
      ctx.info.attributes += 1;
      this.reporter.report.itemsRead += 1;
      this.reporter.reject('bad-item', 'An attribute must be a JSON object.', { ref: `attribute ${++this.attrSeq}`, text: JSON.stringify(value) ?? '' });
      return;
    }
    if (rel.length !== 1) return;
    ctx.hasContent = true;
    const key = String(rel[0]);
    if (key === 'Tag') {
      const { tags, tlp } = readTags(value);
      ctx.info.tags = tags;
      if (tlp) ctx.info.tlp = tlp;
      ctx.tagsSeen = true;
    } else ctx.fields[key] = value;
    if (!ctx.ready && ctx.tagsSeen && ctx.fields.distribution !== undefined) this.release(ctx);
  }

  /** From now on records of this event go out as they are read. */
  private release(ctx: EventContext): void {
    ctx.ready = true;
    for (const r of ctx.pending.splice(0)) this.emit(ctx, r);
  }

  private tooLarge(rel: readonly PathKey[], reason: string): void {
    this.reporter.warn(`The event's ${String(rel[rel.length - 1])} was skipped: ${reason}.`);
  }

  private attribute(a: Record<string, unknown>): void {
    const ctx = this.stack[this.stack.length - 1]!;
    ctx.hasContent = true;
    ctx.info.attributes += 1;
    const report = this.reporter.report;
    report.itemsRead += 1;
    this.attrSeq += 1;
    const uuid = str(a.uuid);
    const ref = uuid ?? `attribute ${this.attrSeq}`;
    const type = a.type;
    const value = a.value;
    if (typeof type !== 'string' || typeof value !== 'string') {
      this.reporter.reject('bad-item', 'An attribute needs a string "type" and "value".', { ref, text: `${String(type)}: ${String(value)}` });
      return;
    }
    if (isTrue(a.deleted)) return this.reporter.skip('deleted');
    const toIds = isTrue(a.to_ids);
    if (this.options.onlyToIds && !toIds) return this.reporter.skip('not to_ids');
    const mapping = mispType(type);
    if (!mapping) return this.reporter.skip(`type ${type.slice(0, 40)}`);
    const base: Omit<FeedRecord, 'type' | 'value'> = { sourceRef: ref, toIds };
    const attrTags = readTags(a.Tag);
    if (attrTags.tags.length) base.tags = attrTags.tags;
    if (attrTags.tlp) base.tlp = attrTags.tlp;
    const distribution = toInt(a.distribution);
    if (distribution !== undefined && distribution >= 0 && distribution <= 4) base.distribution = distribution;
    for (const [field, key] of [
      ['firstSeen', 'first_seen'],
      ['lastSeen', 'last_seen'],
    ] as const) {
      const iso = typeof a[key] === 'string' ? normaliseDate(a[key]) : null;
      if (iso) base[field] = iso;
    }
    const comment = str(a.comment);
    const halves: ReadonlyArray<[Half, string]> = 'single' in mapping ? [[mapping.single, value]] : this.split(mapping.halves, value, ref, type);
    const notes: string[] = [];
    for (const [role, text] of halves) {
      if (role === 'filename') notes.push(`file ${text.trim().slice(0, 300)}`);
      else if (role === 'port') {
        const port = text.trim();
        if (/^\d{1,5}$/.test(port) && Number(port) <= 65535) notes.push(`On port ${Number(port)}`);
      }
    }
    for (const [role, text] of halves) {
      if (role === 'filename' || role === 'port') continue;
      const c = classifyValue(text.trim(), role);
      if (!c.ok) {
        if (c.kind === 'unsupported') this.reporter.skip(c.what);
        else this.reporter.reject(c.kind, c.reason, { ref, text: `${type}: ${value}` });
        continue;
      }
      const note = [c.note, ...notes, comment].filter(Boolean).join('; ');
      const record: FeedRecord = { type: c.type, value: c.value, ...base };
      if (note) record.comment = note.length > maxCommentLength ? `${note.slice(0, maxCommentLength)}…` : note;
      if (ctx.ready) this.emit(ctx, record);
      else {
        ctx.pending.push(record);
        if (ctx.pending.length >= maxPending) {
          this.reporter.warn(`The event's Tag list or distribution comes after its first ${maxPending} attributes; records were passed on without waiting for them.`);
          this.release(ctx);
        }
      }
    }
  }

  private split(halves: readonly [Half, Half], value: string, ref: string, type: string): Array<[Half, string]> {
    const parts = value.split('|');
    if (parts.length !== 2) {
      this.reporter.reject('invalid-value', `A ${type} value has two parts separated by one "|".`, { ref, text: `${type}: ${value}` });
      return [];
    }
    return [
      [halves[0], parts[0]!],
      [halves[1], parts[1]!],
    ];
  }

  /** Finish a record with what the event says: its tags, TLP and distribution. */
  private emit(ctx: EventContext, r: FeedRecord): void {
    const event = ctx.info;
    if (event.tags.length) r.tags = [...new Set([...(r.tags ?? []), ...event.tags])].slice(0, maxTagsPerRecord);
    if (event.tlp) r.tlp = r.tlp ? mostRestrictive(r.tlp, event.tlp) : event.tlp;
    const eventDistribution = toInt(ctx.fields.distribution);
    // 5 (inherit) or none: the event's. An attribute can narrow its event's reach, not widen it.
    if (r.distribution === undefined) {
      if (eventDistribution !== undefined && eventDistribution <= 4) r.distribution = eventDistribution;
    } else if (eventDistribution !== undefined && eventDistribution <= 4 && r.distribution !== 4 && eventDistribution !== 4) {
      r.distribution = Math.min(r.distribution, eventDistribution);
    }
    this.out.push(r);
  }

  private finishEvent(ctx: EventContext): void {
    for (const r of ctx.pending.splice(0)) this.emit(ctx, r);
    const f = ctx.fields;
    const info = ctx.info;
    const uuid = str(f.uuid);
    if (uuid) {
      if (!uuidShape.test(uuid)) this.reporter.warn(`The event uuid ${JSON.stringify(uuid.slice(0, 60))} is not a UUID.`);
      info.uuid = uuid;
    }
    const text = str(f.info);
    if (text) info.info = text.slice(0, 1000);
    const date = str(f.date);
    if (date) info.date = date.slice(0, 40);
    const number = (k: string, set: (n: number) => void): void => {
      const n = toInt(f[k]);
      if (n !== undefined) set(n);
    };
    number('timestamp', (n) => (info.timestamp = n));
    number('publish_timestamp', (n) => (info.publishTimestamp = n));
    number('distribution', (n) => (info.distribution = n));
    number('threat_level_id', (n) => (info.threatLevel = n));
    number('analysis', (n) => (info.analysis = n));
    if (f.published !== undefined) info.published = isTrue(f.published);
    const org = (v: unknown): { name?: string; uuid?: string } | undefined => {
      if (!v || typeof v !== 'object') return undefined;
      const o = v as Record<string, unknown>;
      const name = str(o.name);
      const id = str(o.uuid);
      return name || id ? { ...(name ? { name: name.slice(0, 200) } : {}), ...(id ? { uuid: id.slice(0, 60) } : {}) } : undefined;
    };
    const orgc = org(f.Orgc);
    if (orgc) info.orgc = orgc;
    const sg = org(f.SharingGroup);
    if (sg) info.sharingGroup = sg;
    if (info.distribution === 4) this.reporter.warn(`Event ${info.uuid ?? ''} is shared with a sharing group${sg?.name ? ` (${sg.name})` : ''}: its records carry distribution 4.`);
    this.events.push(info);
  }

  finish(): void {
    if (this.events.length === 0) this.reporter.fail('bad-json', 'The document holds no MISP event (expected {"Event": {…}}).');
  }
}

/**
 * Parse a MISP event file. The run's `events` describe the event(s) read. Never throws for
 * bad input: see the run's report.
 */
export function parseMispEvent(input: FeedInput, options: MispEventOptions = {}): MispEventRun {
  const events: MispEventInfo[] = [];
  const { run } = jsonRun<FeedRecord>('misp-event', input, options, (out, reporter) => {
    const parser = new MispEventParser(out, reporter, options, events);
    return { walker: parser.walker, finish: () => parser.finish() };
  });
  return new MispEventRun(run, events);
}
