// STIX 2.1 bundles as a feed: each indicator's pattern compiled into observables (only what
// alone matches: OR branches yes, AND no), with valid_from/valid_until, confidence, labels and
// the TLP of its markings; cyber observables (ipv4/ipv6-addr, domain-name, url, email-addr,
// file hashes) as records too. Everything else is counted as skipped. Streamed object by
// object with the bundle reader of the STIX import (stixio/bundle-reader.ts).
import { BundleFormatError, SkippedElement, readBundle } from '../../stixio/bundle-reader.js';
import { PatternError, observablesOf } from '../../stix/pattern/index.js';
import { mostRestrictive, tlp2ExtensionId, tlpFromLabel, tlpFromMarkingRef, type Tlp } from '../../stix/tlp.js';
import { readBytes } from './bytes.js';
import { Reporter } from './report.js';
import { FeedRun, Output, resolveInput } from './run.js';
import type { FeedInput, FeedRecord, InputOptions } from './types.js';
import { classifyValue, normaliseDate, type ForcedType } from './values.js';

export interface StixOptions extends InputOptions {
  /** also turn cyber observables (SCOs) into records, not only indicators; default true */
  observables?: boolean;
}

type Obj = Record<string, unknown>;

const maxTags = 50;
const maxCommentLength = 1000;
const scoTypes: Readonly<Record<string, ForcedType>> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
};
const hashKeys: Readonly<Record<string, 'md5' | 'sha1' | 'sha256'>> = { md5: 'md5', 'sha-1': 'sha1', sha1: 'sha1', 'sha-256': 'sha256', sha256: 'sha256' };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

class StixParser {
  /** TLP levels of marking definitions this bundle defines itself (TLP 1.0 style, custom ids) */
  private readonly markings = new Map<string, Tlp>();

  constructor(
    private readonly out: Output,
    private readonly reporter: Reporter,
    private readonly observables: boolean,
  ) {}

  private tlpOf(o: Obj): Tlp | undefined {
    let tlp: Tlp | undefined;
    for (const ref of strings(o.object_marking_refs)) {
      const level = tlpFromMarkingRef(ref) ?? this.markings.get(ref);
      if (level) tlp = tlp ? mostRestrictive(tlp, level) : level;
    }
    return tlp;
  }

  item(item: unknown, index: number): void {
    const report = this.reporter.report;
    report.itemsRead += 1;
    if (item instanceof SkippedElement) {
      this.reporter.reject('bad-item', `The object was not read: ${item.reason}.`, { ref: item.id ?? `object ${index + 1}`, text: item.id ?? '' });
      return;
    }
    if (!item || typeof item !== 'object' || Array.isArray(item) || typeof (item as Obj).type !== 'string') {
      this.reporter.reject('bad-item', 'An element of "objects" must be a STIX object with a "type".', { ref: `object ${index + 1}`, text: JSON.stringify(item)?.slice(0, 300) ?? '' });
      return;
    }
    const o = item as Obj;
    const type = o.type as string;
    const id = typeof o.id === 'string' ? o.id : `object ${index + 1}`;
    if (type === 'marking-definition') {
      this.learnMarking(o);
      this.reporter.skip(type);
      return;
    }
    if (o.revoked === true) return this.reporter.skip('revoked');
    if (type === 'indicator') return this.indicator(o, id);
    if (!this.observables) return this.reporter.skip(type.slice(0, 60));
    if (type === 'file') return this.file(o, id);
    const forced = scoTypes[type];
    if (!forced) return this.reporter.skip(type.slice(0, 60));
    if (typeof o.value !== 'string') return this.reporter.reject('bad-item', `A ${type} object needs a string "value".`, { ref: id, text: JSON.stringify(o.value) ?? 'none' });
    const c = classifyValue(o.value.trim(), forced);
    if (!c.ok) {
      if (c.kind === 'unsupported') return this.reporter.skip(c.what);
      return this.reporter.reject(c.kind, c.reason, { ref: id, text: o.value });
    }
    // An ipv4-addr holding an IPv6 address (or the reverse) is a broken object, not a guess to make.
    const v6 = c.value.includes(':');
    if ((type === 'ipv4-addr' && v6) || (type === 'ipv6-addr' && !v6)) return this.reporter.reject('wrong-type', `An ${type} object holds "${c.value}".`, { ref: id, text: o.value });
    this.push({ type: c.type, value: c.value, sourceRef: id, ...(c.note ? { comment: c.note } : {}) }, o);
  }

