// Attachment checks: dangerous and disguised file names, macros, web pages with forms,
// archives (listed from their directory, never unpacked), active content in PDFs and RTF;
// hashes for the hub's lookups. Links found inside documents join the link checks.
import { createHash } from 'node:crypto';
import { archiveExtensions, dangerousExtensions, decoyExtensions, htmlExtensions, macroExtensions } from './data/lists.js';
import { isOle, oleHasMacros, scanOoxml, scanPdf, scanRtf, type DocumentFacts } from './documents.js';
import type { Collector, MessageFacts } from './facts.js';
import { linksInText, readHtml } from './html.js';
import { decodeBytes } from './charset.js';
import { limits } from './limits.js';
import type { MailAttachment } from './mime.js';
import { observe } from './observe.js';
import { listZip, type ZipListing } from './zip.js';
import type { AttachmentSummary } from './types.js';

const dangerous = new Set(dangerousExtensions);
const archives = new Set(archiveExtensions);
const macroExt = new Set(macroExtensions);
const decoys = new Set(decoyExtensions);
const htmlExt = new Set(htmlExtensions);
// Characters that hide or reorder parts of a file name: bidi controls, zero-width, joiners.
const hiding = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u034f\u00ad\u2060-\u2064\ufeff\u061c]/gu;
// eslint-disable-next-line no-control-regex
const control = /[\u0000-\u001f\u007f]/gu;

