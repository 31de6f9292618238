// MISP feeds: the real TweetFeed feed directory (manifest, hashes.csv, events) and three real
// standalone events (objects, galaxies, sightings), then hostile and odd events.
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { eventsToFetch, parseMispHashes, parseMispManifest } from './misp-feed.js';
import { parseMispEvent } from './misp-event.js';
import { countBy, sharedFile } from './test-support.js';

const feed = sharedFile('misp/tweetfeed-misp-feed/manifest.json', 'the MISP feed tests on the real TweetFeed feed');
const feedDir = path.dirname(feed.file);
const standalone = sharedFile('misp/standalone-events/circl-5a0ac036-qakbot-with-objects.json', 'the MISP standalone event tests');
const eventsDir = path.dirname(standalone.file);

describe.skipIf(!feed.present)('TweetFeed MISP feed (real)', () => {
  it('manifest: 365 events, numbers as strings, TLP from tags', async () => {
    const run = parseMispManifest(createReadStream(path.join(feedDir, 'manifest.json')));
    const entries = await run.all();
    expect(entries).toHaveLength(365);
    expect(entries[0]).toEqual({
      uuid: '2e035642-c558-5019-89f2-bc7bdf8b34ce',
      timestamp: 1755989538,
      info: 'TweetFeed IOCs 2025-08-23',
      date: '2025-08-23',
      tags: ['TweetFeed', 'type:OSINT'],
      tlp: 'clear',
      orgc: { name: 'TweetFeed', uuid: '76a67249-f941-5bdb-925a-51045a921c1e' },
      threatLevel: 4,
      analysis: 2,
      distribution: 3,
    });
    expect(run.report).toMatchObject({ status: 'complete', itemsRead: 365, rejected: 0 });
    // Incremental: only what changed after the cursor, oldest first.
    const all = eventsToFetch(entries, null);
    expect(all).toHaveLength(365);
    const cursor = all[300]!.timestamp;
    const newer = eventsToFetch(entries, cursor);
    expect(newer.length).toBe(entries.filter((e) => e.timestamp > cursor).length);
    expect(newer.every((e, i) => i === 0 || newer[i - 1]!.timestamp <= e.timestamp)).toBe(true);
    const known = new Map(entries.map((e) => [e.uuid, e.timestamp]));
    known.delete('07124362-c14b-5868-b516-e5d8dd938050');
    known.set('84b0a1ba-c3ea-576a-9410-fbb7dfce7f6f', 1);
    expect(eventsToFetch(entries, known).map((e) => e.uuid)).toEqual(['07124362-c14b-5868-b516-e5d8dd938050', '84b0a1ba-c3ea-576a-9410-fbb7dfce7f6f']);
  });

  it('hashes.csv: 12,092 lines over 31 events', async () => {
    const run = parseMispHashes(createReadStream(path.join(feedDir, 'hashes.csv')));
    const hashes = await run.all();
    expect(hashes).toHaveLength(12092);
    expect(new Set(hashes.map((h) => h.eventUuid)).size).toBe(31);
    expect(hashes[0]).toEqual({ md5: 'a8ba23fe226c0220aded7950d4065231', eventUuid: 'fbd854da-9574-5fb6-b297-c483f9d5daf0' });
    expect(run.report.rejected).toBe(0);
  });

  it.each([
    ['07124362-c14b-5868-b516-e5d8dd938050', { url: 22, domain: 20, ipv4: 9, md5: 7, sha256: 2 }],
    ['5022d56f-9f94-5dd8-9b99-481b0e2c4dd1', { url: 53, ipv4: 34, domain: 27, md5: 25, sha256: 7 }],
    ['84b0a1ba-c3ea-576a-9410-fbb7dfce7f6f', { url: 54, domain: 39, ipv4: 17, sha256: 12, md5: 3 }],
  ])('event %s: every attribute a record, with tags, TLP and distribution', async (uuid, counts) => {
    const run = parseMispEvent(createReadStream(path.join(feedDir, `${uuid}.json`)));
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual(counts);
    expect(run.report).toMatchObject({ status: 'complete', rejected: 0, skipped: 0 });
    expect(run.events).toEqual([expect.objectContaining({ uuid, tlp: 'clear', distribution: 3, published: true, tags: ['TweetFeed', 'type:OSINT'] })]);
    for (const r of records) expect(r).toMatchObject({ tlp: 'clear', toIds: true, distribution: 3, tags: expect.arrayContaining(['TweetFeed', 'type:OSINT']) });
  });

  it('the first record of an event in full', async () => {
    const records = await parseMispEvent(createReadStream(path.join(feedDir, '07124362-c14b-5868-b516-e5d8dd938050.json'))).all();
    expect(records[0]).toEqual({
      type: 'domain',
      value: 'mu-hiqwnkesad.com',
      comment: 'https://x.com/kubotaa3/status/2083367233183715611',
      sourceRef: '19c2cd5a-7984-5cc0-af10-7a2083cb09c8',
      toIds: true,
      tags: ['phishing', 'TweetFeed', 'type:OSINT'],
      tlp: 'clear',
      distribution: 3,
    });
  });
});

