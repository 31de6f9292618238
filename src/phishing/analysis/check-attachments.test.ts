// Attachment checks on small synthetic emails: dangerous and disguised names, macros in OLE and
// OOXML files, archives listed from their directory (encrypted, bombs, programs inside), web
// pages with forms, PDFs with scripts and links, RTF objects, hashes.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import { analyseEmail } from './analyse.js';
import { buildMail, buildZip, type MailPart } from './testing.js';
import { listZip } from './zip.js';
import type { Analysis } from './types.js';

const ids = (a: Analysis): string[] => a.findings.map((f) => f.id);
const withAttachment = (part: Omit<MailPart, 'type'> & { type?: string }): Promise<Analysis> =>
  analyseEmail(buildMail({ text: 'Please see the attached file.', parts: [{ type: 'application/octet-stream', ...part }] }));

describe('attachment names', () => {
  it('flags programs, double extensions and invisible or reversing characters', async () => {
    expect(ids(await withAttachment({ name: 'setup.exe', body: Buffer.from('MZ...') }))).toContain('dangerous-attachment');
    const dbl = await withAttachment({ name: 'Invoice 2026.pdf.js', body: Buffer.from('var a;') });
    expect(ids(dbl)).toEqual(expect.arrayContaining(['double-extension', 'dangerous-attachment']));
    const rtl = await withAttachment({ name: 'photo\u202egpj.exe', body: Buffer.from('MZ') });
    expect(ids(rtl)).toContain('disguised-filename');
    expect(rtl.attachments[0]!.name).toBe('photo[U+202E]gpj.exe');
    const cgj = await withAttachment({ name: 'Stat\u034Fement.rtf', body: Buffer.from('{\\rtf1 hello}') });
    expect(cgj.attachments[0]!.flags).toContain('disguised-name');
  });

  it('finds a program dressed as a document by its content', async () => {
    expect(ids(await withAttachment({ name: 'report.pdf', body: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]) }))).toContain('dangerous-attachment');
  });

  it('hashes every attachment and offers the hashes for lookup', async () => {
    const body = Buffer.from('%PDF-1.4 plain');
    const a = await withAttachment({ name: 'plan.pdf', body, type: 'application/pdf' });
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(a.attachments[0]).toMatchObject({ name: 'plan.pdf', size: body.length, sha256, md5: createHash('md5').update(body).digest('hex') });
    expect(a.indicators).toContainEqual({ type: 'sha256', value: sha256, defanged: sha256, origin: 'attachment' });
    expect(a.findings).toEqual([]);
  });
});

describe('documents', () => {
  it('finds VBA macros in an OLE document and in an OOXML package', async () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, '/WordDocument', Buffer.alloc(600, 1));
    CFB.utils.cfb_add(cfb, '/Macros/VBA/_VBA_PROJECT', Buffer.alloc(600, 2));
    expect(ids(await withAttachment({ name: 'order.doc', body: CFB.write(cfb, { type: 'buffer' }) as Buffer }))).toContain('macro');
    const docm = buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/document.xml', data: '<w/>' }, { name: 'word/vbaProject.bin', data: 'VBA' }]);
    const a = await withAttachment({ name: 'order.docm', body: docm });
    expect(ids(a)).toEqual(expect.arrayContaining(['macro', 'macro-format']));
    const clean = buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/document.xml', data: '<w/>' }]);
    expect(ids(await withAttachment({ name: 'order.docx', body: clean }))).toEqual([]);
  });

  it('reads external links and remote templates from OOXML relationships', async () => {
    const rels = '<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://198.51.100.7/t.dotm" TargetMode="External"/></Relationships>';
    const docx = buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/_rels/settings.xml.rels', data: rels }]);
    const a = await withAttachment({ name: 'cv.docx', body: docx });
    expect(ids(a)).toEqual(expect.arrayContaining(['active-content', 'ip-link']));
  });

  it('finds JavaScript and links in a PDF, also inside compressed streams', async () => {
    const stream = deflateSync(Buffer.from('<< /Type /Annot /A << /S /URI /URI (https://pdf-lure.example/login) >> >>'));
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n2 0 obj << /Filter /FlateDecode /Length 10 >>\nstream\n'), stream, Buffer.from('\nendstream\nendobj\n%%EOF')]);
    const a = await withAttachment({ name: 'statement.pdf', body: pdf, type: 'application/pdf' });
    expect(ids(a)).toContain('active-content');
    expect(a.indicators).toContainEqual(expect.objectContaining({ type: 'url', value: 'https://pdf-lure.example/login', origin: 'attachment' }));
  });

  it('finds embedded objects in RTF', async () => {
    expect(ids(await withAttachment({ name: 'doc.rtf', body: Buffer.from('{\\rtf1{\\object\\objemb{\\*\\objdata 0105000002}}}') }))).toContain('active-content');
  });

  it('flags an HTML attachment, strongly when it holds a sign-in form, and checks its links', async () => {
    const page = '<html><form action="https://grab.example/p.php"><input name="email"><input type="password" name="pass"></form><a href="http://203.0.113.5/">x</a></html>';
    const a = await withAttachment({ name: 'Remittance.html', body: page, type: 'text/html', encoding: 'base64' });
    expect(a.findings.find((f) => f.id === 'html-attachment')).toMatchObject({ severity: 'high', weight: 40 });
    expect(a.attachments[0]!.flags).toEqual(expect.arrayContaining(['html', 'html-form']));
    expect(ids(a)).toContain('ip-link');
    expect((await withAttachment({ name: 'page.htm', body: '<p>hello</p>', type: 'text/html' })).findings[0]).toMatchObject({ id: 'html-attachment', severity: 'medium' });
  });
});

describe('archives', () => {
  it('lists entries and flags programs inside', async () => {
    const zip = buildZip([{ name: 'readme.txt', data: 'hi' }, { name: 'invoice.pdf.exe', data: 'MZ' }]);
    const a = await withAttachment({ name: 'invoice.zip', body: zip });
    expect(a.attachments[0]!.entries).toEqual(['readme.txt', 'invoice.pdf.exe']);
    expect(ids(a)).toContain('dangerous-in-archive');
  });

  it('detects encryption and bombs from declared sizes, without unpacking', async () => {
    expect(ids(await withAttachment({ name: 'docs.zip', body: buildZip([{ name: 'scan.pdf', data: 'x', encrypted: true }]) }))).toContain('encrypted-archive');
    const bomb = buildZip(Array.from({ length: 16 }, (_, i) => ({ name: `f${i}.txt`, data: 'tiny', declaredSize: 0xfffffff0 })));
    const a = await withAttachment({ name: 'big.zip', body: bomb });
    expect(ids(a)).toContain('zip-bomb');
    expect(a.attachments[0]!.flags).toContain('zip-bomb');
  });

  it('survives damaged archives and bounds what it lists', async () => {
    const many = buildZip(Array.from({ length: 300 }, (_, i) => ({ name: `f${i}.txt`, data: '' })));
    expect(listZip(many, 200)?.entries).toHaveLength(200);
    expect(listZip(many, 200)?.declared).toBe(300);
    expect(listZip(many.subarray(0, many.length - 30), 10)?.damaged).toBe(true); // directory cut off: local headers scanned
    for (const junk of [Buffer.from('PK\x05\x06'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(10, 0xff)]), Buffer.alloc(100, 0x50)]) {
      expect(() => listZip(junk, 10)).not.toThrow();
    }
    const a = await withAttachment({ name: 'broken.zip', body: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(50, 0xff)]) });
    expect(a.verdict).not.toBe('unreadable');
  });
});
