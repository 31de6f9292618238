// The report as a PDF: one reader's ReportView laid out on A4 with pdfkit's built-in fonts, so
// rendering needs no browser, no font file and no network. Layout only; every fact is in the view.
import PDFDocument from 'pdfkit';
import type { ReportChangeRow, ReportCount, ReportSection, ReportView } from './report-view.js';

type Doc = PDFKit.PDFDocument;

const margin = { top: 56, bottom: 56, left: 40, right: 40 };
const regular = 'Helvetica';
const bold = 'Helvetica-Bold';
const ink = '#111111';
const muted = '#555555';
const rule = '#bbbbbb';
const noneText = 'None in this period.';

/** Where the next thing goes; pages change underneath it when content flows on. */
interface Pen {
  doc: Doc;
  y: number;
  date: (iso: string | null) => string;
}

// ---------------------------------------------------------------------------------------------
// Text that the standard fonts can show

// The unicode code points of bytes 0x80–0x9F in Windows-1252; the rest of 0x20–0xFF is Latin-1.
const cp1252High = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
]);

/**
 * Replaces what pdfkit's standard fonts cannot encode with '?'. pdfkit writes such a character
 * as its code point in hex, so "Д" (0x414) would come out as three bogus bytes, not an error.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || cp1252High.has(cp)) out += ch;
    else if (ch === '\t' || /\p{Zs}/u.test(ch)) out += ' ';
    // Zero-width joiners and emoji variation selectors are invisible: a '?' for each would
    // show the family emoji 👨‍👩‍👧 as "?????" rather than "???".
    else if (/[\p{Cf}\uFE00-\uFE0F]/u.test(ch)) continue;
    else out += '?';
  }
  return out;
}

/** The longest start of `text` that fits `width` in the current font, with an ellipsis if cut. */
function fitText(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(text.slice(0, mid) + '…') <= width) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo).trimEnd() + '…';
}

// ---------------------------------------------------------------------------------------------
// Drawing primitives

const pageBottom = (doc: Doc) => doc.page.height - margin.bottom;
const contentWidth = (doc: Doc) => doc.page.width - margin.left - margin.right;

function newPage(pen: Pen): void {
  pen.doc.addPage();
  pen.y = margin.top;
}

function ensureSpace(pen: Pen, height: number): void {
  if (pen.y + height > pageBottom(pen.doc)) newPage(pen);
}

interface CellStyle {
  font?: string;
  size?: number;
  color?: string;
  align?: 'left' | 'right';
}

/**
 * One line of text, cut to fit `width`. Written without a width so that pdfkit neither wraps it
 * nor starts a page of its own: this module decides where pages break.
 */
function cell(doc: Doc, text: string, x: number, y: number, width: number, style: CellStyle = {}): void {
  doc.font(style.font ?? regular).fontSize(style.size ?? 8).fillColor(style.color ?? ink);
  const shown = fitText(doc, toWinAnsi(text).replace(/\n/g, ' '), width);
  const left = style.align === 'right' ? x + width - doc.widthOfString(shown) : x;
  doc.text(shown, left, y, { lineBreak: false });
}

/** Wrapped text across the content width; pdfkit flows it onto a new page if it must. */
function paragraph(
  pen: Pen,
  text: string,
  opts: { font?: string; size?: number; indent?: number; gap?: number; bullet?: boolean } = {},
): void {
  const { doc } = pen;
  const indent = opts.indent ?? 0;
  const width = contentWidth(doc) - indent;
  const shown = toWinAnsi(text);
  doc.font(opts.font ?? regular).fontSize(opts.size ?? 10).fillColor(ink);
  const height = doc.heightOfString(shown, { width, lineGap: 1 });
  // Keep a short paragraph whole; one taller than the space left just flows on.
  if (height < pageBottom(doc) - margin.top) ensureSpace(pen, height);
  if (opts.bullet) doc.text('•', margin.left + indent - 10, pen.y, { lineBreak: false });
  doc.text(shown, margin.left + indent, pen.y, { width, lineGap: 1 });
  pen.y = doc.y + (opts.gap ?? 4);
}

function heading(pen: Pen, text: string): void {
  // Keep the heading with at least a few lines of what follows it.
  ensureSpace(pen, 70);
  pen.y += 8;
  cell(pen.doc, text, margin.left, pen.y, contentWidth(pen.doc), { font: bold, size: 13 });
  pen.y += 17;
  pen.doc.moveTo(margin.left, pen.y).lineTo(margin.left + contentWidth(pen.doc), pen.y).lineWidth(0.5).strokeColor(rule).stroke();
  pen.y += 6;
}