describe.skipIf(!standalone.present)('standalone MISP events (real)', () => {
  it('Qakbot: objects read, ports, links, filenames and regkeys counted as skipped', async () => {
    const run = parseMispEvent(createReadStream(path.join(eventsDir, 'circl-5a0ac036-qakbot-with-objects.json')));
    const records = await run.all();
    // 48 attributes + 48 object attributes: 19 + 24 ip-dst, 5 each of md5/sha1/sha256.
    expect(countBy(records, (r) => r.type)).toEqual({ ipv4: 43, md5: 5, sha1: 5, sha256: 5 });
    expect(run.report).toMatchObject({ itemsRead: 96, skipped: 38, skippedByKind: { 'type port': 24, 'type link': 6, 'type filename': 4, 'type regkey': 3, 'type comment': 1 } });
    // The event's Tag list comes after its attributes in this file: records still carry it.
    expect(records.every((r) => r.tlp === 'clear' && r.tags?.includes('misp-galaxy:banker="Qakbot"'))).toBe(true);
    expect(run.events[0]).toMatchObject({ uuid: '5a0ac036-6fbc-4855-83af-422b950d210f', published: false, threatLevel: 3, attributes: 96 });
  });

  it('PUBG ransomware: megabytes of galaxies skipped, the attachment not built', async () => {
    const run = parseMispEvent(createReadStream(path.join(eventsDir, 'circl-5acc88e9-pubg-ransomware-with-galaxies.json')));
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ sha256: 2, sha1: 1, md5: 1 });
    expect(run.report.skippedByKind).toEqual({ 'type link': 2, 'type comment': 1, 'type attachment': 1, 'type text': 1, 'type datetime': 1 });
    expect(run.events[0]!.tags).toHaveLength(11);
  });

  it('Ursnif: sightings skipped, a plain-named tag kept', async () => {
    const run = parseMispEvent(createReadStream(path.join(eventsDir, 'ursnif-5b646415-with-sightings.json')));
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ domain: 4, url: 1 });
    expect(records[0]!.tags).toEqual(['PasteBin: MALWAREMESSIAGH', 'misp-galaxy:banker="Gozi"']);
    expect(records[0]!.tlp).toBeUndefined();
  });
});

const attr = (type: string, value: string, extra: Record<string, unknown> = {}) => ({ uuid: `a-${type}-${value}`.slice(0, 60), type, value, to_ids: true, ...extra });
const eventJson = (event: Record<string, unknown>): string => JSON.stringify({ Event: { uuid: '11111111-2222-4333-8444-555555555555', timestamp: '1700000000', ...event } });

