// Just enough MIME for what surrounds the analysis: the header fields of a message (to find
// the addresses to keep out of storage and the ids to reply to) and the message a resident
// forwarded as an attachment. The analysis engine does the real parsing; everything here is
// bounded, so hostile input costs at most a few passes over the bytes.

export interface HeaderField {
  /** lower-case */
  name: string;
  /** unfolded, as received (bytes read as latin1) */
  value: string;
}

export interface Headers {
  fields: HeaderField[];
  /** byte offset where the body starts (the length when there is no body) */
  bodyOffset: number;
}

const maxHeaderBytes = 256 * 1024;
const maxFields = 1000;
const maxDepth = 4;
const maxParts = 200;
const fieldName = /^[!-9;-~]{1,100}$/;

/** The header section of a message; a leading mbox "From " line is skipped. */
export function readHeaders(raw: Buffer): Headers {
  const text = raw.subarray(0, Math.min(raw.length, maxHeaderBytes)).toString('latin1');
  let start = 0;
  if (text.startsWith('From ')) {
    const eol = text.indexOf('\n');
    start = eol < 0 ? text.length : eol + 1;
  }
  // A body that starts right away (no header at all) has a blank first line.
  if (text.startsWith('\n', start)) return { fields: [], bodyOffset: start + 1 };
  if (text.startsWith('\r\n', start)) return { fields: [], bodyOffset: start + 2 };
  const crlf = text.indexOf('\r\n\r\n', start);
  const lf = text.indexOf('\n\n', start);
  let end: number;
  let bodyOffset: number;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) {
    end = crlf;
    bodyOffset = crlf + 4;
  } else if (lf >= 0) {
    end = lf;
    bodyOffset = lf + 2;
  } else {
    // No blank line: all header (or not a message at all).
    end = text.length;
    bodyOffset = raw.length;
  }

  const fields: HeaderField[] = [];
  let current: HeaderField | null = null;
  for (const line of text.slice(start, end).split(/\r?\n/)) {
    if (fields.length >= maxFields) break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      if (current.value.length < 16_384) current.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!fieldName.test(name)) {
      current = null;
      continue;
    }
    current = { name: name.toLowerCase(), value: line.slice(colon + 1).trim() };
    fields.push(current);
  }
  return { fields, bodyOffset };
}

export function header(headers: Headers, name: string): string | undefined {
  return headers.fields.find((f) => f.name === name)?.value;
}

export function headerValues(headers: Headers, names: readonly string[]): string[] {
  return headers.fields.filter((f) => names.includes(f.name)).map((f) => f.value);
}

/** A header value as text: raw UTF-8 (RFC 6532) and RFC 2047 encoded words decoded. */
export function decodeHeaderText(value: string): string {
  const bytes = Buffer.from(value, 'latin1');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = value;
  }
  return decodeWords(text);
}

const encodedWord = /=\?([^?\s]{1,40})\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047: `=?utf-8?B?…?=` and `=?iso-8859-1?Q?…?=`; whitespace between adjacent words is dropped. */
export function decodeWords(text: string): string {
  const joined = text.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(encodedWord, (_m, charset: string, enc: string, data: string) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' '));
    return decodeCharset(bytes, charset.split('*')[0]!);
  });
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function qpBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '=' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Quoted-printable body: soft line breaks removed, escapes decoded. */
export function decodeQuotedPrintable(text: string): Buffer {
  return qpBytes(text.replace(/=\r?\n/g, ''));
}

export interface ContentType {
  type: string;
  params: Record<string, string>;
}

export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { type: 'text/plain', params: {} };
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  if (semi >= 0) {
    const re = /;\s*([^=\s;]{1,80})\s*=\s*("(?:[^"\\]|\\.){0,1000}"|[^;]{0,1000})/g;
    for (const m of value.slice(semi).matchAll(re)) {
      const raw = m[2]!.trim();
      params[m[1]!.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    }
  }
  return { type, params };
}

const addrSpec = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+/gi;