function note(pen: Pen, text: string): void {
  paragraph(pen, text, { size: 9 });
}

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

const rowHeight = 13;
// Room inside a cell; more after a right-aligned number so it keeps clear of the next column.
const innerWidth = (c: Column, width: number) => width - (c.align === 'right' ? 10 : 6);

/** A table whose header is repeated on every page it runs onto. Widths are fractions of the page. */
function table(pen: Pen, caption: string, columns: Column[], rows: string[][]): void {
  const { doc } = pen;
  const total = contentWidth(doc);
  const widths = columns.map((c) => c.width * total);
  const drawHeader = (continued: boolean) => {
    if (continued) {
      cell(doc, `${caption} (continued)`, margin.left, pen.y, total, { color: muted });
      pen.y += rowHeight;
    }
    doc.rect(margin.left, pen.y - 2, total, rowHeight).fillColor('#e8e8e8').fill();
    let x = margin.left;
    columns.forEach((c, i) => {
      const w = widths[i] ?? 0;
      cell(doc, c.header, x + 3, pen.y + 1, innerWidth(c, w), { font: bold, align: c.align });
      x += w;
    });
    pen.y += rowHeight;
  };
  ensureSpace(pen, rowHeight * 2);
  drawHeader(false);
  rows.forEach((row, r) => {
    if (pen.y + rowHeight > pageBottom(doc)) {
      newPage(pen);
      drawHeader(true);
    }
    if (r % 2 === 1) doc.rect(margin.left, pen.y - 2, total, rowHeight).fillColor('#f5f5f5').fill();
    let x = margin.left;
    columns.forEach((c, i) => {
      const w = widths[i] ?? 0;
      cell(doc, row[i] ?? '', x + 3, pen.y + 1, innerWidth(c, w), { align: c.align });
      x += w;
    });
    pen.y += rowHeight;
  });
  pen.y += 6;
}

const chartLabelWidth = 150;
const chartBarWidth = 260;

/** One labelled bar; the number is written beside it so it is in the text layer too. */
function bar(pen: Pen, label: string, value: number, max: number, shown: string, color: string, labelFont = regular): void {
  const { doc } = pen;
  const length = max > 0 ? Math.max(value > 0 ? 1 : 0, (value / max) * chartBarWidth) : 0;
  cell(doc, label, margin.left, pen.y + 1, chartLabelWidth - 6, { font: labelFont });
  const x = margin.left + chartLabelWidth;
  if (length > 0) doc.rect(x, pen.y, length, 9).fillColor(color).fill();
  const rest = contentWidth(doc) - chartLabelWidth - length - 4;
  cell(doc, shown, x + length + 4, pen.y + 1, rest);
}

function countChart(pen: Pen, counts: ReportCount[]): void {
  const max = Math.max(0, ...counts.map((c) => c.count));
  for (const c of counts) {
    ensureSpace(pen, rowHeight);
    bar(pen, c.label, c.count, max, count(c.count), '#3a6ea5');
    pen.y += rowHeight;
  }
  pen.y += 6;
}

/**
 * Two bars a row, this period against its average. Each row has its own scale: the rows count
 * different things (3 warnings, 1,234 indicators), and the question is "up or down on usual".
 */
function changesChart(pen: Pen, rows: ReportChangeRow[]): void {
  for (const r of rows) {
    const max = Math.max(r.current, r.average);
    ensureSpace(pen, rowHeight * 2 + 4);
    bar(pen, r.label, r.current, max, `This period ${count(r.current)}`, '#3a6ea5', bold);
    pen.y += rowHeight;
    bar(pen, '', r.average, max, `Average ${average(r.average)}`, '#a9bfd8');
    pen.y += rowHeight + 4;
  }
  pen.y += 4;
}

// ---------------------------------------------------------------------------------------------
// Numbers and dates

const countFormat = new Intl.NumberFormat('en-GB');
const averageFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const pctFormat = new Intl.NumberFormat('en-GB', { signDisplay: 'exceptZero', maximumFractionDigits: 0 });

const count = (n: number) => countFormat.format(n);
const average = (n: number) => averageFormat.format(n);
const changePct = (p: number | null) => (p === null ? 'n/a' : `${pctFormat.format(p)}%`);

