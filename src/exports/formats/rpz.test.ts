// The response policy zone parsed back line by line: comments, $TTL, SOA with the serial, NS,
// then only `owner CNAME .` records whose owner names are valid DNS names that fit under the
// zone; rpz-ip names decoded back to the networks they came from, and checked against BIND's
// own canonical form (ported from lib/dns/rpz.c ip2name, which walks the words in reverse).
import { describe, expect, it } from 'vitest';
import { formatCidr, parseCidr, parseIp } from '../../stix/ip.js';
import { rpz, rpzIpName } from './rpz.js';
import { hostileCtx, hostileItems, makeItem, representativeItems, testCtx } from '../../test/export-items.js';
import type { ExportContext, ExportItem } from './types.js';

/** BIND's ip2name for IPv6: words last to first, the last longest zero run (of 2+) in that order as zz. */
function bindIpv6Name(words: number[], prefix: number): string {
  const w = [...words].reverse();
  let bestFirst = -1;
  let bestLen = 0;
  let curFirst = -1;
  let curLen = 0;
  for (let n = 0; n <= 7; n++) {
    if (w[n] !== 0) {
      curLen = 0;
      curFirst = -1;
    } else {
      curLen++;
      if (curFirst < 0) curFirst = n;
      else if (curLen >= bestLen) [bestFirst, bestLen] = [curFirst, curLen];
    }
  }
  let s = String(prefix);
  for (let n = 0; n <= 7; n++) {
    if (n === bestFirst) {
      s += '.zz';
      n += bestLen - 1;
    } else s += `.${w[n]!.toString(16)}`;
  }
  return s;
}

/** An rpz-ip owner name back to `address/prefix` (the reading of BIND's name2ipkey). */
function decodeRpzIp(name: string): string {
  const labels = name.replace(/\.rpz-ip$/, '').split('.');
  const prefix = Number(labels.shift());
  expect(Number.isInteger(prefix) && prefix >= 1).toBe(true);
  if (labels.length === 4 && !labels.includes('zz')) {
    expect(prefix).toBeLessThanOrEqual(32);
    return `${labels.reverse().join('.')}/${prefix}`;
  }
  const rev = labels;
  const words: number[] = [];
  for (const l of rev) {
    if (l === 'zz') for (let i = 0; i < 8 - (rev.length - 1); i++) words.push(0);
    else {
      expect(l).toMatch(/^(?:0|[1-9a-f][0-9a-f]{0,3})$/);
      words.push(parseInt(l, 16));
    }
  }
  expect(words).toHaveLength(8);
  const address = words.reverse().map((x) => x.toString(16)).join(':');
  const net = parseCidr(`${address}/${prefix}`)!;
  expect(bindIpv6Name(words, prefix), 'the canonical form BIND expects').toBe(name.replace(/\.rpz-ip$/, ''));
  return formatCidr(net);
}

const label = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?|\*)$/;

interface Zone {
  ttl: number;
  serial: number;
  records: string[];
}

function readZone(text: string, zoneLength = 63): Zone {
  expect(text.endsWith('\n')).toBe(true);
  expect(text).not.toContain('\r');
  const lines = text.split('\n').slice(0, -1);
  let ttl = -1;
  let serial = -1;
  let ns = false;
  const records: string[] = [];
  for (const line of lines) {
    expect(line).toMatch(/^[\x20-\x7e]*$/);
    if (line.startsWith(';')) continue;
    let m = /^\$TTL (\d+)$/.exec(line);
    if (m) {
      ttl = Number(m[1]);
      continue;
    }
    m = /^@ IN SOA localhost\. hostmaster\.localhost\. (\d+) (\d+) (\d+) (\d+) (\d+)$/.exec(line);
    if (m) {
      serial = Number(m[1]);
      continue;
    }
    if (line === '@ IN NS localhost.') {
      ns = true;
      continue;
    }
    m = /^(\S+) CNAME \.$/.exec(line);
    expect(m, `a record: ${line.slice(0, 120)}`).not.toBeNull();
    const owner = m![1]!;
    expect(owner.endsWith('.'), 'relative names only').toBe(false);
    const labels = owner.split('.');
    for (const [i, l] of labels.entries()) {
      expect(l, owner).toMatch(label);
      if (l === '*') expect(i).toBe(0);
    }
    expect(owner.length + 1 + zoneLength).toBeLessThanOrEqual(253);
    records.push(owner);
  }
  expect(ttl).toBeGreaterThanOrEqual(0);
  expect(serial).toBeGreaterThanOrEqual(0);
  expect(ns).toBe(true);
  return { ttl, serial, records };
}

