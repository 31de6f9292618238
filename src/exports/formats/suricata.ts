// Suricata rules (and an IP reputation list) for the hub's values: addresses as IP-only rules,
// domains on the DNS query and the TLS SNI, URLs on the HTTP host and URI. Every quoted
// string is escaped so no title or value can end an option or the rule early; sids come from
// the observable id, so a value keeps its sid across exports and suricata-update sees updates.
import { isCanonicalIpv4, parseCidr, parseIp } from '../../stix/ip.js';
import { indicatorTypeLabels, type IndicatorType } from '../../stix/observables.js';
import { isListableDomain } from './edl.js';
import { confidenceOf, firstTitle, isCanonical, plainText, safeHubUrl, tlpLabel } from './text.js';
import type { ExportContext, ExportItem, FormatWriter } from './types.js';
import { pathAndQuery, splitUrl } from './url-parts.js';

/** A domain gives two rules (DNS and TLS); every value owns this many consecutive sids. */
export const sidsPerValue = 2;
/** Suricata reads rules into a buffer of 8192 bytes (DETECT_MAX_RULE_SIZE); keep clear of it. */
export const maxRuleBytes = 8000;
const maxSid = 0xffffffff;

function sidRangeValid({ sidBase, sidRange }: ExportContext): boolean {
  return Number.isSafeInteger(sidBase) && Number.isSafeInteger(sidRange) && sidBase >= 1 && sidRange >= sidsPerValue && sidBase + sidRange - 1 <= maxSid;
}

function checkSidRange(ctx: ExportContext): void {
  const { sidBase, sidRange } = ctx;
  if (!sidRangeValid(ctx)) {
    throw new Error(`Suricata sids: base ${sidBase} and range ${sidRange} must be whole numbers with base ≥ 1, range ≥ ${sidsPerValue} and base + range − 1 ≤ ${maxSid}`);
  }
}

/**
 * The sid of a value's `k`-th rule: sidBase + sidsPerValue × (id mod ⌊sidRange / sidsPerValue⌋) + k.
 * Stable for the life of the value; two ids that are equal modulo the slot count share sids.
 */
export function suricataSid(ctx: ExportContext, id: number, k = 0): number {
  const slots = Math.floor(ctx.sidRange / sidsPerValue);
  return ctx.sidBase + sidsPerValue * (((id % slots) + slots) % slots) + k;
}

// Sid slots already given out in one export run (one bit a slot, so memory is bounded by the
// range, not by the number of values). Items arrive in id order: the lower id keeps the sid and
// the later one is skipped and counted, because Suricata refuses a rule whose sid it has seen.
const claimed = new WeakMap<ExportContext, Uint8Array>();

function slotsOf(ctx: ExportContext): Uint8Array {
  let bits = claimed.get(ctx);
  if (!bits) {
    bits = new Uint8Array(Math.ceil(Math.floor(ctx.sidRange / sidsPerValue) / 8));
    claimed.set(ctx, bits);
  }
  return bits;
}

function claimSlot(ctx: ExportContext, id: number): boolean {
  const slot = (suricataSid(ctx, id) - ctx.sidBase) / sidsPerValue;
  const bits = slotsOf(ctx);
  const mask = 1 << (slot & 7);
  if (bits[slot >> 3]! & mask) return false;
  bits[slot >> 3]! |= mask;
  return true;
}

