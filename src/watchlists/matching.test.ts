// The watchlist matcher as pure functions: direct hits on domains, addresses and ranges,
// lookalikes (homoglyphs via punycode, typos, embedded names, patterns), what never matches,
// and that a bulk batch stays cheap with hundreds of organisations.
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deletionHashes, globMatch, nameHash, urlHost, WatchIndex, type OrgWatchAssets } from './matching.js';

const org = (orgId: string, assets: Partial<OrgWatchAssets>): OrgWatchAssets => ({
  orgId,
  domains: [],
  ipRanges: [],
  asns: [],
  emailDomains: [],
  brands: [],
  lookalikePatterns: [],
  ...assets,
});

const springfield = org('springfield', {
  domains: ['springfield.gov', 'springfieldwater.org'],
  emailDomains: ['springfield.gov', 'mail.springfield-il.us'],
  ipRanges: ['198.51.100.0/24', '2001:db8:10::/48'],
  asns: [64500],
  brands: ['springfield'],
  lookalikePatterns: ['spfld-*.com'],
});
const shelbyville = org('shelbyville', { domains: ['shelbyville.gov'], ipRanges: ['203.0.113.0/25'] });
const index = new WatchIndex([springfield, shelbyville]);

const one = (type: string, value: string) => index.match(type, value).map((h) => `${h.orgId}:${h.assetKind}:${h.assetValue}:${h.reason}`);

