// Bytes to text whatever the declared charset: the WHATWG decoders first, iconv-lite for what
// they lack (utf-7, odd code pages), and a graceful guess for bogus labels ("u", "=utf-8").
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';

const decoders = new Map<string, TextDecoder | null>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');
// Node 20's TextDecoder treats windows-1252 as latin1 (0x80 comes out as U+0080, not €), so
// that family goes through iconv-lite; ISO-8859-1 mail is windows-1252 in practice (WHATWG).
const windows1252Labels = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso88591', 'iso_8859-1', 'latin1', 'l1', 'cp819', 'ibm819', 'iso-ir-100', 'csisolatin1']);
// Latin1 decoding (a native fast path) with 0x80-0x9F mapped to what windows-1252 puts there.
const cp1252High = iconv.decode(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i)), 'win1252');
const windows1252 = {
  decode: (bytes: Uint8Array): string =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('latin1')
      .replace(/[\x80-\x9f]/g, (c) => cp1252High[c.charCodeAt(0) - 0x80]!),
};

function whatwgDecoder(label: string): TextDecoder | null {
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = null;
    }
    // Labels come from mail: only remember ones that exist, so the map cannot grow without bound.
    if (d || decoders.size < 200) decoders.set(label, d);
  }
  return d;
}

/** A declared label in a form the decoders know: lower case, quotes and stray `=` removed. */
export function cleanCharsetLabel(label: string | undefined | null): string {
  return (label ?? '')
    .trim()
    .toLowerCase()
    .replace(/^[="'\s]+|["'\s;]+$/g, '')
    .slice(0, 40);
}

/** UTF-8 when the bytes are valid UTF-8, else windows-1252 (the usual truth behind a bad label). */
function guess(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/**
 * UTF-7 (RFC 2152): ASCII as is, "+…-" runs are modified base64 of UTF-16BE, "+-" is "+".
 * Written here because iconv-lite's decoder took ~14 ms for a 30 KB HTML body.
 */
export function decodeUtf7(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return text.replace(/\+([A-Za-z0-9+/]*)-?/g, (_, b64: string) => {
    if (b64 === '') return '+';
    const units = Buffer.from(b64, 'base64');
    let out = '';
    for (let i = 0; i + 1 < units.length; i += 2) out += String.fromCharCode((units[i]! << 8) | units[i + 1]!);
    return out;
  });
}

/** Text of `bytes` in `charset`; never throws. Unknown or missing labels are guessed. */
export function decodeBytes(bytes: Uint8Array, charset?: string | null): string {
  const label = cleanCharsetLabel(charset);
  if (!label) return guess(bytes);
  if (label === 'utf-8' || label === 'utf8') return lenientUtf8.decode(bytes);
  if (label === 'us-ascii' || label === 'ascii') return guess(bytes); // 8-bit bytes under an ascii label are usually UTF-8
  if (/^(?:x-|cs)?(?:unicode-1-1-)?utf-?7(?:-imap)?$/.test(label)) return decodeUtf7(bytes);
  if (windows1252Labels.has(label)) return windows1252.decode(bytes);
  const d = whatwgDecoder(label);
  if (d) return d.decode(bytes);
  const compact = label.replace(/^(?:x-|cs)/, '');
  if (iconv.encodingExists(compact)) return iconv.decode(Buffer.from(bytes), compact);
  const alias = /^(?:cp|windows|ms|ibm)-?(\d{3,5})$/.exec(compact);
  if (alias && iconv.encodingExists(`cp${alias[1]}`)) return iconv.decode(Buffer.from(bytes), `cp${alias[1]}`);
  return guess(bytes);
}

function decodeQEncoded(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(out);
}

const encodedWord = /=\?([^?\s]{1,60})\?([bqBQ])\?([^?\s]*)\?=/g;

/**
 * RFC 2047 encoded words decoded (`=?UTF-8?B?…?=`). Adjacent words of one charset are joined
 * before decoding, so a character split across two words still comes out whole; the blank
 * between encoded words is dropped as the RFC says.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const out: string[] = [];
  let last = 0;
  let pending: { charset: string; bytes: Uint8Array[] } | null = null;
  const flush = (): void => {
    if (!pending) return;
    out.push(decodeBytes(Buffer.concat(pending.bytes), pending.charset.replace(/\*.*$/, '')));
    pending = null;
  };
  for (const m of value.matchAll(encodedWord)) {
    const between = value.slice(last, m.index);
    const [, charset = '', enc = '', payload = ''] = m;
    const bytes = enc.toLowerCase() === 'b' ? Buffer.from(payload, 'base64') : decodeQEncoded(payload);
    if (pending && /^\s*$/.test(between) && (pending as { charset: string }).charset.toLowerCase() === charset.toLowerCase()) {
      (pending as { bytes: Uint8Array[] }).bytes.push(bytes);
    } else {
      flush();
      if (!(out.length > 0 && /^\s+$/.test(between) && last > 0)) out.push(between);
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  out.push(value.slice(last));
  return out.join('');
}
