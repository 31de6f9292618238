// Builders of the cyber-observables the hub emits. Values are normalised first (lower-case
// domains, canonical IPs, RFC 5952 IPv6, lower-case hex hashes), so the same observable gets
// the same deterministic UUIDv5 id wherever it was seen.
import { bad, checked, compact, idList, idOf, integerIn, optionalText, stringList } from './build-common.js';
import { newStixId, stixTimestamp } from './ids.js';
import { deterministicScoId } from './kinds.js';
import { normaliseHostname, normaliseObservable, normaliseUrl } from './observables.js';
import type {
  Hashes,
  MimePart,
  StixAutonomousSystem,
  StixDomainName,
  StixEmailAddr,
  StixEmailMessage,
  StixFile,
  StixId,
  StixIpv4Addr,
  StixIpv6Addr,
  StixMacAddr,
  StixNetworkTraffic,
  StixUrl,
} from './types.js';
import { hashAlgorithmOv } from './vocab.js';

export interface ScoOptions {
  /** marking-definition ids */
  markings?: readonly string[];
}

/** Put type, spec_version and the deterministic id first; the rest as built. */
function sco<T extends { type: string }>(props: Omit<T, 'id' | 'spec_version'>, options: ScoOptions = {}): T {
  const { type, ...rest } = compact(props as Record<string, unknown>) as { type: string };
  const body = { ...rest, object_marking_refs: idList(options.markings, 'markings', { types: ['marking-definition'] }) };
  const id = deterministicScoId({ type, ...body }) ?? newStixId(type);
  return checked(compact({ type, spec_version: '2.1', id, ...body }) as unknown as T);
}

function ipValue(value: string, family: 4 | 6): string {
  const text = value.trim();
  const v = text.includes('/') ? normaliseObservable('cidr', text) : normaliseObservable(family === 4 ? 'ipv4' : 'ipv6', text);
  if (v === null || v.includes(':') !== (family === 6)) bad(`${JSON.stringify(value.slice(0, 60))} is not an IPv${family} address or range.`, 'value');
  return v;
}

/** `198.51.100.3` or a range `198.51.100.0/24` (host bits cleared). */
export function buildIpv4Addr(value: string, options?: ScoOptions): StixIpv4Addr {
  return sco<StixIpv4Addr>({ type: 'ipv4-addr', value: ipValue(value, 4) }, options);
}

/** Written in RFC 5952 form (`2001:db8::1`); ranges allowed. */
export function buildIpv6Addr(value: string, options?: ScoOptions): StixIpv6Addr {
  return sco<StixIpv6Addr>({ type: 'ipv6-addr', value: ipValue(value, 6) }, options);
}

export function buildDomainName(value: string, options?: ScoOptions): StixDomainName {
  const v = normaliseHostname(value);
  if (v === null) bad(`${JSON.stringify(value.slice(0, 80))} is not a domain name.`, 'value');
  return sco<StixDomainName>({ type: 'domain-name', value: v }, options);
}

export function buildUrl(value: string, options?: ScoOptions): StixUrl {
  const v = normaliseUrl(value);
  if (v === null) bad(`${JSON.stringify(value.slice(0, 80))} is not a URL.`, 'value');
  return sco<StixUrl>({ type: 'url', value: v }, options);
}

export function buildEmailAddr(value: string, options: ScoOptions & { displayName?: string } = {}): StixEmailAddr {
  const v = normaliseObservable('email', value);
  if (v === null) bad(`${JSON.stringify(value.slice(0, 80))} is not an email address.`, 'value');
  return sco<StixEmailAddr>({ type: 'email-addr', value: v, display_name: optionalText(options.displayName) }, options);
}