describe('watchlist matching', () => {
  it('matches addresses and ranges inside or overlapping an organisation’s ranges', () => {
    expect(one('ipv4', '198.51.100.7')).toEqual(['springfield:ip_range:198.51.100.0/24:in-range']);
    expect(one('ipv4', '198.51.101.7')).toEqual([]);
    expect(one('cidr', '198.51.100.128/25')).toEqual(['springfield:ip_range:198.51.100.0/24:in-range']);
    expect(one('cidr', '198.51.0.0/16')).toEqual(['springfield:ip_range:198.51.100.0/24:overlaps-range']);
    expect(one('ipv6', '2001:db8:10::53')).toEqual(['springfield:ip_range:2001:db8:10::/48:in-range']);
    expect(one('ipv4', '203.0.113.200')).toEqual([]);
    expect(one('ipv4', '203.0.113.5')).toEqual(['shelbyville:ip_range:203.0.113.0/25:in-range']);
    // a wide range in a feed touches both towns
    expect(one('cidr', '192.0.0.0/2').sort()).toEqual(['shelbyville:ip_range:203.0.113.0/25:overlaps-range', 'springfield:ip_range:198.51.100.0/24:overlaps-range']);
    expect(one('url', 'http://198.51.100.9:8080/panel')).toEqual(['springfield:ip_range:198.51.100.0/24:in-range']);
    expect(one('url', 'http://[2001:db8:10::1]/x')).toEqual(['springfield:ip_range:2001:db8:10::/48:in-range']);
  });

  it('matches a domain, its sub-domains, URL hosts and email addresses at the organisation’s domains', () => {
    expect(one('domain', 'springfield.gov')).toEqual(['springfield:domain:springfield.gov:exact']);
    expect(one('domain', 'vpn.springfield.gov')).toEqual(['springfield:domain:springfield.gov:sub-domain']);
    expect(one('url', 'https://user@portal.springfieldwater.org/login?x=1')).toEqual(['springfield:domain:springfieldwater.org:sub-domain']);
    expect(one('email', 'jdoe@springfield.gov')).toEqual(['springfield:email_domain:springfield.gov:email-address']);
    expect(one('email', 'clerk@mail.springfield-il.us')).toEqual(['springfield:email_domain:mail.springfield-il.us:email-address']);
    // an address at a plain domain counts too: most towns mail from their web domain
    expect(one('email', 'it@shelbyville.gov')).toEqual(['shelbyville:domain:shelbyville.gov:email-address']);
    expect(one('domain', 'notspringfield.gov.evil.example')).toEqual([]);
  });

  it('matches lookalikes: homoglyphs (decoded from punycode), typos, embedded names, the same name elsewhere, patterns', () => {
    const cyrillic = domainToASCII('sprіngfield.gov'); // U+0456 for the i
    expect(cyrillic.startsWith('xn--')).toBe(true);
    expect(one('domain', cyrillic)).toEqual(['springfield:domain:springfield.gov:homoglyph']);
    expect(one('url', `https://${cyrillic}/pay`)).toEqual(['springfield:domain:springfield.gov:homoglyph']);
    expect(one('domain', 'spr1ngfield.gov')).toEqual(['springfield:domain:springfield.gov:typo']);
    expect(one('domain', 'springfeild.gov')).toEqual(['springfield:domain:springfield.gov:typo']);
    expect(one('domain', 'sprngfeld.gov')).toEqual(['springfield:domain:springfield.gov:typo']);
    expect(one('domain', 'shelbyvile.gov')).toEqual(['shelbyville:domain:shelbyville.gov:typo']);
    expect(one('domain', 'springfield-payments.com')).toEqual(['springfield:domain:springfield.gov:embedded']);
    expect(one('domain', 'springfeld-payments.com')).toEqual(['springfield:domain:springfield.gov:typo']);
    expect(one('domain', 'payspringfieldtaxes.net')).toEqual(['springfield:domain:springfield.gov:embedded']);
    expect(one('domain', 'springfield.com')).toEqual(['springfield:domain:springfield.gov:same-name']);
    expect(one('email', 'billing@spr1ngfield.gov')).toEqual(['springfield:domain:springfield.gov:typo']);
    expect(one('domain', 'spfld-tax.com')).toEqual(['springfield:lookalike:spfld-*.com:pattern']);
    expect(one('domain', 'www.spfld-tax.com')).toEqual([]);
  });

  it('does not call unrelated names, short labels or the members’ own names lookalikes', () => {
    for (const host of ['example.com', 'spring.com', 'fieldwork.org', 'shelby.gov', 'springfield.gov', 'www.shelbyville.gov']) {
      expect(one('domain', host).filter((h) => !h.endsWith(':exact') && !h.endsWith(':sub-domain')), host).toEqual([]);
    }
    const short = new WatchIndex([org('nyc', { domains: ['nyc.gov'] })]);
    expect(short.match('domain', 'nyc.com')).toEqual([]);
    expect(short.match('domain', 'nyx.gov')).toEqual([]);
    expect(short.match('domain', domainToASCII('nуc.gov')).map((h) => h.reason)).toEqual(['homoglyph']);
  });

  it('matches brands and unicode patterns, and ASN-carrying values', () => {
    const brand = new WatchIndex([org('water', { brands: ['Zürich Wasser'.toLowerCase()], lookalikePatterns: ['zürich-*'] })]);
    expect(brand.match('domain', 'zurichwasser-login.ch').map((h) => `${h.assetKind}:${h.reason}`)).toEqual(['brand:embedded']);
    expect(brand.match('domain', domainToASCII('zürich-pay.ch')).map((h) => `${h.assetKind}:${h.reason}`)).toEqual(['lookalike:pattern']);
    expect(one('asn', 'AS64500')).toEqual(['springfield:asn:64500:asn']);
    expect(one('sha256', 'a'.repeat(64))).toEqual([]);
  });

  it('globs without backtracking blow-ups, and finds URL hosts', () => {
    expect(globMatch('spfld-*.com', 'spfld-a.b.com')).toBe(true);
    expect(globMatch('spr?ngfield.*', 'spr1ngfield.net')).toBe(true);
    expect(globMatch('spr?ngfield.*', 'sprngfield.net')).toBe(false);
    const started = performance.now();
    expect(globMatch('*a*a*a*a*b', 'a'.repeat(253))).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    expect(urlHost('https://u:p@Host.Example:443/x')).toBe('host.example');
    expect(urlHost('not a url')).toBeNull();
    // Deletion hashes equal the hashes of the strings the deletions make.
    const { hashes, count } = deletionHashes('abcd', 2);
    expect(new Set(hashes.subarray(0, count))).toEqual(new Set(['abcd', 'bcd', 'acd', 'abd', 'abc', 'cd', 'bd', 'bc', 'ad', 'ac', 'ab'].map(nameHash)));
  });

  it('answers a 400-value batch against 300 organisations in milliseconds', () => {
    // Town names of 6 to 12 letters from a fixed seed, like a real region's.
    let seed = 42;
    const letter = () => 'abcdefghijklmnopqrstuvwxyz'[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % 26]!;
    const name = () => Array.from({ length: 6 + (seed % 7) }, letter).join('');
    const names = Array.from({ length: 300 }, name);
    const orgs = names.map((n, i) =>
      org(`o${i}`, { domains: [`${n}.gov`, `${n}-county.us`], emailDomains: [`mail.${n}.gov`], ipRanges: [`10.${i >> 8}.${i & 255}.0/24`, `100.64.${i & 255}.0/28`], brands: [`${n} water`], lookalikePatterns: [`${n}-*.com`] }),
    );
    const big = new WatchIndex(orgs);
    const values: Array<[string, string]> = [];
    for (let i = 0; i < 400; i++) values.push(i % 2 ? ['ipv4', `45.${i & 255}.3.${i & 127}`] : ['domain', `host${i}.phish-${i}-login.example.com`]);
    big.match('domain', 'warm.example.com');
    const started = performance.now();
    for (let round = 0; round < 10; round++) for (const [t, v] of values) big.match(t, v);
    const perBatch = (performance.now() - started) / 10;
    // ~1 ms here; the bound leaves room for a slow CI machine.
    expect(perBatch).toBeLessThan(100);
    const typo = `${names[17]!.slice(0, 3)}${names[17]!.slice(4)}.gov`;
    expect(big.match('domain', typo).map((h) => `${h.orgId}:${h.reason}`)).toEqual(['o17:typo']);
    expect(big.match('ipv4', '10.0.200.9').map((h) => h.orgId)).toEqual(['o200']);
  });
});
