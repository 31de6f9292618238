// Suricata rules read back the way Suricata reads them: the header, then options split on every
// `;` that no backslash escapes (quotes do not protect it), msg and content strings checked
// against the escaping rules, contents decoded back to the bytes they match; sids stable and
// unique. Plus the IP reputation list against its CSV grammar.
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp } from '../../stix/ip.js';
import { contentString, escapeQuoted, maxRuleBytes, suricata, suricataIprep, suricataSid } from './suricata.js';
import { hostileCtx, hostileItems, makeItem, representativeItems, testCtx } from '../../test/export-items.js';
import type { ExportContext, ExportItem } from './types.js';

interface ParsedRule {
  proto: string;
  src: string;
  dst: string;
  options: Array<{ key: string; value: string | null }>;
}

const knownKeywords = new Set(['msg', 'reference', 'classtype', 'sid', 'rev', 'metadata', 'flow', 'content', 'nocase', 'endswith', 'startswith', 'dotprefix', 'dns.query', 'tls.sni', 'http.host', 'http.uri']);
const msgGrammar = /^"(?:[^"\\;]|\\[\\";])*"$/;
const contentGrammar = /^"(?:[^"\\|;:]|\|[0-9a-f]{2}(?: [0-9a-f]{2})*\|)*"$/;

function parseRule(line: string): ParsedRule {
  const m = /^alert (ip|dns|tls|http) (\S+) any -> (\S+) any \((.*)\)$/.exec(line);
  expect(m, `rule header: ${line.slice(0, 200)}`).not.toBeNull();
  const [, proto = '', src = '', dst = '', body = ''] = m!;
  const options: ParsedRule['options'] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      current += c + (body[i + 1] ?? '');
      i++;
    } else if (c === ';') {
      const opt = current.trim();
      const colon = opt.indexOf(':');
      options.push(colon < 0 ? { key: opt, value: null } : { key: opt.slice(0, colon), value: opt.slice(colon + 1) });
      current = '';
    } else current += c;
  }
  expect(current.trim(), 'text after the last option').toBe('');
  for (const o of options) {
    expect(knownKeywords.has(o.key), `keyword ${o.key} in ${line.slice(0, 200)}`).toBe(true);
    if (o.key === 'msg') expect(o.value).toMatch(msgGrammar);
    if (o.key === 'content') expect(o.value).toMatch(contentGrammar);
  }
  return { proto, src, dst, options };
}

/** The bytes a content string matches. */
function decodeContent(quoted: string): Buffer {
  const parts: Buffer[] = [];
  const s = quoted.slice(1, -1);
  for (const m of s.matchAll(/\|([0-9a-f ]+)\||([^|]+)/g)) parts.push(m[1] ? Buffer.from(m[1].replace(/ /g, ''), 'hex') : Buffer.from(m[2]!, 'latin1'));
  return Buffer.concat(parts);
}

function rulesOf(text: string): ParsedRule[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map(parseRule);
}

function render(items: ExportItem[], ctx: ExportContext = { ...testCtx }): string {
  return suricata.header(ctx) + items.map((i) => suricata.line(i, ctx) ?? '').join('') + suricata.footer(ctx);
}

function option(rule: ParsedRule, key: string): string[] {
  return rule.options.filter((o) => o.key === key).map((o) => o.value ?? '');
}

