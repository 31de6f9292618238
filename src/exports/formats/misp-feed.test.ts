// MISP feed pieces against misp-formats.md: the event JSON (whole and streamed give the same
// event), attribute types and categories, uuids stable across exports and unique across events,
// the manifest entry and hashes.csv lines.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildMispEvent, mispAttributeUuid, mispEventUuid, mispHashLines, mispManifestEntry, mispManifestEntryOf, MispEventStream, type MispEventMeta } from './misp-feed.js';
import { hostileCtx, hostileItems, representativeItems, testCtx } from '../../test/export-items.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function meta(key = 'export-1'): MispEventMeta {
  return { uuid: mispEventUuid(testCtx.hubUrl, key), info: 'City firewall: values of 7 December', timestamp: 1796637600 };
}

describe('MISP feed', () => {
  it('builds one event with its attributes, tags and organisation', () => {
    const { Event: event, skipped } = buildMispEvent(meta(), representativeItems, testCtx);
    expect(skipped).toBe(0);
    expect(event).toMatchObject({
      info: 'City firewall: values of 7 December',
      date: '2026-12-07',
      threat_level_id: '4',
      analysis: '2',
      timestamp: '1796637600',
      publish_timestamp: '1796637600',
      published: true,
      distribution: '0',
      Orgc: { name: 'hub.example' },
    });
    expect(event.uuid).toMatch(uuid);
    expect(event.Orgc.uuid).toMatch(uuid);
    // The event carries the most restrictive TLP of its attributes, and the hub.
    expect(event.Tag).toEqual([
      { name: 'tlp:red', colour: '#cc0033' },
      { name: 'tocsin:hub="hub.example"', colour: '#0b5394' },
    ]);
    expect(event.Attribute.map((a) => [a.type, a.category, a.to_ids])).toEqual([
      ['ip-dst', 'Network activity', true],
      ['ip-dst', 'Network activity', true],
      ['ip-dst', 'Network activity', true],
      ['ip-dst', 'Network activity', true],
      ['ip-dst', 'Network activity', true],
      ['ip-dst', 'Network activity', true],
      ['ip-dst', 'Network activity', true],
      ['domain', 'Network activity', true],
      ['domain', 'Network activity', true],
      ['domain', 'Network activity', true],
      ['url', 'Network activity', true],
      ['url', 'Network activity', true],
      ['url', 'Network activity', true],
      ['url', 'Network activity', true],
      ['url', 'Network activity', true],
      ['email-src', 'Payload delivery', true],
      ['md5', 'Payload delivery', true],
      ['sha1', 'Payload delivery', true],
      ['sha256', 'Payload delivery', true],
      ['vulnerability', 'External analysis', false],
    ]);
    const first = event.Attribute[0]!;
    expect(first).toEqual({
      uuid: mispAttributeUuid(testCtx.hubUrl, event.uuid, 1),
      type: 'ip-dst',
      category: 'Network activity',
      value: '198.51.100.23',
      to_ids: true,
      comment: 'Phishing wave against council tax payers - confidence 80 - https://hub.example/intel/1',
      timestamp: String(Date.parse('2026-12-06T09:30:00.000Z') / 1000),
      distribution: '5',
      disable_correlation: false,
      first_seen: '2026-11-01T08:00:00.000000+00:00',
      last_seen: '2026-12-06T09:30:00.000000+00:00',
      Tag: [{ name: 'tlp:amber', colour: '#ffc000' }],
    });
  });

  it('keeps uuids across re-exports and makes them unique across events', () => {
    const a = buildMispEvent(meta(), representativeItems, testCtx).Event;
    const again = buildMispEvent(meta(), representativeItems, testCtx).Event;
    const other = buildMispEvent(meta('export-2'), representativeItems, testCtx).Event;
    expect(again.uuid).toBe(a.uuid);
    expect(again.Attribute.map((x) => x.uuid)).toEqual(a.Attribute.map((x) => x.uuid));
    expect(new Set(a.Attribute.map((x) => x.uuid)).size).toBe(a.Attribute.length);
    expect(other.uuid).not.toBe(a.uuid);
    for (const x of other.Attribute) expect(a.Attribute.map((y) => y.uuid)).not.toContain(x.uuid);
    for (const x of a.Attribute) expect(x.uuid).toMatch(uuid);
  });

  it('streams the same event attribute by attribute', () => {
    const stream = new MispEventStream(meta(), testCtx);
    let text = stream.open();
    for (const item of representativeItems) text += stream.attribute(item) ?? '';
    text += stream.close();
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify({ Event: buildMispEvent(meta(), representativeItems, testCtx).Event })));
    expect(stream.eventTlp).toBe('red');
    // An empty event is still valid JSON.
    const empty = new MispEventStream(meta(), testCtx);
    expect(JSON.parse(empty.open() + empty.close()).Event.Attribute).toEqual([]);
  });

  it('builds the manifest entry and hashes.csv lines', () => {
    const { Event: event } = buildMispEvent(meta(), representativeItems, testCtx);
    const manifest = { [event.uuid]: mispManifestEntry(event) };
    expect(manifest[event.uuid]).toEqual({ info: event.info, Orgc: event.Orgc, Tag: event.Tag, date: '2026-12-07', analysis: '2', threat_level_id: '4', timestamp: '1796637600' });
    expect(mispManifestEntryOf(meta(), 'red', testCtx)).toEqual(manifest[event.uuid]);
    const md5 = createHash('md5').update('198.51.100.23').digest('hex');
    expect(mispHashLines('198.51.100.23', event.uuid)).toBe(`${md5},${event.uuid}\n`);
    expect(mispHashLines('a.example|198.51.100.1', event.uuid).split('\n')).toHaveLength(3);
  });

  it('refuses event metadata MISP would not read', () => {
    expect(() => buildMispEvent({ ...meta(), uuid: 'not-a-uuid' }, [], testCtx)).toThrow(/uuid/);
    expect(() => buildMispEvent({ ...meta(), date: '7 Dec' }, [], testCtx)).toThrow(/date/);
    expect(() => buildMispEvent({ ...meta(), timestamp: -1 }, [], testCtx)).toThrow(/timestamp/);
  });

  it('carries only canonical values and one-line comments, whatever the values, titles and names', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      const items = hostileItems();
      const stream = new MispEventStream(meta(), ctx);
      let text = stream.open();
      let skipped = 0;
      for (const item of items) {
        const part = stream.attribute(item);
        if (part === null) skipped++;
        else text += part;
      }
      text += stream.close();
      expect(text).not.toMatch(/[\u2028\u2029\u202a-\u202e]/);
      const event = JSON.parse(text).Event;
      expect(skipped).toBeGreaterThan(0);
      expect(event.Attribute.length + skipped).toBe(items.length);
      for (const a of event.Attribute) {
        expect(a.comment).not.toMatch(/[\r\n\t]/);
        expect(a.value).not.toMatch(/[\r\n ]/);
      }
      for (const t of event.Tag) expect(t.name).toMatch(/^(?:tlp:[a-z+]+|tocsin:hub="[^"\\]*")$/);
    }
  });
});