  private learnMarking(o: Obj): void {
    if (typeof o.id !== 'string') return;
    let label: unknown;
    const ext = o.extensions && typeof o.extensions === 'object' ? (o.extensions as Obj)[tlp2ExtensionId] : undefined;
    if (ext && typeof ext === 'object') label = (ext as Obj).tlp_2_0;
    else if (typeof o.definition_type === 'string' && o.definition_type.toLowerCase() === 'tlp' && o.definition && typeof o.definition === 'object') {
      const d = o.definition as Obj;
      label = d.tlp ?? d.TLP;
    }
    const tlp = typeof label === 'string' ? tlpFromLabel(label) : null;
    if (tlp && !tlpFromMarkingRef(o.id)) this.markings.set(o.id, tlp);
  }

  private push(record: FeedRecord, o: Obj): void {
    const tlp = this.tlpOf(o);
    if (tlp) record.tlp = tlp;
    const confidence = o.confidence;
    if (typeof confidence === 'number' && Number.isInteger(confidence) && confidence >= 0 && confidence <= 100) record.confidence = confidence;
    const tags = [...new Set([...strings(o.labels), ...strings(o.indicator_types)].map((t) => t.trim().slice(0, 200)).filter(Boolean))].slice(0, maxTags);
    if (tags.length) record.tags = tags;
    this.out.push(record);
  }

  private indicator(o: Obj, id: string): void {
    const patternType = typeof o.pattern_type === 'string' ? o.pattern_type : 'stix';
    if (patternType !== 'stix') return this.reporter.skip(`pattern type ${patternType.slice(0, 40)}`);
    if (typeof o.pattern !== 'string') return this.reporter.reject('bad-item', 'An indicator needs a string "pattern".', { ref: id, text: JSON.stringify(o.pattern) ?? 'none' });
    let found;
    try {
      found = observablesOf(o.pattern);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      return this.reporter.reject('invalid-pattern', `The pattern does not parse: ${err.message}`, { ref: id, text: o.pattern });
    }
    // AND, NOT, qualifiers, or properties other than values and hashes: nothing alone to look for.
    if (found.length === 0) return this.reporter.skip('indicator without a simple observable');
    const base: Omit<FeedRecord, 'type' | 'value'> = { sourceRef: id };
    const from = typeof o.valid_from === 'string' ? normaliseDate(o.valid_from) : null;
    if (from) base.firstSeen = from;
    const until = typeof o.valid_until === 'string' ? normaliseDate(o.valid_until) : null;
    if (until) base.validUntil = until;
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    if (name) base.comment = name.length > maxCommentLength ? `${name.slice(0, maxCommentLength)}…` : name;
    for (const ob of found) this.push({ type: ob.type, value: ob.value, ...base }, o);
  }

  private file(o: Obj, id: string): void {
    const hashes = o.hashes && typeof o.hashes === 'object' ? (o.hashes as Obj) : {};
    let any = false;
    for (const [k, v] of Object.entries(hashes)) {
      const type = hashKeys[k.toLowerCase()];
      if (!type || typeof v !== 'string') continue;
      any = true;
      const c = classifyValue(v.trim(), type);
      if (c.ok) this.push({ type: c.type, value: c.value, sourceRef: id }, o);
      else this.reporter.reject(c.kind === 'unsupported' ? 'invalid-value' : c.kind, `${k}: ${c.reason}`, { ref: id, text: v });
    }
    if (!any) this.reporter.skip('file without MD5, SHA-1 or SHA-256');
  }
}

/** Parse a STIX 2.1 bundle (or a TAXII envelope). Never throws for bad input: see the report. */
export function parseStixBundle(input: FeedInput, options: StixOptions = {}): FeedRun {
  const opts = resolveInput(options);
  const reporter = new Reporter('stix', opts.maxSamples);
  const out = new Output(reporter.report);
  const parser = new StixParser(out, reporter, options.observables ?? true);
  async function* batches(): AsyncGenerator<FeedRecord[]> {
    let index = 0;
    try {
      for await (const group of readBundle(readBytes(input, opts, reporter))) {
        for (const item of group) parser.item(item, index++);
        if (out.batch.length > 0) yield out.take();
      }
    } catch (err) {
      if (!(err instanceof BundleFormatError)) throw err;
      reporter.fail('bad-json', `The bundle cannot be read: ${err.message}.`);
    }
    if (out.batch.length > 0) yield out.take();
    reporter.complete();
  }
  return new FeedRun(reporter.report, batches());
}