describe('suricata rules', () => {
  it('writes addresses as IP-only rules towards the listed address', () => {
    const ctx = { ...testCtx };
    suricata.header(ctx);
    const [rule] = rulesOf(suricata.line(representativeItems[0]!, ctx)!);
    expect(rule!.proto).toBe('ip');
    expect(rule!.src).toBe('$HOME_NET');
    expect(rule!.dst).toBe('198.51.100.23');
    expect(option(rule!, 'msg')).toEqual(['"hub.example TLP:AMBER IP address - Phishing wave against council tax payers"']);
    expect(option(rule!, 'reference')).toEqual(['url,hub.example/intel/1']);
    expect(option(rule!, 'classtype')).toEqual(['trojan-activity']);
    expect(option(rule!, 'sid')).toEqual([String(9_000_000 + 2)]);
    expect(option(rule!, 'rev')).toEqual(['1']);
    expect(option(rule!, 'metadata')).toEqual(['tlp amber, confidence 80, tocsin_id 1']);
    const v6 = rulesOf(suricata.line(makeItem('cidr', '2001:db8:abcd::/48', { id: 77 }), ctx)!);
    expect(v6[0]!.dst).toBe('2001:db8:abcd::/48');
  });

  it('writes a domain as a DNS query and a TLS SNI rule that match it and its subdomains only', () => {
    const ctx = { ...testCtx };
    suricata.header(ctx);
    const rules = rulesOf(suricata.line(makeItem('domain', 'evil.example', { id: 7 }), ctx)!);
    expect(rules.map((r) => r.proto)).toEqual(['dns', 'tls']);
    expect(rules.map((r) => option(r, 'sid')[0])).toEqual(['9000014', '9000015']);
    for (const r of rules) {
      const keys = r.options.map((o) => o.key);
      // The sticky buffer, the transform, then the content and its modifiers.
      const at = keys.indexOf('content');
      expect(keys.slice(at - 2, at + 3)).toEqual([r.proto === 'dns' ? 'dns.query' : 'tls.sni', 'dotprefix', 'content', 'nocase', 'endswith']);
      expect(decodeContent(option(r, 'content')[0]!).toString()).toBe('.evil.example');
    }
    expect(option(rules[1]!, 'flow')).toEqual(['established,to_server']);
  });

  it('writes a URL as HTTP host and URI matches, or an address rule when the host is an address', () => {
    const ctx = { ...testCtx };
    suricata.header(ctx);
    const [r] = rulesOf(suricata.line(representativeItems.find((i) => i.id === 10)!, ctx)!);
    const contents = option(r!, 'content').map((c) => decodeContent(c).toString());
    expect(contents).toEqual(['evil.example', '/login.php?user=a&next=%2Fhome']);
    expect(r!.options.map((o) => o.key)).toEqual(['msg', 'flow', 'http.host', 'content', 'startswith', 'endswith', 'http.uri', 'content', 'startswith', 'reference', 'classtype', 'metadata', 'sid', 'rev']);
    const [byAddress] = rulesOf(suricata.line(representativeItems.find((i) => i.id === 13)!, ctx)!);
    expect(byAddress!.dst).toBe('2001:db8::5');
    expect(option(byAddress!, 'http.host')).toEqual([]);
    // The site's root: every page of the host.
    const [root] = rulesOf(suricata.line(representativeItems.find((i) => i.id === 14)!, ctx)!);
    expect(option(root!, 'content').map((c) => decodeContent(c).toString())).toEqual(['cdn.example']);
  });

  it('skips what no network rule can match: hashes, e-mail addresses, CVEs, other schemes, /0', () => {
    const ctx = { ...testCtx };
    for (const item of [makeItem('md5', 'd41d8cd98f00b204e9800998ecf8427e'), makeItem('email', 'a@evil.example'), makeItem('cve', 'CVE-2024-3400'), makeItem('url', 'ftp://x.example/a'), makeItem('cidr', '0.0.0.0/0')]) {
      expect(suricata.line(item, ctx)).toBeNull();
    }
  });

  it('keeps sids stable per observable, inside the range, and skips a value whose sid another already has', () => {
    const ctx: ExportContext = { ...testCtx, sidBase: 2_000_000, sidRange: 10 };
    expect(suricataSid(ctx, 3)).toBe(2_000_006);
    expect(suricataSid(ctx, 8, 1)).toBe(2_000_007);
    suricata.header(ctx);
    expect(suricata.line(makeItem('ipv4', '198.51.100.1', { id: 3 }), ctx)).toContain('sid:2000006;');
    // 8 ≡ 3 (mod 5): the slot is taken; the lower id keeps it.
    expect(suricata.line(makeItem('ipv4', '198.51.100.2', { id: 8 }), ctx)).toBeNull();
    // A new run starts with every slot free.
    suricata.header(ctx);
    expect(suricata.line(makeItem('ipv4', '198.51.100.2', { id: 8 }), ctx)).toContain('sid:2000006;');
    expect(() => suricata.header({ ...testCtx, sidBase: 4_294_967_000, sidRange: 1_000 })).toThrow(/sids/);
  });

  it('escapes msg text and hex-encodes every special byte of a content', () => {
    expect(escapeQuoted('a"b;c\\d')).toBe('a\\"b\\;c\\\\d');
    expect(contentString('a"b;c\\d|e:f g\u00fc')).toBe('a|22|b|3b|c|5c|d|7c|e|3a|f g|c3 bc|');
    expect(decodeContent(`"${contentString('/x";|\\:ü🚨')}"`).toString()).toBe('/x";|\\:ü🚨');
  });

  it('keeps every rule valid and every sid unique, whatever the values, titles and names', () => {
    for (const ctx of [{ ...testCtx }, { ...hostileCtx }]) {
      const items = hostileItems();
      const text = render(items, ctx);
      expect(text.includes('\r')).toBe(false);
      const lines = text.split('\n').slice(0, -1);
      for (const l of lines) {
        if (l.startsWith('#') || l === '') continue;
        expect(Buffer.byteLength(l)).toBeLessThanOrEqual(maxRuleBytes);
        expect(l).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
      }
      // Comments stay comments: nothing in a name or title started a line of its own.
      expect(lines.filter((l) => !l.startsWith('#') && l !== '').every((l) => l.startsWith('alert '))).toBe(true);
      const rules = rulesOf(text);
      expect(rules.length).toBeGreaterThan(100);
      const sids = rules.map((r) => Number(option(r, 'sid')[0]));
      expect(new Set(sids).size).toBe(sids.length);
      for (const sid of sids) expect(sid >= ctx.sidBase && sid < ctx.sidBase + ctx.sidRange).toBe(true);
      for (const r of rules) {
        if (r.proto === 'ip') expect(r.dst.includes('/') ? parseCidr(r.dst) : parseIp(r.dst)).not.toBeNull();
      }
      // The URL full of special characters is matched byte for byte.
      const special = 'http://evil.example/a"b;c|d\\e\'f<g>h(i)j{k}l`m^n*o:p,q$r';
      const hit = rules.find((r) => option(r, 'content').some((c) => decodeContent(c).toString() === special.slice('http://evil.example'.length)));
      expect(hit).toBeDefined();
    }
  });
});