/** Any common MAC-48 spelling (`AA-BB-…`, `aabb.ccdd.eeff`) becomes `aa:bb:cc:dd:ee:ff`. */
export function buildMacAddr(value: string, options?: ScoOptions): StixMacAddr {
  const hex = value.trim().toLowerCase();
  const digits = /^(?:[0-9a-f]{2}([:-]))(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$|^[0-9a-f]{12}$/.test(hex) ? hex.replace(/[^0-9a-f]/g, '') : '';
  if (digits.length !== 12) bad(`${JSON.stringify(value.slice(0, 40))} is not a MAC-48 address.`, 'value');
  return sco<StixMacAddr>({ type: 'mac-addr', value: digits.match(/../g)!.join(':') }, options);
}

export function buildAutonomousSystem(number: number, options: ScoOptions & { name?: string; rir?: string } = {}): StixAutonomousSystem {
  return sco<StixAutonomousSystem>(
    { type: 'autonomous-system', number: integerIn(number, 'number', 0, 4_294_967_295), name: optionalText(options.name), rir: optionalText(options.rir) },
    options,
  );
}

const hexLengths: Readonly<Record<string, number>> = { MD5: 32, 'SHA-1': 40, 'SHA-256': 64, 'SHA-512': 128, 'SHA3-256': 64, 'SHA3-512': 128 };

/** Only hash-algorithm-ov keys; hex digests checked for length and written in lower case. */
function hashesOf(input: Readonly<Record<string, string>> | undefined): Hashes | undefined {
  if (!input) return undefined;
  const out: Hashes = {};
  for (const [key, raw] of Object.entries(input)) {
    if (!(hashAlgorithmOv as readonly string[]).includes(key)) bad(`hashes: ${JSON.stringify(key.slice(0, 40))} is not one of ${hashAlgorithmOv.join(', ')}.`, 'hashes');
    const value = String(raw).trim();
    const length = hexLengths[key];
    if (length !== undefined) {
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value)) bad(`hashes.${key} must be ${length} hexadecimal digits.`, 'hashes');
      out[key] = value.toLowerCase();
    } else {
      if (!value) bad(`hashes.${key} must not be empty.`, 'hashes');
      out[key] = value;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

export interface FileInput extends ScoOptions {
  hashes?: Readonly<Record<string, string>>;
  name?: string;
  size?: number;
  mimeType?: string;
  parentDirectoryRef?: string;
  /** predefined (`windows-pebinary-ext`) or extension-definition extensions, as STIX writes them */
  extensions?: Record<string, Record<string, unknown>>;
}

/** A file by its hashes and/or name; the id follows one hash (MD5 > SHA-1 > SHA-256 > SHA-512), name, parent directory and extensions. */
export function buildFile(input: FileInput): StixFile {
  const hashes = hashesOf(input.hashes);
  const name = input.name === '' ? undefined : input.name;
  if (!hashes && !name) bad('A file needs hashes or a name.', 'hashes');
  return sco<StixFile>(
    {
      type: 'file',
      hashes,
      name,
      size: input.size === undefined ? undefined : integerIn(input.size, 'size', 0, Number.MAX_SAFE_INTEGER),
      mime_type: optionalText(input.mimeType),
      parent_directory_ref: input.parentDirectoryRef === undefined ? undefined : idOf(input.parentDirectoryRef, 'parentDirectoryRef', ['directory']),
      extensions: input.extensions,
    },
    input,
  );
}

export interface EmailMessageInput extends ScoOptions {
  /** default false; true needs bodyMultipart instead of body */
  isMultipart?: boolean;
  fromRef?: string;
  senderRef?: string;
  toRefs?: readonly string[];
  ccRefs?: readonly string[];
  bccRefs?: readonly string[];
  subject?: string;
  body?: string;
  bodyMultipart?: readonly MimePart[];
  date?: Date | string;
  messageId?: string;
  contentType?: string;
  receivedLines?: readonly string[];
  additionalHeaderFields?: Readonly<Record<string, string | string[]>>;
}

/** The id follows from_ref, subject and body; with none of them it is a UUIDv4, as the spec says. */
export function buildEmailMessage(input: EmailMessageInput): StixEmailMessage {
  const multipart = input.isMultipart ?? false;
  if (multipart && input.body !== undefined) bad('A multipart message has bodyMultipart, not body.', 'body');
  if (!multipart && input.bodyMultipart !== undefined) bad('bodyMultipart needs isMultipart.', 'bodyMultipart');
  const addr = (v: readonly string[] | undefined, field: string) => idList(v, field, { types: ['email-addr'] });
  const headers = input.additionalHeaderFields && Object.keys(input.additionalHeaderFields).length ? { ...input.additionalHeaderFields } : undefined;
  return sco<StixEmailMessage>(
    {
      type: 'email-message',
      is_multipart: multipart,
      date: input.date === undefined ? undefined : stixTimestamp(input.date),
      content_type: optionalText(input.contentType),
      from_ref: input.fromRef === undefined ? undefined : idOf(input.fromRef, 'fromRef', ['email-addr']),
      sender_ref: input.senderRef === undefined ? undefined : idOf(input.senderRef, 'senderRef', ['email-addr']),
      to_refs: addr(input.toRefs, 'toRefs'),
      cc_refs: addr(input.ccRefs, 'ccRefs'),
      bcc_refs: addr(input.bccRefs, 'bccRefs'),
      message_id: optionalText(input.messageId),
      subject: input.subject,
      received_lines: stringList(input.receivedLines),
      additional_header_fields: headers,
      body: input.body,
      body_multipart: input.bodyMultipart?.length ? input.bodyMultipart.map((p) => compact({ ...p })) : undefined,
    },
    input,
  );
}

export interface NetworkTrafficInput extends ScoOptions {
  /** e.g. ['ipv4', 'tcp', 'http']; written in lower case */
  protocols: readonly string[];
  srcRef?: string;
  dstRef?: string;
  srcPort?: number;
  dstPort?: number;
  start?: Date | string;
  end?: Date | string;
  isActive?: boolean;
  extensions?: Record<string, Record<string, unknown>>;
}

const endpointTypes = ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'];

export function buildNetworkTraffic(input: NetworkTrafficInput): StixNetworkTraffic {
  const protocols = stringList(input.protocols.map((p) => p.toLowerCase()));
  if (!protocols) bad('Network traffic needs at least one protocol.', 'protocols');
  if (input.srcRef === undefined && input.dstRef === undefined) bad('Network traffic needs srcRef or dstRef.', 'srcRef');
  const start = input.start === undefined ? undefined : stixTimestamp(input.start);
  const end = input.end === undefined ? undefined : stixTimestamp(input.end);
  if (start && end && end < start) bad('end must not be earlier than start.', 'end');
  if (input.isActive && end) bad('Active traffic has no end.', 'end');
  const ref = (v: string | undefined, field: string): StixId | undefined => (v === undefined ? undefined : idOf(v, field, endpointTypes));
  const port = (v: number | undefined, field: string) => (v === undefined ? undefined : integerIn(v, field, 0, 65535));
  return sco<StixNetworkTraffic>(
    {
      type: 'network-traffic',
      start,
      end,
      is_active: input.isActive,
      src_ref: ref(input.srcRef, 'srcRef'),
      dst_ref: ref(input.dstRef, 'dstRef'),
      src_port: port(input.srcPort, 'srcPort'),
      dst_port: port(input.dstPort, 'dstPort'),
      protocols,
      extensions: input.extensions,
    },
    input,
  );
}