/** Addresses and display names in address header values (To, Cc, From…), lower-cased addresses. */
export function parseAddresses(values: readonly string[]): { addresses: string[]; names: string[] } {
  const addresses = new Set<string>();
  const names = new Set<string>();
  for (const raw of values) {
    const value = decodeHeaderText(raw).slice(0, 16_384);
    for (const m of value.matchAll(addrSpec)) addresses.add(m[0].toLowerCase().replace(/\.+$/, ''));
    for (const m of value.matchAll(/(?:^|[,;:])\s*(?:"((?:[^"\\]|\\.){1,200})"|([^,;:<>"]{1,200}?))\s*<[^<>]{1,400}>/g)) {
      const name = (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim();
      if (name) names.add(name);
    }
  }
  return { addresses: [...addresses], names: [...names] };
}

/** `<id@host>` or null: message ids we repeat in a reply must be one token in angle brackets. */
export function messageId(value: string | undefined): string | null {
  const m = value ? /<[^<>\s]{1,500}>/.exec(value) : null;
  return m ? m[0] : null;
}

export function messageIds(value: string | undefined, limit = 20): string[] {
  if (!value) return [];
  return [...value.matchAll(/<[^<>\s]{1,500}>/g)].map((m) => m[0]).slice(-limit);
}

/**
 * The message inside a forward-as-attachment (a message/rfc822 part, an attached .eml or an
 * Outlook .msg), decoded; null when the message carries none. The first one found wins.
 */
export function findAttachedMessage(raw: Buffer): Buffer | null {
  const budget = { parts: maxParts };
  return searchEntity(raw, 0, budget);
}

function searchEntity(entity: Buffer, depth: number, budget: { parts: number }): Buffer | null {
  const headers = readHeaders(entity);
  const ct = parseContentType(header(headers, 'content-type'));
  if (!ct.type.startsWith('multipart/') || depth >= maxDepth) return null;
  const boundary = ct.params.boundary;
  if (!boundary || boundary.length > 200) return null;
  for (const part of splitMultipart(entity.subarray(headers.bodyOffset), boundary)) {
    if (--budget.parts < 0) return null;
    const ph = readHeaders(part);
    const pct = parseContentType(header(ph, 'content-type'));
    const disposition = parseContentType(header(ph, 'content-disposition'));
    const filename = (disposition.params.filename ?? pct.params.name ?? '').toLowerCase();
    const isMessage =
      pct.type === 'message/rfc822' ||
      pct.type === 'message/global' ||
      pct.type === 'application/vnd.ms-outlook' ||
      (/\.(eml|msg)$/.test(filename) && (pct.type === 'application/octet-stream' || pct.type.startsWith('text/') || pct.type === 'message/partial'));
    if (isMessage) {
      const decoded = decodeBody(part.subarray(ph.bodyOffset), header(ph, 'content-transfer-encoding'));
      if (decoded.length > 0) return decoded;
      continue;
    }
    if (pct.type.startsWith('multipart/')) {
      const inner = searchEntity(part, depth + 1, budget);
      if (inner) return inner;
    }
  }
  return null;
}

/** The body parts between `--boundary` lines (the preamble and epilogue left out). */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let pos = text.startsWith(delimiter) ? 0 : text.indexOf(`\n${delimiter}`);
  if (pos < 0) return parts;
  if (pos > 0) pos += 1;
  while (pos >= 0 && parts.length < maxParts) {
    const after = pos + delimiter.length;
    if (text.startsWith('--', after)) break;
    const eol = text.indexOf('\n', after);
    if (eol < 0) break;
    const next = text.indexOf(`\n${delimiter}`, eol);
    const end = next < 0 ? text.length : next > 0 && text[next - 1] === '\r' ? next - 1 : next;
    parts.push(body.subarray(eol + 1, Math.max(eol + 1, end)));
    pos = next < 0 ? -1 : next + 1;
  }
  return parts;
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '7bit').trim().toLowerCase();
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body.toString('latin1'));
  return body;
}

/** RFC 3834: do not answer automatic mail (bounces, auto-replies, lists), or mail loops. */
export function isAutomatic(headers: Headers): boolean {
  const auto = header(headers, 'auto-submitted');
  if (auto && auto.trim().toLowerCase() !== 'no') return true;
  const precedence = header(headers, 'precedence')?.trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return true;
  if (header(headers, 'list-id') || header(headers, 'list-unsubscribe')) return true;
  return parseContentType(header(headers, 'content-type')).params['report-type'] === 'delivery-status';
}
