// What kind of file was uploaded: an RFC 822 email (perhaps behind an mbox `From ` line), an
// Outlook .msg (OLE compound file), or something else, told in plain words when it is no email.

export type InputKind = { kind: 'eml'; bytes: Buffer } | { kind: 'ole'; bytes: Buffer } | { kind: 'unreadable'; reason: string };

const oleMagic = Buffer.from('d0cf11e0a1b11ae1', 'hex');

const signatures: Array<{ test: (b: Buffer) => boolean; what: string }> = [
  { test: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')), what: 'a PNG picture' },
  { test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, what: 'a JPEG picture' },
  { test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8', what: 'a GIF picture' },
  { test: (b) => b.subarray(0, 1024).toString('latin1').includes('%PDF-'), what: 'a PDF document' },
  { test: (b) => b.subarray(0, 4).equals(Buffer.from('504b0304', 'hex')) || b.subarray(0, 4).equals(Buffer.from('504b0506', 'hex')), what: 'a ZIP archive (or an Office document)' },
  { test: (b) => b.subarray(0, 2).toString('latin1') === 'MZ', what: 'a Windows program' },
  { test: (b) => b.subarray(0, 4).equals(Buffer.from('7f454c46', 'hex')), what: 'a program' },
  { test: (b) => b.subarray(0, 6).equals(Buffer.from('377abcaf271c', 'hex')) || b.subarray(0, 4).toString('latin1') === 'Rar!', what: 'a compressed archive' },
  { test: (b) => b[0] === 0x1f && b[1] === 0x8b, what: 'a compressed (gzip) file' },
];

// Header names that only an email (or its close relatives: news articles, saved drafts) starts with.
const mailHeaders = new Set(['from', 'to', 'cc', 'subject', 'date', 'received', 'message-id', 'return-path', 'delivered-to', 'mime-version', 'reply-to', 'sender', 'x-mailer', 'authentication-results', 'dkim-signature', 'x-original-to', 'envelope-to', 'arc-seal', 'thread-topic', 'x-received']);

/** Decides what `raw` is; for an email, returns the bytes from the first header on. */
export function sniffInput(raw: Buffer, maxBytes: number): InputKind {
  if (raw.length === 0) return { kind: 'unreadable', reason: 'The file is empty.' };
  if (raw.length > maxBytes) {
    return { kind: 'unreadable', reason: `The file is larger than ${Math.round(maxBytes / (1024 * 1024))} MB, more than any email this check accepts.` };
  }
  if (raw.subarray(0, 8).equals(oleMagic)) return { kind: 'ole', bytes: raw };
  for (const s of signatures) if (s.test(raw)) return { kind: 'unreadable', reason: `This file is ${s.what}, not an email.` };

  let start = 0;
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) start = 3; // UTF-8 byte order mark
  const head = raw.subarray(start, start + 64 * 1024).toString('latin1');
  // Skip leading blank lines and mbox envelope lines ("From sender@example Mon Jan 1 …").
  let offset = 0;
  for (;;) {
    const m = /^(?:[ \t]*\r?\n|From [^\r\n]*\r?\n)/.exec(head.slice(offset));
    if (!m || m[0].length === 0) break;
    offset += m[0].length;
  }
  const body = head.slice(offset);
  if (body.trim() === '') return { kind: 'unreadable', reason: 'The file is empty.' };
  // eslint-disable-next-line no-control-regex
  const controls = (body.slice(0, 4096).match(/[\x00-\x08\x0e-\x1a\x1c-\x1f]/g) ?? []).length;
  if (controls > 8) return { kind: 'unreadable', reason: 'This file is not an email: it holds binary data, not the text an email is made of.' };

  const lines = body.split(/\r?\n/, 200);
  let seen = 0;
  let known = 0;
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) continue;
    const m = /^([!-9;-~]{1,76}):/.exec(line);
    if (!m) {
      if (seen === 0) break;
      continue;
    }
    seen++;
    if (mailHeaders.has(m[1]!.toLowerCase())) known++;
  }
  if (seen === 0 || known === 0) {
    return { kind: 'unreadable', reason: 'This file is not an email: it does not start with the header lines (From, To, Subject…) every email has. Save the message as an .eml or .msg file and try again.' };
  }
  return { kind: 'eml', bytes: raw.subarray(start + Buffer.byteLength(head.slice(0, offset), 'latin1')) };
}