function render(items: ExportItem[], ctx: ExportContext = testCtx): string {
  return rpz.header(ctx) + items.map((i) => rpz.line(i, ctx) ?? '').join('') + rpz.footer(ctx);
}

describe('response policy zone', () => {
  it('starts with $TTL, SOA carrying the serial, NS', () => {
    const zone = readZone(render([]));
    expect(zone).toEqual({ ttl: 300, serial: testCtx.serial, records: [] });
    expect(readZone(render([], { ...testCtx, rpzTtl: 60 })).ttl).toBe(60);
    expect(() => rpz.header({ ...testCtx, serial: 2 ** 32 })).toThrow(/serial/);
  });

  it('blocks each domain and its subdomains, and each address or range in an answer', () => {
    const zone = readZone(render(representativeItems));
    const domains = zone.records.filter((r) => !r.endsWith('.rpz-ip'));
    expect(domains).toEqual(['evil.example', '*.evil.example', 'xn--mnchen-3ya.example', '*.xn--mnchen-3ya.example', 'login_portal.evil.example', '*.login_portal.evil.example']);
    const ips = zone.records.filter((r) => r.endsWith('.rpz-ip'));
    expect(ips).toEqual(['32.23.100.51.198.rpz-ip', '128.10.zz.db8.2001.rpz-ip', '128.1.zz.1.0.db8.2001.rpz-ip', '128.1.0.0.1.zz.db8.2001.rpz-ip', '24.0.113.0.203.rpz-ip', '48.zz.abcd.db8.2001.rpz-ip', '32.7.2.0.192.rpz-ip']);
    // Decoded, they are the networks they were written from.
    const sources = representativeItems.filter((i) => ['ipv4', 'ipv6', 'cidr'].includes(i.type)).map((i) => (i.type === 'cidr' ? i.value : `${i.value}/${i.type === 'ipv4' ? 32 : 128}`));
    expect(ips.map(decodeRpzIp)).toEqual(sources);
    for (const t of ['url', 'email', 'md5', 'cve'] as const) expect(rpz.supports(t)).toBe(false);
  });

  it('writes the canonical IPv6 name BIND expects, whatever the zero runs', () => {
    for (const v of ['::1', '1::', '::', '1:0:0:2:0:0:0:3', '1:0:0:2:0:0:3:4', '0:0:1:0:0:1:0:0', 'fe80::1:0:0:0', '2001:db8:1:2:3:4:5:6', '1:0:2:0:3:0:4:0']) {
      const ip = parseIp(v)!;
      const name = rpzIpName(ip, 128);
      expect(decodeRpzIp(`${name}`)).toBe(`${formatCidr({ ...ip, prefix: 128 })}`);
    }
  });

  it('skips what would stop the zone loading or block everything', () => {
    for (const item of [makeItem('cidr', '0.0.0.0/0'), makeItem('cidr', '::/0'), makeItem('domain', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.example`)]) {
      expect(rpz.line(item, testCtx)).toBeNull();
    }
    // A short zone name leaves room for a longer name.
    const long = makeItem('domain', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example`);
    expect(rpz.line(long, testCtx)).toBeNull();
    expect(rpz.line(long, { ...testCtx, rpzZone: 'rpz.local.' })).not.toBeNull();
  });

  it('keeps every line valid, whatever the values, titles and names', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      const zone = readZone(render(hostileItems(), ctx));
      expect(zone.records.length).toBeGreaterThan(50);
      for (const r of zone.records.filter((x) => x.endsWith('.rpz-ip'))) decodeRpzIp(r);
      expect(zone.records.some((r) => /bank|rpz-ip\.|^x\.rpz/.test(r.replace(/\.rpz-ip$/, '')))).toBe(false);
    }
  });
});