function dateFormatter(timeZone: string): (iso: string | null) => string {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => {
    if (iso === null) return 'never';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : format.format(d);
  };
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderWarnings(pen: Pen, view: ReportView): void {
  const w = view.warnings;
  if (!w) return;
  heading(pen, 'Warnings');
  if (w.total === 0 && w.items.length === 0) return note(pen, noneText);
  note(pen, `${count(w.total)} warnings in this period.`);
  if (w.byKind.length > 0) {
    paragraph(pen, 'By kind', { font: bold, size: 9 });
    countChart(pen, w.byKind);
  }
  if (w.bySeverity.length > 0) note(pen, `By severity: ${w.bySeverity.map((c) => `${c.label} ${count(c.count)}`).join(', ')}`);
  if (w.items.length < w.total) note(pen, `Showing ${count(w.items.length)} of ${count(w.total)}.`);
  if (w.items.length === 0) return;
  table(
    pen,
    'Warnings',
    [
      { header: 'Title', width: 0.36 },
      { header: 'Kind', width: 0.11 },
      { header: 'Severity', width: 0.08 },
      { header: 'TLP', width: 0.12 },
      { header: 'Audience', width: 0.15 },
      { header: 'Producer', width: 0.18 },
    ],
    w.items.map((i) => [i.title, i.kindLabel, i.severity, i.tlp, i.audience, i.producer]),
  );
}

function renderIndicators(pen: Pen, view: ReportView): void {
  const ind = view.indicators;
  if (!ind) return;
  heading(pen, 'Indicators');
  if (ind.total === 0) return note(pen, noneText);
  note(pen, `${count(ind.total)} new indicators in this period.`);
  if (ind.byType.length > 0) {
    paragraph(pen, 'By type', { font: bold, size: 9 });
    countChart(pen, ind.byType);
  }
  if (ind.bySource.length > 0) {
    paragraph(pen, 'By source', { font: bold, size: 9 });
    table(
      pen,
      'Indicators by source',
      [
        { header: 'Source', width: 0.8 },
        { header: 'Indicators', width: 0.2, align: 'right' },
      ],
      ind.bySource.map((c) => [c.label, count(c.count)]),
    );
  }
}

function renderMostSighted(pen: Pen, view: ReportView): void {
  const ms = view.mostSighted;
  if (!ms) return;
  heading(pen, 'Most sighted');
  if (ms.items.length === 0) return note(pen, noneText);
  table(
    pen,
    'Most sighted',
    [
      { header: 'Type', width: 0.14 },
      { header: 'Value', width: 0.56 },
      { header: 'Sightings', width: 0.14, align: 'right' },
      { header: 'Organisations', width: 0.16, align: 'right' },
    ],
    ms.items.map((i) => [i.type, i.value, count(i.sightings), count(i.organisations)]),
  );
}

function renderChanges(pen: Pen, view: ReportView): void {
  const ch = view.changes;
  if (!ch) return;
  heading(pen, 'Changes');
  if (ch.rows.length === 0) return note(pen, noneText);
  note(pen, `Compared with the average over the previous ${count(ch.comparedDays)} days.`);
  changesChart(pen, ch.rows);
  table(
    pen,
    'Changes',
    [
      { header: 'Measure', width: 0.46 },
      { header: 'This period', width: 0.18, align: 'right' },
      { header: 'Average', width: 0.18, align: 'right' },
      { header: 'Change', width: 0.18, align: 'right' },
    ],
    ch.rows.map((r) => [r.label, count(r.current), average(r.average), changePct(r.changePct)]),
  );
}

function renderFeedHealth(pen: Pen, view: ReportView): void {
  const fh = view.feedHealth;
  if (!fh) return;
  heading(pen, 'Feed health');
  if (fh.items.length === 0) return note(pen, noneText);
  table(
    pen,
    'Feed health',
    [
      { header: 'Feed', width: 0.32 },
      { header: 'Status', width: 0.16 },
      { header: 'Runs', width: 0.1, align: 'right' },
      { header: 'Failed runs', width: 0.14, align: 'right' },
      { header: 'Last success', width: 0.28 },
    ],
    fh.items.map((f) => [
      f.name,
      f.healthy ? f.status : `${f.status} (unhealthy)`,
      count(f.runs),
      count(f.failedRuns),
      pen.date(f.lastSuccessAt),
    ]),
  );
}

function renderWatchlist(pen: Pen, view: ReportView): void {
  const wl = view.watchlist;
  if (!wl) return;
  heading(pen, 'Watchlist');
  if (wl.total === 0 && wl.items.length === 0) return note(pen, noneText);
  note(pen, `${count(wl.total)} watchlist hits in this period.`);
  if (wl.items.length < wl.total) note(pen, `Showing ${count(wl.items.length)} of ${count(wl.total)}.`);
  if (wl.items.length === 0) return;
  table(
    pen,
    'Watchlist',
    [
      { header: 'Asset', width: 0.26 },
      { header: 'Value', width: 0.35 },
      { header: 'Source', width: 0.17 },
      { header: 'Matched at', width: 0.22 },
    ],
    wl.items.map((h) => [`${h.assetKind}: ${h.assetValue}`, `${h.type}: ${h.value}`, h.source, pen.date(h.matchedAt)]),
  );
}

const sectionRenderers: Record<ReportSection, (pen: Pen, view: ReportView) => void> = {
  warnings: renderWarnings,
  indicators: renderIndicators,
  'most-sighted': renderMostSighted,
  changes: renderChanges,
  'feed-health': renderFeedHealth,
  watchlist: renderWatchlist,
};

function renderAdvice(pen: Pen, view: ReportView): void {
  if (!view.advice || view.advice.length === 0) return;
  heading(pen, 'What you can do');
  for (const a of view.advice) {
    paragraph(pen, a.label, { font: bold, size: 10, gap: 2 });
    for (const step of a.steps) paragraph(pen, step, { indent: 16, gap: 2, bullet: true });
    pen.y += 4;
  }
}

function renderLinks(pen: Pen, view: ReportView): void {
  heading(pen, 'Links');
  const links: [string, string | null][] = [
    ['Report', view.links.page],
    ['CSV', view.links.csv],
    ['STIX', view.links.stix],
  ];
  for (const [label, url] of links) if (url) paragraph(pen, `${label}: ${url}`, { size: 9, gap: 2 });
}

/** The header and footer of every page, drawn last because the footer needs the page count. */
function decoratePages(doc: Doc, view: ReportView, date: (iso: string) => string): void {
  const range = doc.bufferedPageRange();
  const width = contentWidth(doc);
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // The copy's marking on every page, as TLP 2.0 asks of a printed document.
    const marking = `TLP:${view.tlp.toUpperCase()}`;
    doc.font(bold).fontSize(8);
    const markingWidth = doc.widthOfString(marking) + 12;
    cell(doc, `${view.hubName} · ${view.title}`, margin.left, 30, width - markingWidth, { color: muted });
    cell(doc, marking, margin.left, 30, width, { font: bold, align: 'right' });
    doc.moveTo(margin.left, 42).lineTo(margin.left + width, 42).lineWidth(0.5).strokeColor(rule).stroke();
    const footerY = doc.page.height - 38;
    const pageLabel = `Page ${i + 1} of ${range.count}`;
    doc.font(regular).fontSize(8);
    const pageLabelWidth = doc.widthOfString(pageLabel) + 12;
    cell(doc, `For ${view.readerLabel}, generated ${date(view.generatedAt)}`, margin.left, footerY, width - pageLabelWidth, { color: muted });
    cell(doc, pageLabel, margin.left, footerY, width, { color: muted, align: 'right' });
  }
}

