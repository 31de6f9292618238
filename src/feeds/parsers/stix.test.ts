// STIX bundles as feeds: the real bundles in ../shared/data/stix, then built ones with every
// kind of indicator and observable, markings, and broken input.
import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseStixBundle } from './stix.js';
import { countBy, sharedFile } from './test-support.js';

const mitre = sharedFile('stix/mitre-mobile-attack-17.1.json', 'the STIX feed tests on the real bundles');
const stixDir = path.dirname(mitre.file);

describe.skipIf(!mitre.present)('real STIX bundles', () => {
  it('MITRE ATT&CK Mobile: 2,148 objects, no indicators, nothing refused', async () => {
    const run = parseStixBundle(createReadStream(mitre.file));
    expect(await run.all()).toEqual([]);
    expect(run.report).toMatchObject({ status: 'complete', itemsRead: 2148, skipped: 2148, rejected: 0 });
    expect(run.report.skippedByKind).toMatchObject({ relationship: 1766, revoked: 53, 'x-mitre-tactic': 14 });
  });

  it('OpenCTI test bundle: three indicators with TLP:WHITE (1.0) read as clear, validity and labels', async () => {
    const run = parseStixBundle(createReadStream(path.join(stixDir, 'opencti-DATA-TEST-STIX2_v2.json')));
    const records = await run.all();
    expect(records).toEqual([
      {
        type: 'domain',
        value: 'www.xolod-teplo.ru',
        sourceRef: 'indicator--10e9a46e-7edb-496b-a167-e27ea3ed0079',
        firstSeen: '2016-09-09T05:58:03.000Z',
        validUntil: '2017-09-09T05:58:03.000Z',
        comment: 'www.xolod-teplo.ru',
        tlp: 'clear',
        tags: ['indicator'],
      },
      expect.objectContaining({ type: 'domain', value: 'www.one-clap.jp', tlp: 'clear' }),
      expect.objectContaining({ type: 'sha256', value: '2a0169c72c84e6d3fa49af701fd46ee7aaf1d1d9e107798d93a6ca8df5d25957', tlp: 'clear' }),
    ]);
    expect(run.report).toMatchObject({ itemsRead: 59, records: 3, skipped: 56, rejected: 0 });
  });

  it('MISP export: simple patterns and SCOs become records; AND patterns and file names do not', async () => {
    const run = parseStixBundle(createReadStream(path.join(stixDir, 'misp-stix-test_events_collection_stix21.json')));
    const records = await run.all();
    expect(records.map((r) => `${r.type} ${r.value} ${r.sourceRef!.split('--')[0]}`)).toEqual(['domain circl.lu domain-name', 'domain circl.lu indicator', 'domain circl.lu domain-name', 'ipv4 149.13.33.14 ipv4-addr']);
    expect(run.report.skippedByKind).toMatchObject({ 'indicator without a simple observable': 2, 'file without MD5, SHA-1 or SHA-256': 1 });
    const indicatorsOnly = parseStixBundle(createReadStream(path.join(stixDir, 'misp-stix-test_events_collection_stix21.json')), { observables: false });
    expect((await indicatorsOnly.all()).map((r) => r.value)).toEqual(['circl.lu']);
  });

  it('the TLP 2.0 files (single objects, one without "type": "bundle") read as empty feeds', async () => {
    for (const name of readdirSync(path.join(stixDir, 'tlp2.0'))) {
      const run = parseStixBundle(createReadStream(path.join(stixDir, 'tlp2.0', name)));
      expect(await run.all()).toEqual([]);
      expect(run.report).toMatchObject({ status: 'complete', itemsRead: 1, skipped: 1 });
    }
  });
});

const bundle = (objects: unknown[]): string => JSON.stringify({ type: 'bundle', id: 'bundle--6f2c8e1a-0b1d-4c1e-9a1f-000000000001', objects });
const indicator = (n: number, pattern: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  pattern,
  pattern_type: 'stix',
  valid_from: '2024-01-01T00:00:00Z',
  ...extra,
});

