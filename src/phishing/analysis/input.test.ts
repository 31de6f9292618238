// What the engine does with files that are not emails, and with the forms emails arrive in:
// an mbox envelope line, a byte-order mark, an Outlook .msg compound file.
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import { analyseEmail } from './analyse.js';
import { sniffInput } from './input.js';
import { parseMsg } from './msg.js';
import { buildMail } from './testing.js';

const utf16 = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf16le');

/** A minimal Outlook .msg: the property streams msgreader reads, one attachment. */
function buildMsg(opts: { subject: string; senderName: string; sender: string; body: string; headers?: string; attachment?: { name: string; data: Buffer } }): Buffer {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/__properties_version1.0', Buffer.alloc(32));
  CFB.utils.cfb_add(cfb, '/__substg1.0_0037001F', utf16(opts.subject));
  CFB.utils.cfb_add(cfb, '/__substg1.0_0C1A001F', utf16(opts.senderName));
  CFB.utils.cfb_add(cfb, '/__substg1.0_0C1F001F', utf16(opts.sender));
  CFB.utils.cfb_add(cfb, '/__substg1.0_1000001F', utf16(opts.body));
  if (opts.headers) CFB.utils.cfb_add(cfb, '/__substg1.0_007D001F', utf16(opts.headers));
  if (opts.attachment) {
    CFB.utils.cfb_add(cfb, '/__attach_version1.0_#00000000/__properties_version1.0', Buffer.alloc(8));
    CFB.utils.cfb_add(cfb, '/__attach_version1.0_#00000000/__substg1.0_3707001F', utf16(opts.attachment.name));
    CFB.utils.cfb_add(cfb, '/__attach_version1.0_#00000000/__substg1.0_37010102', opts.attachment.data);
  }
  return CFB.write(cfb, { type: 'buffer' }) as Buffer;
}

describe('files that are not emails', () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['empty', Buffer.alloc(0), /empty/],
    ['only blank lines', Buffer.from('\r\n\r\n   \n'), /empty/],
    ['a PNG', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100)]), /PNG picture, not an email/],
    ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), /PDF document, not an email/],
    ['a ZIP', Buffer.from('504b030414000000', 'hex'), /ZIP archive/],
    ['a Windows program', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), /Windows program/],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), /not an email/],
    ['a plain text note', Buffer.from('Shopping list:\n- milk\n- eggs\n'), /not an email/],
    ['JSON', Buffer.from('{"from": "a@b.example", "subject": "x"}'), /not an email/],
  ];
  for (const [what, bytes, reason] of cases) {
    it(`calls ${what} unreadable, in plain words`, async () => {
      const a = await analyseEmail(bytes);
      expect(a.verdict).toBe('unreadable');
      expect(a.unreadableReason).toMatch(reason);
      expect(a.summary).toMatch(/could not check/);
      expect(a.advice.length).toBeGreaterThan(0);
      expect(a.messageHash).toMatch(/^[0-9a-f]{64}$/);
    });
  }

  it('refuses files over the size limit without reading them', async () => {
    const a = await analyseEmail(buildMail({ text: 'x'.repeat(5000) }), { maxBytes: 1000 });
    expect(a.verdict).toBe('unreadable');
    expect(a.unreadableReason).toMatch(/larger than/);
  });

  it('calls an Office document unreadable, not an email', async () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, '/WordDocument', Buffer.alloc(600, 1));
    const a = await analyseEmail(CFB.write(cfb, { type: 'buffer' }) as Buffer);
    expect(a.verdict).toBe('unreadable');
    expect(a.unreadableReason).toMatch(/Office file/);
  });
});

describe('the forms emails arrive in', () => {
  it('skips an mbox envelope line and a byte-order mark', () => {
    const mail = buildMail({});
    const mbox = Buffer.concat([Buffer.from('\ufeffFrom alex@sender.example Mon Nov  2 09:00:00 2026\n'), mail]);
    const kind = sniffInput(mbox, 1e7);
    expect(kind.kind).toBe('eml');
    if (kind.kind === 'eml') expect(kind.bytes.subarray(0, 9).toString()).toBe('Received:');
  });

  it('reads an Outlook .msg: transport headers, body and attachments', async () => {
    const msg = buildMsg({
      subject: 'Your account is suspended',
      senderName: 'PayPal Service',
      sender: 'service@paypa1-secure.com',
      body: 'Verify your account now at http://paypa1-secure.com/login or it will be closed within 24 hours.',
      headers: 'From: PayPal Service <service@paypa1-secure.com>\r\nSubject: Your account is suspended\r\nAuthentication-Results: mx.example; spf=fail; dmarc=fail\r\n',
      attachment: { name: 'invoice.pdf.exe', data: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]) },
    });
    expect(sniffInput(msg, 1e7).kind).toBe('ole');
    const parsed = parseMsg(msg);
    expect(parsed?.email.attachments[0]?.name).toBe('invoice.pdf.exe');
    const a = await analyseEmail(msg);
    expect(a.verdict).toBe('likely-phishing');
    expect(a.senderDomain).toBe('paypa1-secure.com');
    const ids = a.findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['dmarc-fail', 'lookalike-sender', 'double-extension', 'dangerous-attachment']));
  });

  it('reads a .msg without transport headers from its properties', async () => {
    const a = await analyseEmail(buildMsg({ subject: 'Team lunch', senderName: 'Alex', sender: 'alex@sender.example', body: 'See you at noon.' }));
    expect(a.verdict).toBe('no-known-signs');
    expect(a.senderDomain).toBe('sender.example');
    expect(a.subject).toBe('Team lunch');
  });

  it('calls a damaged compound file unreadable instead of throwing', async () => {
    const msg = buildMsg({ subject: 's', senderName: 'n', sender: 'a@b.example', body: 'b' });
    const damaged = Buffer.concat([msg.subarray(0, 512), Buffer.alloc(200, 0xff)]);
    const a = await analyseEmail(damaged);
    expect(a.verdict).toBe('unreadable');
  });
});
