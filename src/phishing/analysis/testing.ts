// Builders for the analysis tests: small synthetic emails, ZIP files and Outlook .msg files
// made in the test itself, so each test shows exactly what it feeds the engine.
import { crc32, deflateRawSync } from 'node:zlib';

export interface MailPart {
  type: string;
  body: string | Buffer;
  name?: string;
  charset?: string;
  encoding?: 'base64' | 'quoted-printable' | '7bit' | '8bit';
  disposition?: 'attachment' | 'inline';
}

export interface MailSpec {
  from?: string;
  to?: string;
  replyTo?: string;
  returnPath?: string;
  subject?: string;
  headers?: string[];
  /** a single text body, or parts of a multipart/mixed */
  text?: string;
  html?: string;
  parts?: MailPart[];
}

/** `key="value"`, or RFC 2231 `key*=utf-8''…` when the value is not ASCII. */
function param(key: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(value) ? `${key}="${value}"` : `${key}*=utf-8''${encodeURIComponent(value)}`;
}

/** One part as a latin1 string (headers are ASCII; the body is bytes). */
function encodePart(p: MailPart): string {
  const enc = p.encoding ?? (Buffer.isBuffer(p.body) ? 'base64' : '8bit');
  const head = [`Content-Type: ${p.type}${p.charset ? `; charset="${p.charset}"` : ''}${p.name ? `; ${param('name', p.name)}` : ''}`, `Content-Transfer-Encoding: ${enc}`];
  if (p.disposition || p.name) head.push(`Content-Disposition: ${p.disposition ?? 'attachment'}${p.name ? `; ${param('filename', p.name)}` : ''}`);
  const bytes = Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body, 'utf8');
  const body = enc === 'base64' ? bytes.toString('base64').replace(/.{76}/g, '$&\r\n') : bytes.toString('latin1');
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/** An RFC 822 message as bytes; defaults make an ordinary text mail between two people. */
export function buildMail(spec: MailSpec): Buffer {
  const head = [
    'Received: from mail.sender.example (mail.sender.example [198.51.100.20]) by mx.receiver.example; Mon, 2 Nov 2026 09:00:00 +0000',
    `From: ${spec.from ?? 'Alex Sender <alex@sender.example>'}`,
    `To: ${spec.to ?? 'Sam Receiver <sam@receiver.example>'}`,
    `Subject: ${spec.subject ?? 'Lunch on Friday'}`,
    'Date: Mon, 2 Nov 2026 09:00:00 +0000',
    'Message-ID: <test-1@sender.example>',
    'MIME-Version: 1.0',
  ];
  if (spec.replyTo) head.push(`Reply-To: ${spec.replyTo}`);
  if (spec.returnPath) head.push(`Return-Path: ${spec.returnPath}`);
  head.push(...(spec.headers ?? []));
  const parts: MailPart[] = [...(spec.parts ?? [])];
  if (spec.html !== undefined) parts.unshift({ type: 'text/html', body: spec.html, charset: 'utf-8' });
  if (spec.text !== undefined || parts.length === 0) parts.unshift({ type: 'text/plain', body: spec.text ?? 'See you at noon.', charset: 'utf-8' });
  // Header lines may hold raw UTF-8 (as many mailers send it); bodies are bytes.
  const top = Buffer.from(`${head.join('\r\n')}\r\n`, 'utf8');
  if (parts.length === 1) return Buffer.concat([top, Buffer.from(`${encodePart(parts[0]!)}\r\n`, 'latin1')]);
  const boundary = '==boundary-test==';
  const body = parts.map((p) => `--${boundary}\r\n${encodePart(p)}\r\n`).join('');
  return Buffer.concat([top, Buffer.from(`Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${body}--${boundary}--\r\n`, 'latin1')]);
}

export interface ZipSpecEntry {
  name: string;
  data?: Buffer | string;
  encrypted?: boolean;
  /** declared sizes that differ from the data (for bomb tests) */
  declaredSize?: number;
}

/** A ZIP archive with deflated entries and a central directory. */
export function buildZip(entries: ZipSpecEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '', 'utf8');
    const data = deflateRawSync(raw);
    const name = Buffer.from(e.name, 'utf8');
    const flags = (e.encrypted ? 1 : 0) | 0x800;
    const size = e.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(raw), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(raw), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
