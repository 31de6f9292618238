// Inside attached documents, without running or rendering them: VBA macros in OLE (.doc, .xls)
// and OOXML files, active content and links in PDFs, embedded objects and links in RTF.
// Every scan is linear in the (already bounded) attachment and every inflate has an output cap.
import { inflateSync } from 'node:zlib';
import { readZipEntry, type ZipListing } from './zip.js';

const oleMagic = Buffer.from('d0cf11e0a1b11ae1', 'hex');
// OLE directory entry names are UTF-16LE; "_VBA_PROJECT" (and _VBA_PROJECT_CUR) marks a VBA project.
const vbaProjectName = Buffer.from('_VBA_PROJECT', 'utf16le');
const macrosStorage = Buffer.from('Macros', 'utf16le');

export function isOle(buf: Buffer): boolean {
  return buf.subarray(0, 8).equals(oleMagic);
}

/** An OLE file (Word 97-2003, Excel 97-2003…) carrying a VBA macro project. */
export function oleHasMacros(buf: Buffer): boolean {
  return isOle(buf) && (buf.includes(vbaProjectName) || (buf.includes(macrosStorage) && buf.includes(Buffer.from('VBA', 'utf16le'))));
}

export interface DocumentFacts {
  macros: boolean;
  /** scripts or actions that run when the file opens */
  activeContent: string[];
  /** external links found inside */
  links: string[];
}

const maxLinks = 50;

function pushLinks(out: DocumentFacts, text: string, pattern: RegExp): void {
  for (const m of text.matchAll(pattern)) {
    if (out.links.length >= maxLinks) return;
    const url = (m[1] ?? '').replace(/\\([()\\])/g, '$1').trim();
    if (/^(?:https?|ftp):\/\//i.test(url) && !out.links.includes(url)) out.links.push(url.slice(0, 2048));
  }
}

const pdfActive: Array<[RegExp, string]> = [
  [/\/JavaScript\b|\/JS\b/, 'JavaScript'],
  [/\/Launch\b/, 'a launch action that can start programs'],
  [/\/EmbeddedFile\b/, 'an embedded file'],
  [/\/OpenAction\b[^>]{0,200}\/(?:JavaScript|JS|Launch|URI)\b/, 'an action that runs when the file opens'],
];

function scanPdfText(text: string, out: DocumentFacts): void {
  for (const [re, label] of pdfActive) if (re.test(text) && !out.activeContent.includes(label)) out.activeContent.push(label);
  pushLinks(out, text, /\/URI\s*\(((?:[^()\\]|\\.){1,2048})\)/g);
}

/** Active content and links in a PDF, looking into up to 200 compressed streams (1 MB each, 8 MB in all). */
export function scanPdf(buf: Buffer, expired: () => boolean): DocumentFacts {
  const out: DocumentFacts = { macros: false, activeContent: [], links: [] };
  const text = buf.toString('latin1');
  scanPdfText(text, out);
  let inflated = 0;
  let streams = 0;
  for (let at = text.indexOf('stream'); at >= 0 && streams < 200 && inflated < 8 * 1024 * 1024; at = text.indexOf('stream', at + 6)) {
    if (text.startsWith('endstream', at - 3)) continue;
    let start = at + 6;
    if (text[start] === '\r') start++;
    if (text[start] === '\n') start++;
    else continue;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    streams++;
    if (expired()) break;
    // Only Flate streams are worth inflating; the dictionary sits just before "stream".
    if (!/\/FlateDecode/.test(text.slice(Math.max(0, at - 400), at))) continue;
    try {
      const data = inflateSync(buf.subarray(start, end), { maxOutputLength: 1024 * 1024 });
      inflated += data.length;
      scanPdfText(data.toString('latin1'), out);
    } catch {
      // damaged, not zlib, or over the cap: skip this stream
    }
    at = end;
  }
  return out;
}

/** Embedded objects (the usual exploit carrier) and HYPERLINK fields in an RTF document. */
export function scanRtf(buf: Buffer): DocumentFacts {
  const text = buf.toString('latin1');
  const out: DocumentFacts = { macros: false, activeContent: [], links: [] };
  if (/\\objdata\b|\\object\b|\\objupdate\b|\\objemb\b|\\objautlink\b/.test(text)) out.activeContent.push('an embedded object');
  pushLinks(out, text, /HYPERLINK\s+\\?"?((?:https?|ftp):\/\/[^"\\\s}]{1,2048})/gi);
  return out;
}

/** Macros, remote templates and external links in an OOXML document (.docx, .xlsx, .pptx). */
export function scanOoxml(buf: Buffer, zip: ZipListing): DocumentFacts {
  const out: DocumentFacts = { macros: false, activeContent: [], links: [] };
  out.macros = zip.entries.some((e) => /(?:^|\/)vbaProject\.bin$/i.test(e.name) || /\.bin$/i.test(e.name) && /activeX|vba/i.test(e.name));
  for (const e of zip.entries) {
    if (!/\.rels$/i.test(e.name) || e.uncompressedSize > 2 * 1024 * 1024) continue;
    const data = readZipEntry(buf, e, 2 * 1024 * 1024);
    if (!data) continue;
    const xml = data.toString('utf8');
    for (const m of xml.matchAll(/<Relationship\b[^>]{0,2000}>/g)) {
      const rel = m[0];
      if (!/TargetMode\s*=\s*"External"/i.test(rel)) continue;
      const target = /Target\s*=\s*"([^"]{1,2048})"/i.exec(rel)?.[1]?.replace(/&amp;/g, '&') ?? '';
      if (/attachedTemplate|oleObject|frame/i.test(rel) && !out.activeContent.includes('a template or object loaded from the internet')) {
        out.activeContent.push('a template or object loaded from the internet');
      }
      if (/^(?:https?|ftp):\/\//i.test(target) && out.links.length < maxLinks) out.links.push(target);
    }
  }
  return out;
}