describe('MISP events: composites, flags and tags', () => {
  it('splits composites: filename|hash, ip|port, domain|ip', async () => {
    const json = eventJson({
      Attribute: [
        attr('filename|sha256', 'evil.exe|E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'),
        attr('ip-dst|port', '203.0.113.5|8443'),
        attr('domain|ip', 'evil.example|2001:db8::1'),
        attr('filename|md5', 'a|b|c'),
        attr('domain|ip', 'evil.example|999.1.1.1'),
      ],
    });
    const run = parseMispEvent(json);
    expect((await run.all()).map((r) => `${r.type} ${r.value} ${r.comment ?? ''}`)).toEqual([
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 file evil.exe',
      'ipv4 203.0.113.5 On port 8443',
      'domain evil.example ',
      'ipv6 2001:db8::1 ',
      'domain evil.example ',
    ]);
    expect(run.report.rejectedByKind).toEqual({ 'invalid-value': 2 });
    expect(run.report.samples.map((s) => s.text)).toEqual(['filename|md5: a|b|c', 'domain|ip: evil.example|999.1.1.1']);
  });

  it('leaves out deleted attributes, marks to_ids, and can keep only to_ids', async () => {
    const json = eventJson({ Attribute: [attr('ip-src', '198.51.100.1', { deleted: true }), attr('domain', 'a.example', { to_ids: false }), attr('domain', 'b.example', { to_ids: '1' })] });
    const all = parseMispEvent(json);
    expect((await all.all()).map((r) => [r.value, r.toIds])).toEqual([
      ['a.example', false],
      ['b.example', true],
    ]);
    expect(all.report.skippedByKind).toEqual({ deleted: 1 });
    const ids = parseMispEvent(json, { onlyToIds: true });
    expect((await ids.all()).map((r) => r.value)).toEqual(['b.example']);
    expect(ids.report.skippedByKind).toEqual({ deleted: 1, 'not to_ids': 1 });
  });

  it('TLP is the most restrictive of event and attribute; tags are merged', async () => {
    const json = JSON.stringify({
      Event: {
        Attribute: [attr('domain', 'a.example', { Tag: [{ name: 'tlp:red' }, { name: 'kit' }] }), attr('domain', 'b.example', { Tag: [{ name: 'tlp:clear' }] })],
        Tag: [{ name: 'tlp:amber' }, { name: 'campaign' }],
        distribution: '1',
      },
    });
    const records = await parseMispEvent(json).all();
    expect(records.map((r) => [r.value, r.tlp, r.tags, r.distribution])).toEqual([
      ['a.example', 'red', ['kit', 'campaign'], 1],
      ['b.example', 'amber', ['campaign'], 1],
    ]);
  });

  it('an attribute narrows the distribution of its event, never widens it', async () => {
    const json = eventJson({ distribution: '1', Attribute: [attr('domain', 'a.example', { distribution: '0' }), attr('domain', 'b.example', { distribution: '3' }), attr('domain', 'c.example', { distribution: '5' })] });
    expect((await parseMispEvent(json).all()).map((r) => r.distribution)).toEqual([0, 1, 1]);
    const sg = eventJson({ distribution: '4', SharingGroup: { name: 'CERTs', uuid: 'x' }, Attribute: [attr('domain', 'a.example')] });
    const run = parseMispEvent(sg);
    expect((await run.all())[0]!.distribution).toBe(4);
    expect(run.events[0]!.sharingGroup).toEqual({ name: 'CERTs', uuid: 'x' });
    expect(run.report.warnings.join()).toMatch(/sharing group \(CERTs\)/);
  });

  it('reads the other wrappers: response, a list, a bare event', async () => {
    const a = [attr('domain', 'a.example')];
    for (const doc of [{ response: [{ Event: { Attribute: a } }] }, { response: { Event: { Attribute: a } } }, [{ Event: { Attribute: a } }], { uuid: 'x', Attribute: a }]) {
      const run = parseMispEvent(JSON.stringify(doc));
      expect((await run.all()).map((r) => r.value)).toEqual(['a.example']);
      expect(run.events).toHaveLength(1);
    }
  });

  it('counts unknown types, keeps first_seen/last_seen, skips attachment data without building it', async () => {
    const json = eventJson({
      Attribute: [
        attr('malware-sample', 'x.exe|d41d8cd98f00b204e9800998ecf8427e', { data: 'A'.repeat(2_000_000) }),
        attr('url', 'https://evil.example/x', { first_seen: '2024-01-01T00:00:00.000000+00:00', last_seen: '2024-02-01T00:00:00+00:00' }),
        attr('__proto__', 'x'),
        attr('constructor', 'y'),
      ],
    });
    const run = parseMispEvent(json);
    expect(await run.all()).toEqual([expect.objectContaining({ type: 'url', firstSeen: '2024-01-01T00:00:00.000Z', lastSeen: '2024-02-01T00:00:00.000Z' })]);
    expect({ ...run.report.skippedByKind }).toEqual({ 'type malware-sample': 1, 'type __proto__': 1, 'type constructor': 1 });
  });
});