/** msg and other quoted text: `\`, `"` and `;` escaped with a backslash (Suricata rules format). */
export function escapeQuoted(s: string): string {
  return s.replace(/[\\";]/g, (c) => `\\${c}`);
}

/**
 * A content string: printable ASCII as itself, everything else — `"`, `;`, `\`, `|`, `:`,
 * controls, non-ASCII (as its UTF-8 bytes) — as `|hex|` groups, the form both Suricata and
 * Snort read the same way.
 */
export function contentString(s: string): string {
  let out = '';
  let hex: string[] = [];
  const flush = () => {
    if (hex.length) out += `|${hex.join(' ')}|`;
    hex = [];
  };
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (byte >= 0x20 && byte < 0x7f && !'";\\|:'.includes(c)) {
      flush();
      out += c;
    } else hex.push(byte.toString(16).padStart(2, '0'));
  }
  flush();
  return out;
}

function ipOnly(value: string): string | null {
  if (isCanonicalIpv4(value)) return value;
  if (value.includes('/')) {
    const net = parseCidr(value);
    return net && net.prefix > 0 ? value : null;
  }
  return parseIp(value) ? value : null;
}

// msg texts already made in one export run: a feed's million values share a handful of them.
const msgs = new WeakMap<ExportContext, Map<string, string>>();
const msgCacheMax = 10_000;

function msgOf(item: ExportItem, ctx: ExportContext): string {
  let cache = msgs.get(ctx);
  if (!cache) msgs.set(ctx, (cache = new Map()));
  const key = `${item.tlp}\u0000${item.type}\u0000${item.sources[0]?.title ?? ''}`;
  let msg = cache.get(key);
  if (msg === undefined) {
    const title = firstTitle(item, 120);
    msg = escapeQuoted(plainText(`${ctx.hubName} ${tlpLabel(item.tlp)} ${indicatorTypeLabels[item.type]}${title ? ` - ${title}` : ''}`, 200));
    if (cache.size >= msgCacheMax) cache.clear();
    cache.set(key, msg);
  }
  return msg;
}

interface RuleSpec {
  header: string;
  /** options between msg and the meta options, each without its closing `;` */
  match: string[];
}

function rulesFor(item: ExportItem): RuleSpec[] | null {
  switch (item.type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr': {
      const dst = ipOnly(item.value);
      return dst ? [{ header: `alert ip $HOME_NET any -> ${dst} any`, match: [] }] : null;
    }
    case 'domain': {
      if (!isListableDomain(item.value)) return null;
      // dotprefix + endswith: the domain and its subdomains, never notevil.com for evil.com.
      const name = `dotprefix; content:"${contentString(`.${item.value}`)}"; nocase; endswith`;
      return [
        { header: 'alert dns $HOME_NET any -> any any', match: [`dns.query; ${name}`] },
        { header: 'alert tls $HOME_NET any -> any any', match: ['flow:established,to_server', `tls.sni; ${name}`] },
      ];
    }
    case 'url': {
      const parts = splitUrl(item.value);
      if (!parts || !['http', 'https'].includes(parts.scheme)) return null;
      const match = ['flow:established,to_server'];
      let dst = 'any';
      if (parts.host.startsWith('[')) dst = parts.host.slice(1, -1);
      else if (parseIp(parts.host)) dst = parts.host;
      // http.host is lower-case and without the port in Suricata's normalised buffer.
      else match.push(`http.host; content:"${contentString(parts.host)}"; startswith; endswith`);
      const uri = pathAndQuery(parts);
      // The site's root means the whole site; otherwise the request must start with the path.
      if (uri !== '/') match.push(`http.uri; content:"${contentString(uri)}"; startswith`);
      return [{ header: `alert http $HOME_NET any -> ${dst} any`, match }];
    }
    default:
      // Hashes need file extraction lists (filemd5/filesha256: use edl-hash), e-mail and CVEs no network rule.
      return null;
  }
}

const types: readonly IndicatorType[] = ['ipv4', 'ipv6', 'cidr', 'domain', 'url'];

export const suricata: FormatWriter = {
  id: 'suricata',
  label: 'Suricata rules',
  contentType: 'text/plain; charset=utf-8',
  fileExtension: 'rules',
  types,
  supports: (type) => types.includes(type),
  header(ctx) {
    checkSidRange(ctx);
    claimed.delete(ctx); // a new run: every slot is free again
    const slots = Math.floor(ctx.sidRange / sidsPerValue);
    return [
      `# ${plainText(ctx.hubName, 100)}: ${plainText(ctx.exportName, 100)} (Suricata rules)`,
      `# Generated ${plainText(ctx.generatedAt, 40)} from ${plainText(ctx.hubUrl, 200)}`,
      `# sid = ${ctx.sidBase} + ${sidsPerValue} x (observable id mod ${slots}) + rule number; a value keeps its sids across exports`,
      '',
    ].join('\n');
  },
  line(item, ctx) {
    // header() has refused a bad sid range already; a caller that skipped it gets no rules.
    if (!sidRangeValid(ctx) || !types.includes(item.type) || !Number.isSafeInteger(item.id) || item.id < 0 || !isCanonical(item)) return null;
    const specs = rulesFor(item);
    if (!specs || specs.length > sidsPerValue) return null;
    const msg = msgOf(item, ctx);
    const hubPage = safeHubUrl(item.url);
    const meta = [
      ...(hubPage ? [`reference:url,${hubPage.replace(/^https?:\/\//, '')}`] : []),
      'classtype:trojan-activity',
      `metadata:tlp ${item.tlp}, confidence ${confidenceOf(item)}, tocsin_id ${Math.trunc(item.id)}`,
    ];
    const lines = specs.map((r, k) => `${r.header} (${[`msg:"${msg}"`, ...r.match, ...meta, `sid:${suricataSid(ctx, item.id, k)}`, 'rev:1'].join('; ')};)`);
    if (lines.some((l) => Buffer.byteLength(l, 'utf8') > maxRuleBytes || /[\r\n]/.test(l))) return null;
    if (!claimSlot(ctx, item.id)) return null;
    return lines.map((l) => `${l}\n`).join('');
  },
  footer: () => '',
};

export const suricataIprep: FormatWriter = {
  id: 'suricata-iprep',
  label: 'Suricata IP reputation list',
  contentType: 'text/plain; charset=utf-8',
  fileExtension: 'list',
  types: ['ipv4', 'ipv6', 'cidr'],
  supports: (type) => type === 'ipv4' || type === 'ipv6' || type === 'cidr',
  // The reputation file is bare CSV: no header, no comments.
  header: () => '',
  line(item, ctx) {
    if (!['ipv4', 'ipv6', 'cidr'].includes(item.type) || !isCanonical(item)) return null;
    const ip = ipOnly(item.value);
    const category = ctx.iprepCategory ?? 1;
    if (!ip || !Number.isInteger(category) || category < 1 || category > 60) return null;
    // Scores run 1–127 (0 means "no data").
    const score = Math.max(1, Math.round((confidenceOf(item) * 127) / 100));
    return `${ip},${category},${score}\n`;
  },
  footer: () => '',
};