/** The name with invisible and control characters shown as [U+202E] and the like. */
export function visibleName(name: string): string {
  return name.replace(hiding, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`).replace(control, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

function extensions(name: string): string[] {
  const clean = name.replace(hiding, '').normalize('NFKC').toLowerCase().trim();
  return clean.split('.').slice(1).map((e) => e.trim());
}

const zipBombBytes = 1024 * 1024 * 1024;

function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && (buf[2] === 3 || buf[2] === 5) && (buf[3] === 4 || buf[3] === 6);
}

function checkArchive(a: MailAttachment, zip: ZipListing, summary: AttachmentSummary, out: Collector): void {
  const shown = visibleName(a.name) || 'an archive';
  summary.flags.push('archive');
  summary.entries = zip.entries.slice(0, limits.maxArchiveEntries).map((e) => visibleName(e.name));
  if (zip.entries.some((e) => e.encrypted)) {
    summary.flags.push('encrypted-archive');
    out.add('encrypted-archive', 'attachments', 'medium', 25, 'A password-protected archive is attached',
      `${shown} is locked with a password, which stops virus scanners from looking inside. Malware is often sent this way, with the password in the email.`, [shown]);
  }
  const biggest = zip.entries.reduce((m, e) => Math.max(m, e.compressedSize > 0 ? e.uncompressedSize / e.compressedSize : 0), 0);
  if (zip.overlapping || zip.totalUncompressed > zipBombBytes || (biggest > 1000 && zip.totalUncompressed > 100 * 1024 * 1024)) {
    summary.flags.push('zip-bomb');
    out.add('zip-bomb', 'attachments', 'medium', 25, 'The attached archive is built to overwhelm computers',
      `${shown} would unpack to an enormous size (a "zip bomb"), meant to crash or blind security software.`, [shown]);
  }
  const inside = zip.entries.filter((e) => {
    const ext = extensions(e.name);
    const last = ext[ext.length - 1] ?? '';
    return dangerous.has(last) || macroExt.has(last) || htmlExt.has(last) || (/[\u202e\u200b-\u200f]/u.test(e.name));
  });
  if (inside.length > 0) {
    summary.flags.push('dangerous-in-archive');
    out.add('dangerous-in-archive', 'attachments', 'high', 40, 'The attached archive holds a program or a web page',
      `Inside ${shown} there are files that run code or open fake web pages when opened.`, inside.slice(0, 5).map((e) => visibleName(e.name)));
  }
}

function applyDocument(doc: DocumentFacts, a: MailAttachment, summary: AttachmentSummary, facts: MessageFacts, out: Collector): void {
  const shown = visibleName(a.name) || 'an attached document';
  if (doc.macros) {
    summary.flags.push('macro');
    out.add('macro', 'attachments', 'high', 35, 'An attached document contains macros',
      `${shown} contains macros: small programs that run when you enable editing or content. This is a classic way to install malware.`, [shown]);
  }
  if (doc.activeContent.length > 0) {
    summary.flags.push('active-content');
    out.add('active-content', 'attachments', 'medium', 25, 'An attached document contains content that runs by itself',
      `${shown} contains ${doc.activeContent.join(', ')}.`, [shown]);
  }
  if (doc.links.length > 0) {
    summary.flags.push('links');
    for (const href of doc.links) if (facts.links.length < limits.maxLinks) facts.links.push({ href, text: '', source: 'attachment' });
  }
}

function checkOne(a: MailAttachment, facts: MessageFacts, out: Collector): void {
  const summary: AttachmentSummary = {
    name: visibleName(a.name),
    contentType: a.contentType,
    size: a.size,
    sha256: createHash('sha256').update(a.content).digest('hex'),
    md5: createHash('md5').update(a.content).digest('hex'),
    flags: [],
  };
  out.attachments.push(summary);
  if (a.content.length === 0) summary.flags.push('empty');
  else {
    observe(out, 'sha256', summary.sha256, 'attachment');
    observe(out, 'md5', summary.md5, 'attachment');
  }
  const ext = extensions(a.name);
  const last = ext[ext.length - 1] ?? '';
  const shown = summary.name || 'an attachment';

  if (a.name !== a.name.replace(hiding, '')) {
    summary.flags.push('disguised-name');
    out.add('disguised-filename', 'attachments', 'high', 40, "An attachment's name is disguised",
      `The name of ${shown} contains invisible or direction-reversing characters, used to make a dangerous file look like a harmless one.`, [shown]);
  }
  if (ext.length >= 2 && decoys.has(ext[ext.length - 2]!) && (dangerous.has(last) || htmlExt.has(last) || archives.has(last) && last !== 'zip')) {
    summary.flags.push('double-extension');
    out.add('double-extension', 'attachments', 'high', 40, 'An attachment pretends to be a different kind of file',
      `${shown} looks like a .${ext[ext.length - 2]} document but is really a .${last} file.`, [shown]);
  } else if (/\s{5,}\.\w+$/.test(a.name)) {
    summary.flags.push('double-extension');
    out.add('double-extension', 'attachments', 'high', 40, 'An attachment pretends to be a different kind of file', `${shown} hides its real type after a run of spaces.`, [shown]);
  }
  if (dangerous.has(last) || a.content.subarray(0, 2).toString('latin1') === 'MZ') {
    summary.flags.push('dangerous-extension');
    out.add('dangerous-attachment', 'attachments', 'high', 40, 'An attachment is a program or script',
      `${shown} is a type of file that runs code on your computer when opened. Do not open it.`, [shown]);
  }
  if (macroExt.has(last)) {
    summary.flags.push('macro-format');
    out.add('macro-format', 'attachments', 'medium', 20, 'An attachment is an Office file made to carry macros',
      `${shown} is a macro-enabled Office file (.${last}); ordinary documents do not need that.`, [shown]);
  }

  const head = a.content.subarray(0, 1024).toString('latin1');
  const isHtml = htmlExt.has(last) || a.contentType === 'text/html' || a.contentType === 'image/svg+xml' || /^\s*(?:<!doctype html|<html|<svg|<script)/i.test(head);
  if (isHtml) {
    summary.flags.push('html');
    const html = readHtml(decodeBytes(a.content.subarray(0, limits.maxTextChars), a.charset), limits.maxLinks, 'attachment');
    const hasForm = html.forms.some((f) => f.hasPassword || /^https?:/i.test(f.action) || f.fields.some((x) => /mail|user|login|pass/.test(x)));
    if (hasForm) summary.flags.push('html-form');
    out.add('html-attachment', 'attachments', hasForm || html.obfuscatedScript ? 'high' : 'medium', hasForm ? 40 : html.obfuscatedScript ? 30 : 20,
      hasForm ? 'An attached web page asks for your details' : 'A web page is attached',
      hasForm
        ? `${shown} opens a page in your browser with a form for your email or password. This is how fake sign-in pages are delivered.`
        : `${shown} opens as a web page in your browser${html.obfuscatedScript ? ' and carries scrambled program code' : ''}. Real organisations rarely send web pages as attachments.`,
      [shown]);
    for (const l of [...html.links, ...html.refreshTargets.map((href) => ({ href, text: '', source: 'attachment' as const }))]) {
      if (facts.links.length < limits.maxLinks) facts.links.push({ ...l, source: 'attachment' });
    }
    return;
  }

  if (isOle(a.content)) {
    applyDocument({ macros: oleHasMacros(a.content), activeContent: [], links: [] }, a, summary, facts, out);
  } else if (isZip(a.content)) {
    const zip = listZip(a.content, 10_000);
    if (zip) {
      const office = zip.entries.some((e) => e.name === '[Content_Types].xml');
      if (office) applyDocument(scanOoxml(a.content, zip), a, summary, facts, out);
      else checkArchive(a, zip, summary, out);
    }
  } else if (head.includes('%PDF-')) {
    applyDocument(scanPdf(a.content, () => out.budget.expired()), a, summary, facts, out);
  } else if (head.startsWith('{\\rt')) {
    applyDocument(scanRtf(a.content), a, summary, facts, out);
  } else if (archives.has(last)) {
    summary.flags.push('archive');
    out.add('unreadable-archive', 'attachments', 'low', 10, 'An archive is attached that could not be looked into',
      `${shown} is a compressed archive of a kind this check cannot list. Open archives only when you expected them.`, [shown]);
  } else if (a.contentType === 'text/calendar' || last === 'ics') {
    summary.flags.push('calendar');
    const text = decodeBytes(a.content.subarray(0, 256 * 1024), a.charset).replace(/\r?\n[ \t]/g, '');
    for (const l of linksInText(text, 50, 'attachment')) if (facts.links.length < limits.maxLinks) facts.links.push(l);
  }
}

export function checkAttachments(facts: MessageFacts, out: Collector): void {
  for (const a of facts.email.attachments) {
    if (out.budget.expired()) return;
    // Inline images of an HTML newsletter are part of the body, not files a person opens.
    if (a.inline && a.contentType.startsWith('image/') && !a.name) continue;
    checkOne(a, facts, out);
  }
}