describe('MISP: hostile input', () => {
  it('an Attribute that is not a list is skipped with a warning', async () => {
    const run = parseMispEvent(eventJson({ Attribute: { type: 'domain', value: 'a.example' } }));
    expect(await run.all()).toEqual([]);
    expect(run.report.warnings).toEqual(["The event's Attribute is not a list; it was skipped."]);
  });

  it('attributes that are not objects, or lack a type or value, are refused one by one', async () => {
    const run = parseMispEvent(eventJson({ Attribute: ['str', 42, { type: 'domain' }, { value: 'x' }, attr('domain', 'ok.example')] }));
    expect((await run.all()).map((r) => r.value)).toEqual(['ok.example']);
    expect(run.report.rejectedByKind).toEqual({ 'bad-item': 4 });
  });

  it('JSON cut short fails the run; records before the cut stay valid', async () => {
    const full = eventJson({ Tag: [{ name: 'tlp:green' }], Attribute: Array.from({ length: 200 }, (_, i) => attr('ip-dst', `10.0.${i >> 8}.${i & 255}`)) });
    const run = parseMispEvent(full.slice(0, Math.floor(full.length / 2)));
    const records = await run.all();
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'bad-json' } });
    expect(run.report.failure!.message).toMatch(/cut short/);
    expect(records.every((r) => r.tlp === 'green')).toBe(true);
  });

  it.each([
    ['not JSON', 'hello'],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['no event', '{"foo": [1, 2]}'],
    ['a number', '42'],
    ['empty', ''],
    ['trailing garbage', '{"Event": {"Attribute": []}} {"x": 1}'],
  ])('%s is a failed run', async (_name, input) => {
    const run = parseMispEvent(input);
    expect(await run.all()).toEqual([]);
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'bad-json' } });
  });

  it('reads gzip and a byte-order mark like every format', async () => {
    const run = parseMispEvent(gzipSync(Buffer.from(`\ufeff${eventJson({ Attribute: [attr('domain', 'a.example')] })}`)));
    expect(await run.all()).toHaveLength(1);
    expect(run.report).toMatchObject({ compression: 'gzip', bom: true });
  });

  it('an event of 100,000 attributes streams, in batches, with bounded waiting for its tags', async () => {
    const attributes = Array.from({ length: 100_000 }, (_, i) => attr('ip-dst', `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));
    const chunks = (json: string) =>
      (function* () {
        for (let i = 0; i < json.length; i += 65536) yield json.slice(i, i + 65536);
      })();
    const read = async (json: string) => {
      const run = parseMispEvent(chunks(json));
      const batches: number[] = [];
      const tlps = new Set<string | undefined>();
      for await (const b of run) {
        batches.push(b.length);
        for (const r of b) tlps.add(r.tlp);
      }
      return { run, batches, tlps };
    };
    // Tags and distribution first (as MISP writes feeds): records stream out chunk by chunk.
    const first = await read(eventJson({ distribution: '3', Tag: [{ name: 'tlp:green' }], Attribute: attributes }));
    expect(first.batches.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(Math.max(...first.batches)).toBeLessThan(5000);
    expect([...first.tlps]).toEqual(['green']);
    // Tags last: records wait for them, but at most 50,000 of them, and a warning says so.
    const last = await read(eventJson({ Attribute: attributes, Tag: [{ name: 'tlp:green' }], distribution: '3' }));
    expect(last.batches.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(last.run.report.warnings.join()).toMatch(/after its first 50000 attributes/);
    expect(last.run.report.status).toBe('complete');
  });

  it('manifest: bad keys, missing timestamps and duplicates are refused; a list is not a manifest', async () => {
    const m = '{"not-a-uuid": {"timestamp": "1"}, "11111111-2222-4333-8444-555555555555": {"info": "x"}, "11111111-2222-4333-8444-666666666666": {"timestamp": "17"}, "11111111-2222-4333-8444-666666666666": {"timestamp": "18"}, "11111111-2222-4333-8444-777777777777": "str"}';
    const run = parseMispManifest(m);
    expect((await run.all()).map((e) => [e.uuid, e.timestamp])).toEqual([['11111111-2222-4333-8444-666666666666', 17]]);
    expect(run.report.samples.map((s) => s.reason)).toEqual([
      'A manifest key must be an event UUID.',
      'The entry has no timestamp (epoch seconds).',
      'The event is listed twice; the first entry is kept.',
      'A manifest entry must be an object.',
    ]);
    const list = parseMispManifest('[{"timestamp": "1"}]');
    await list.all();
    expect(list.report.failure?.kind).toBe('bad-json');
  });

  it('hashes.csv: either column order, bad lines counted', async () => {
    const run = parseMispHashes('D41D8CD98F00B204E9800998ECF8427E,11111111-2222-4333-8444-555555555555\n11111111-2222-4333-8444-555555555555,d41d8cd98f00b204e9800998ecf8427e\nnonsense\n\n');
    expect(await run.all()).toEqual([
      { md5: 'd41d8cd98f00b204e9800998ecf8427e', eventUuid: '11111111-2222-4333-8444-555555555555' },
      { md5: 'd41d8cd98f00b204e9800998ecf8427e', eventUuid: '11111111-2222-4333-8444-555555555555' },
    ]);
    expect(run.report).toMatchObject({ rejected: 1, blankLines: 1 });
  });
});

describe.skipIf(!feed.present)('a whole feed directory, incrementally', () => {
  it('fetches the events newer than the cursor that the directory has', async () => {
    const entries = await parseMispManifest(readFileSync(path.join(feedDir, 'manifest.json'))).all();
    const toFetch = eventsToFetch(entries, 1787300000);
    const present = toFetch.filter((e) => sharedFile(`misp/tweetfeed-misp-feed/${e.uuid}.json`, 'one event').present);
    expect(present.map((e) => e.uuid).sort()).toEqual(['5022d56f-9f94-5dd8-9b99-481b0e2c4dd1', '84b0a1ba-c3ea-576a-9410-fbb7dfce7f6f']);
    let total = 0;
    for (const e of present) total += (await parseMispEvent(createReadStream(path.join(feedDir, `${e.uuid}.json`))).all()).length;
    expect(total).toBe(146 + 125);
  });
});
