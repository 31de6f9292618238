// Reading a PDF back in tests: its text page by page and its metadata, with pdfjs-dist.
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// Reports use the 14 standard fonts without embedding them; pdfjs wants their metrics to lay
// text out, and warns on every page without them.
const standardFontDataUrl = path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts/');

export interface PdfText {
  pages: string[];
  text: string;
  info: Record<string, unknown>;
}

export async function pdfText(pdf: Buffer | Uint8Array): Promise<PdfText> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    const parts = content.items.map((item) => ('str' in item ? item.str : ''));
    pages.push(parts.join(' ').replace(/\s+/g, ' '));
  }
  const meta = await doc.getMetadata();
  await doc.destroy();
  return { pages, text: pages.join('\n'), info: meta.info as Record<string, unknown> };
}