describe('suricata IP reputation list', () => {
  it('writes ip,category,score with scores from 1 to 127', () => {
    const text = representativeItems.map((i) => suricataIprep.line(i, testCtx) ?? '').join('');
    const lines = text.split('\n').slice(0, -1);
    expect(lines[0]).toBe('198.51.100.23,1,102');
    for (const l of lines) {
      const [ip = '', cat, score] = l.split(',');
      expect(ip.includes('/') ? parseCidr(ip) : parseIp(ip)).not.toBeNull();
      expect(cat).toBe('1');
      expect(Number(score)).toBeGreaterThanOrEqual(1);
      expect(Number(score)).toBeLessThanOrEqual(127);
    }
    expect(suricataIprep.line(makeItem('ipv4', '198.51.100.9', { confidence: 0 }), { ...testCtx, iprepCategory: 7 })).toBe('198.51.100.9,7,1\n');
    expect(suricataIprep.line(makeItem('ipv4', '198.51.100.9'), { ...testCtx, iprepCategory: 61 })).toBeNull();
    expect(suricataIprep.header(testCtx)).toBe('');
    const hostile = hostileItems().map((i) => suricataIprep.line(i, testCtx) ?? '').join('');
    for (const l of hostile.split('\n').slice(0, -1)) expect(l).toMatch(/^[0-9a-f.:/]+,1,\d{1,3}$/);
  });
});
