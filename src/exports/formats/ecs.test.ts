// ECS NDJSON parsed back line by line with JSON.parse and checked against the ECS 8.x threat
// fields: the event categorisation Filebeat's threatintel module sets, the indicator type and
// the field that carries each kind of value, the expected values of confidence and TLP, and
// values Elasticsearch would refuse for the field's type (an `ip` that is not an address).
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../stix/ip.js';
import { ecsDocument, ecsNdjson } from './ecs.js';
import { jsonText } from './text.js';
import { hostileCtx, hostileItems, makeItem, representativeItems, testCtx } from '../../test/export-items.js';
import type { ExportContext, ExportItem } from './types.js';

type Doc = Record<string, any>;

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const valueField: Record<string, (ind: Doc) => unknown> = {
  'ipv4-addr': (i) => i.ip,
  'ipv6-addr': (i) => i.ip,
  'domain-name': (i) => i.url?.domain,
  url: (i) => i.url?.full,
  'email-addr': (i) => i.email?.address,
  file: (i) => Object.values(i.file?.hash ?? {})[0],
};

function readNdjson(text: string): Doc[] {
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      expect(line).not.toMatch(/[\r\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      const doc = JSON.parse(line) as Doc;
      checkDoc(doc);
      return doc;
    });
}

function checkDoc(doc: Doc): void {
  expect(doc['@timestamp']).toMatch(iso);
  expect(doc.event).toEqual({ kind: 'enrichment', category: ['threat'], type: ['indicator'] });
  const ind = doc.threat.indicator as Doc;
  expect(Object.keys(valueField)).toContain(ind.type);
  expect(typeof valueField[ind.type]!(ind)).toBe('string');
  expect(valueField[ind.type]!(ind)).toBe(ind.name);
  if (ind.ip !== undefined) expect(parseIp(ind.ip)).not.toBeNull();
  if (ind.url?.port !== undefined) expect(Number.isInteger(ind.url.port)).toBe(true);
  expect(['None', 'Low', 'Medium', 'High']).toContain(ind.confidence);
  expect(['WHITE', 'CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']).toContain(ind.marking.tlp);
  expect(ind.marking.tlp_version).toBe('2.0');
  for (const f of ['first_seen', 'last_seen']) if (ind[f] !== undefined) expect(ind[f]).toMatch(iso);
  expect(typeof ind.provider).toBe('string');
  expect(Number.isInteger(ind.sightings)).toBe(true);
  if (ind.reference !== undefined) expect(ind.reference).toMatch(/^https?:\/\/\S+$/);
  expect(typeof doc.threat.feed.name).toBe('string');
  expect(Number.isInteger(doc.tocsin.confidence)).toBe(true);
}

function render(items: ExportItem[], ctx: ExportContext = testCtx): string {
  return ecsNdjson.header(ctx) + items.map((i) => ecsNdjson.line(i, ctx) ?? '').join('') + ecsNdjson.footer(ctx);
}

describe('ECS NDJSON', () => {
  it('writes one threat indicator document a value, as Filebeat threatintel does', () => {
    const docs = readNdjson(render(representativeItems));
    expect(docs.map((d) => d.threat.indicator.type)).toEqual([
      'ipv4-addr',
      'ipv6-addr',
      'ipv6-addr',
      'ipv6-addr',
      // Only the single-address range: an `ip` field takes no CIDR.
      'ipv4-addr',
      'domain-name',
      'domain-name',
      'domain-name',
      'url',
      'url',
      'url',
      'url',
      'url',
      'email-addr',
      'file',
      'file',
      'file',
    ]);
    expect(docs[0]).toEqual({
      '@timestamp': '2026-12-07T10:00:00.000Z',
      event: { kind: 'enrichment', category: ['threat'], type: ['indicator'] },
      threat: {
        indicator: {
          type: 'ipv4-addr',
          name: '198.51.100.23',
          ip: '198.51.100.23',
          confidence: 'High',
          marking: { tlp: 'AMBER', tlp_version: '2.0' },
          provider: 'hub.example',
          sightings: 3,
          first_seen: '2026-11-01T08:00:00.000Z',
          last_seen: '2026-12-06T09:30:00.000Z',
          description: 'Phishing wave against council tax payers',
          reference: 'https://hub.example/intel/1',
        },
        feed: { name: 'City firewall', reference: 'https://hub.example' },
      },
      tocsin: {
        id: 1,
        confidence: 80,
        valid_until: '2027-01-05T09:30:00.000Z',
        sources: [
          { kind: 'warning', title: 'Phishing wave against council tax payers' },
          { kind: 'feed', title: 'abuse.ch URLhaus' },
        ],
      },
    });
  });

  it('splits URLs into the url fields and puts hashes under file.hash', () => {
    const url = ecsDocument(representativeItems.find((i) => i.id === 11)!, testCtx)!;
    expect((url.threat as Doc).indicator.url).toEqual({ full: 'https://user@shop.example:8443/pay/now#frag', original: 'https://user@shop.example:8443/pay/now#frag', scheme: 'https', domain: 'shop.example', path: '/pay/now', port: 8443 });
    expect((url.threat as Doc).indicator.marking.tlp).toBe('AMBER+STRICT');
    const hash = ecsDocument(representativeItems.find((i) => i.id === 18)!, testCtx)!;
    expect((hash.threat as Doc).indicator.file).toEqual({ hash: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } });
    expect((hash.threat as Doc).indicator.confidence).toBe('None');
  });

  it('maps confidence onto the STIX None/Low/Medium/High scale and keeps the number beside it', () => {
    const words = [0, 1, 29, 30, 69, 70, 100].map((c) => ((ecsDocument(makeItem('domain', 'evil.example', { confidence: c }), testCtx)!.threat as Doc).indicator as Doc).confidence);
    expect(words).toEqual(['None', 'Low', 'Low', 'Medium', 'Medium', 'High', 'High']);
  });

  it('skips what ECS cannot carry: CVEs and ranges wider than one address', () => {
    expect(ecsNdjson.line(makeItem('cve', 'CVE-2024-3400'), testCtx)).toBeNull();
    expect(ecsNdjson.line(makeItem('cidr', '203.0.113.0/24'), testCtx)).toBeNull();
  });

  it('keeps every line one valid document, whatever the values, titles and names', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      const docs = readNdjson(render(hostileItems(), ctx));
      expect(docs.length).toBeGreaterThan(100);
      // The exact value travels, escapes and all.
      expect(docs.some((d) => d.threat.indicator.url?.full === 'http://evil.example/\u202egpj.exe?x=\u200f')).toBe(true);
    }
  });

  it('writes each line exactly as the document it stands for, the shared parts made once a run', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      // A fresh context each time: nothing carried over from the tests above.
      const run = { ...ctx };
      let compared = 0;
      for (const item of [...representativeItems, ...hostileItems()]) {
        const line = ecsNdjson.line(item, run);
        if (line === null) continue; // not canonical, or not an ECS type: nothing written
        expect(line).toBe(`${jsonText(ecsDocument(item, run))}\n`);
        compared++;
      }
      expect(compared).toBeGreaterThan(50);
    }
  });
});