describe('indicators and observables', () => {
  it('OR branches each become a record; AND, NOT and qualifiers give nothing alone', async () => {
    const run = parseStixBundle(
      bundle([
        indicator(1, "[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.0/24'] OR [url:value = 'HTTP://Evil.example/X']", { confidence: 80, valid_until: '2025-01-01T00:00:00Z', labels: ['c2'], indicator_types: ['malicious-activity'] }),
        indicator(2, "[domain-name:value = 'a.example' AND domain-name:value = 'b.example']"),
        indicator(3, "[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'] WITHIN 300 SECONDS"),
        indicator(4, "[email-message:from_ref.value = 'Boss@Evil.example']"),
      ]),
    );
    expect((await run.all()).map((r) => `${r.type} ${r.value} ${r.confidence ?? ''} ${r.validUntil ?? ''} ${(r.tags ?? []).join('+')}`)).toEqual([
      'ipv4 198.51.100.1 80 2025-01-01T00:00:00.000Z c2+malicious-activity',
      'cidr 198.51.100.0/24 80 2025-01-01T00:00:00.000Z c2+malicious-activity',
      'url http://evil.example/X 80 2025-01-01T00:00:00.000Z c2+malicious-activity',
      'email boss@evil.example   ',
    ]);
    expect(run.report.skippedByKind).toEqual({ 'indicator without a simple observable': 2 });
  });

  it('SCOs: addresses, ranges, names, URLs, emails and file hashes', async () => {
    const run = parseStixBundle(
      bundle([
        { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '203.0.113.0/24' },
        { type: 'ipv6-addr', id: 'ipv6-addr--1', value: '2001:DB8::1' },
        { type: 'domain-name', id: 'domain-name--1', value: 'Bücher.example' },
        { type: 'url', id: 'url--1', value: 'https://evil.example/a' },
        { type: 'email-addr', id: 'email-addr--1', value: 'x@evil.example' },
        { type: 'file', id: 'file--1', hashes: { MD5: 'D41D8CD98F00B204E9800998ECF8427E', 'SHA-1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'SHA-512': 'ab' } },
        { type: 'autonomous-system', id: 'autonomous-system--1', number: 1 },
      ]),
    );
    expect((await run.all()).map((r) => `${r.type} ${r.value}`)).toEqual([
      'cidr 203.0.113.0/24',
      'ipv6 2001:db8::1',
      'domain xn--bcher-kva.example',
      'url https://evil.example/a',
      'email x@evil.example',
      'md5 d41d8cd98f00b204e9800998ecf8427e',
      'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
    ]);
    expect(run.report.skippedByKind).toEqual({ 'autonomous-system': 1 });
  });

  it('TLP from TLP 2.0 ids, TLP 1.0 ids and markings the bundle defines; the most restrictive wins', async () => {
    const custom = 'marking-definition--aaaaaaaa-0000-4000-8000-000000000001';
    const run = parseStixBundle(
      bundle([
        { type: 'marking-definition', id: custom, definition_type: 'tlp', definition: { tlp: 'red' } },
        { type: 'domain-name', id: 'domain-name--1', value: 'a.example', object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'] },
        { type: 'domain-name', id: 'domain-name--2', value: 'b.example', object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] },
        { type: 'domain-name', id: 'domain-name--3', value: 'c.example', object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', custom] },
        { type: 'domain-name', id: 'domain-name--4', value: 'd.example', object_marking_refs: ['marking-definition--unknown'] },
      ]),
    );
    expect((await run.all()).map((r) => `${r.value} ${r.tlp ?? '-'}`)).toEqual(['a.example green', 'b.example amber', 'c.example red', 'd.example -']);
  });
});

describe('STIX: hostile input', () => {
  it('bad objects are refused one by one, the rest read', async () => {
    const run = parseStixBundle(
      bundle([
        indicator(1, "[ipv4-addr:value = '1.2.3.4'"),
        indicator(2, 42),
        indicator(3, 'alert tcp any any', { pattern_type: 'snort' }),
        indicator(4, "[ipv4-addr:value = '1.2.3.4']", { revoked: true }),
        { type: 'ipv4-addr', id: 'ipv4-addr--2', value: '2001:db8::1' },
        { type: 'ipv4-addr', id: 'ipv4-addr--3', value: '10.0.0.0/33' },
        { type: 'url', id: 'url--2', value: 7 },
        'a string',
        { no: 'type' },
        indicator(5, "[ipv4-addr:value = '9.9.9.9']"),
      ]),
    );
    expect((await run.all()).map((r) => r.value)).toEqual(['9.9.9.9']);
    expect(run.report.rejectedByKind).toEqual({ 'invalid-pattern': 1, 'bad-item': 4, 'wrong-type': 1, 'invalid-value': 1 });
    expect(run.report.skippedByKind).toEqual({ 'pattern type snort': 1, revoked: 1 });
  });

  it.each([
    ['not JSON', 'nope'],
    ['a single object', JSON.stringify(indicator(1, "[ipv4-addr:value = '1.2.3.4']"))],
    ['cut short', bundle([indicator(1, "[ipv4-addr:value = '1.2.3.4']"), indicator(2, "[ipv4-addr:value = '5.6.7.8']")]).slice(0, -40)],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ])('%s is a failed run', async (_name, input) => {
    const run = parseStixBundle(input);
    await run.all();
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'bad-json' } });
  });

  it('an object too large to be real is refused, not built', async () => {
    const huge = indicator(1, "[ipv4-addr:value = '1.2.3.4']", { labels: Array.from({ length: 250_000 }, (_, i) => `l${i}`) });
    const run = parseStixBundle(bundle([huge, indicator(2, "[ipv4-addr:value = '5.6.7.8']")]));
    expect((await run.all()).map((r) => r.value)).toEqual(['5.6.7.8']);
    expect(run.report.samples[0]).toMatchObject({ kind: 'bad-item', ref: huge.id });
  });

  it('gzip-compressed bundles are read', async () => {
    const run = parseStixBundle(gzipSync(Buffer.from(bundle([indicator(1, "[domain-name:value = 'a.example']")]))));
    expect(countBy(await run.all(), (r) => r.type)).toEqual({ domain: 1 });
    expect(run.report.compression).toBe('gzip');
  });
});