// ---------------------------------------------------------------------------------------------

function draw(doc: Doc, view: ReportView): void {
  const date = dateFormatter(view.timeZone);
  const pen: Pen = { doc, y: margin.top, date };
  paragraph(pen, view.title, { font: bold, size: 18, gap: 6 });
  paragraph(pen, `Period: ${date(view.from)} – ${date(view.to)} (${view.timeZone})`, { size: 10, gap: 2 });
  paragraph(pen, `For: ${view.readerLabel}`, { size: 10, gap: 10 });
  for (const sentence of view.narrative) paragraph(pen, sentence, { size: 10.5, gap: 4 });
  const s = view.summary;
  const summary = [`Warnings: ${count(s.warnings)}`, `Indicators: ${count(s.indicators)}`, `Sightings: ${count(s.sightings)}`];
  if (s.watchlistHits !== null) summary.push(`Watchlist hits: ${count(s.watchlistHits)}`);
  pen.y += 4;
  paragraph(pen, summary.join('  ·  '), { font: bold, size: 10.5, gap: 8 });
  for (const section of view.sections) sectionRenderers[section]?.(pen, view);
  renderAdvice(pen, view);
  renderLinks(pen, view);
  decoratePages(doc, view, date);
}

/** The PDF of one reader's copy. The same view always gives the same bytes. */
export async function renderReportPdf(view: ReportView): Promise<Buffer> {
  const created = new Date(view.generatedAt);
  if (Number.isNaN(created.getTime())) throw new Error(`report view: generatedAt is not a date (${view.generatedAt})`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: margin,
    bufferPages: true,
    lang: 'en-GB',
    displayTitle: true,
    // pdfkit derives the file /ID from these fields and stamps the current time unless told a
    // date, so fixing CreationDate makes the output the same bytes for the same view.
    info: {
      Title: view.title,
      Author: view.hubName,
      Subject: `${view.kind} threat report for ${view.period}, ${view.edition} edition, for ${view.readerLabel}`,
      Creator: 'Tocsin',
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc, view);
  doc.end();
  return done;
}
