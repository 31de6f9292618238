// The PDF report: rendered from a fixture view and read back with pdfjs-dist, so the tests check
// what a reader (or a search tool) gets out of the file, not how pdfkit was called.
import { describe, it, expect } from 'vitest';
import { pdfText } from '../test/pdf-text.js';
import { renderReportPdf, toWinAnsi } from './report.pdf.js';
import type { ReportView, ReportWarningItem } from './report-view.js';

const longTitle = `Credential phishing wave impersonating the council tax portal ${'and its payment pages '.repeat(12)}`.slice(0, 300);
const longUrl = `https://evil.example.net/login/${'a1b2c3d4'.repeat(250)}`.slice(0, 2000);

function warning(id: string, title: string, kindLabel = 'Phishing'): ReportWarningItem {
  return {
    id,
    title,
    kind: kindLabel.toLowerCase(),
    kindLabel,
    severity: 'high',
    tlp: 'TLP:AMBER',
    audience: 'all members',
    producer: 'Eastvale District Council',
    status: 'published',
    createdAt: '2026-12-07T09:15:00.000Z',
  };
}

function memberView(): ReportView {
  return {
    kind: 'daily',
    edition: 'member',
    tlp: 'amber',
    title: 'Daily threat report, Monday 7 December 2026',
    period: '2026-12-07',
    from: '2026-12-07T00:00:00.000Z',
    to: '2026-12-08T00:00:00.000Z',
    timeZone: 'Europe/London',
    generatedAt: '2026-12-08T06:00:00.000Z',
    readerLabel: 'Northshire County Council',
    hubName: 'Northshire Cyber Hub',
    narrative: [
      'Members shared 3 warnings today, twice the usual number.',
      'Phishing aimed at council tax payers was the most common kind of attack.',
    ],
    summary: { warnings: 3, indicators: 1234, sightings: 87, watchlistHits: 2 },
    sections: ['warnings', 'indicators', 'most-sighted', 'changes', 'feed-health', 'watchlist'],
    warnings: {
      total: 3,
      byKind: [
        { key: 'phishing', label: 'Phishing', count: 2 },
        { key: 'ransomware', label: 'Ransomware', count: 1 },
      ],
      bySeverity: [{ key: 'high', label: 'High', count: 3 }],
      items: [
        warning('w1', 'Fake invoice emails from a known supplier'),
        warning('w2', 'Ransomware group targeting schools', 'Ransomware'),
        warning('w3', longTitle),
      ],
    },
    indicators: {
      total: 1234,
      byType: [
        { key: 'url', label: 'URL', count: 900 },
        { key: 'domain', label: 'Domain', count: 300 },
        { key: 'ipv4', label: 'IPv4 address', count: 34 },
      ],
      bySource: [
        { key: 'members', label: 'Member submissions', count: 1200 },
        { key: 'feed:urlhaus', label: 'URLhaus feed', count: 34 },
      ],
    },
    mostSighted: {
      items: [
        { type: 'url', value: longUrl, sightings: 41, organisations: 7 },
        { type: 'domain', value: 'council-tax-refund.example', sightings: 19, organisations: 5 },
      ],
    },
    changes: {
      comparedDays: 28,
      rows: [
        { label: 'Warnings', current: 3, average: 1.5, changePct: 100 },
        { label: 'New indicators', current: 1234, average: 980.4, changePct: 26 },
        { label: 'Ransomware warnings', current: 1, average: 0, changePct: null },
      ],
    },
    feedHealth: {
      items: [
        { name: 'URLhaus', status: 'ok', healthy: true, runs: 24, failedRuns: 0, lastSuccessAt: '2026-12-07T23:00:00.000Z' },
        { name: 'Regional CERT TAXII', status: 'failing', healthy: false, runs: 24, failedRuns: 9, lastSuccessAt: null },
      ],
    },
    watchlist: {
      total: 2,
      items: [
        {
          assetKind: 'domain',
          assetValue: 'northshire.gov.example',
          type: 'url',
          value: 'https://northshire.gov.example.evil.test/pay',
          source: 'URLhaus',
          matchedAt: '2026-12-07T14:30:00.000Z',
        },
        {
          assetKind: 'ip-range',
          assetValue: '198.51.100.0/24',
          type: 'ipv4',
          value: '198.51.100.23',
          source: 'Member submissions',
          matchedAt: '2026-12-07T16:05:00.000Z',
        },
      ],
    },
    links: {
      page: 'https://hub.example/reports/daily/2026-12-07',
      pdf: 'https://hub.example/reports/daily/2026-12-07.pdf',
      csv: 'https://hub.example/reports/daily/2026-12-07.csv',
      stix: 'https://hub.example/reports/daily/2026-12-07.stix.json',
    },
  };
}

function publicView(): ReportView {
  return {
    ...memberView(),
    edition: 'public',
    tlp: 'clear',
    readerLabel: 'Public edition',
    summary: { warnings: 3, indicators: 1234, sightings: 87, watchlistHits: null },
    sections: ['warnings', 'indicators'],
    mostSighted: undefined,
    changes: undefined,
    feedHealth: undefined,
    watchlist: undefined,
    advice: [
      {
        kind: 'phishing',
        label: 'Phishing emails',
        steps: ['Do not click links in unexpected emails about council tax.', 'Report suspicious emails to the hub.'],
      },
    ],
    links: { page: 'https://hub.example/public/reports/2026-12-07', pdf: null, csv: null, stix: null },
  };
}

const extract = pdfText;

describe('renderReportPdf', () => {
  it('writes every fact of a member edition', async () => {
    const pdf = await renderReportPdf(memberView());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, pages, info } = await extract(pdf);

    expect(text).toContain('Daily threat report, Monday 7 December 2026');
    expect(text).toContain('Northshire Cyber Hub · Daily threat report');
    expect(text).toContain('Period: 7 Dec 2026, 00:00 – 8 Dec 2026, 00:00 (Europe/London)');
    expect(text).toContain('For: Northshire County Council');
    // the copy's marking heads every page
    for (const page of pages) expect(page).toContain('TLP:AMBER');
    expect(text).toContain('Members shared 3 warnings today, twice the usual number.');
    expect(text).toContain('Warnings: 3 · Indicators: 1,234 · Sightings: 87 · Watchlist hits: 2');

    // warnings: the table, the long title cut with an ellipsis, and the by-kind chart
    expect(text).toContain('Fake invoice emails from a known supplier');
    expect(text).toContain('Ransomware group targeting schools');
    expect(text).toContain('Credential phishing wave');
    expect(text).not.toContain(longTitle);
    expect(text).toContain('…');
    for (const s of ['TLP:AMBER', 'all members', 'Eastvale District Council', 'By severity: High 3']) expect(text).toContain(s);
    expect(text).toMatch(/Phishing 2/);
    expect(text).toMatch(/Ransomware 1/);

    // indicators
    expect(text).toContain('1,234 new indicators');
    for (const s of ['URL 900', 'Domain 300', 'IPv4 address 34', 'Member submissions 1,200', 'URLhaus feed 34']) expect(text).toContain(s);

    // most sighted: the 2,000-character URL is cut to its column
    expect(text).toContain('https://evil.example.net/login/a1b2c3d4');
    expect(text).not.toContain(longUrl.slice(0, 400));
    expect(text).toContain('council-tax-refund.example 19 5');

    // changes: chart labels and table
    expect(text).toContain('previous 28 days');
    expect(text).toContain('This period 1,234');
    expect(text).toContain('Average 980.4');
    expect(text).toContain('Warnings 3 1.5 +100%');
    expect(text).toContain('Ransomware warnings 1 0 n/a');

    // feed health, watchlist, links
    expect(text).toContain('URLhaus ok 24 0 7 Dec 2026, 23:00');
    expect(text).toContain('Regional CERT TAXII failing (unhealthy) 24 9 never');
    expect(text).toContain('domain: northshire.gov.example');
    expect(text).toContain('ipv4: 198.51.100.23');
    expect(text).toContain('7 Dec 2026, 16:05');
    expect(text).toContain('Report: https://hub.example/reports/daily/2026-12-07');
    expect(text).toContain('CSV: https://hub.example/reports/daily/2026-12-07.csv');
    expect(text).toContain('STIX: https://hub.example/reports/daily/2026-12-07.stix.json');

    expect(pages[0]).toContain(`Page 1 of ${pages.length}`);
    expect(info['Title']).toBe('Daily threat report, Monday 7 December 2026');
    expect(info['Author']).toBe('Northshire Cyber Hub');
    expect(String(info['Subject'])).toContain('member edition');
  });

  it('puts sections in the order of view.sections and leaves out the rest', async () => {
    const view = { ...memberView(), sections: ['watchlist', 'warnings'] as ReportView['sections'] };
    const { text } = await extract(await renderReportPdf(view));
    expect(text.indexOf('Watchlist')).toBeGreaterThan(-1);
    expect(text.indexOf('domain: northshire.gov.example')).toBeLessThan(text.indexOf('Fake invoice emails'));
    for (const absent of ['Most sighted', 'council-tax-refund.example', 'Feed health', 'Regional CERT TAXII', 'New indicators', 'By type']) {
      expect(text).not.toContain(absent);
    }
  });

  it('skips a chosen section the view lacks and says so for an empty one', async () => {
    const view: ReportView = {
      ...memberView(),
      mostSighted: undefined,
      warnings: { total: 0, byKind: [], bySeverity: [], items: [] },
      feedHealth: { items: [] },
    };
    const { text } = await extract(await renderReportPdf(view));
    expect(text).not.toContain('Most sighted');
    expect(text).toMatch(/Warnings None in this period\./);
    expect(text).toMatch(/Feed health None in this period\./);
  });

  it('writes the public edition with its advice and without watchlist hits', async () => {
    const { text } = await extract(await renderReportPdf(publicView()));
    expect(text).toContain('For: Public edition');
    expect(text).toContain('Warnings: 3 · Indicators: 1,234 · Sightings: 87');
    expect(text).not.toContain('Watchlist hits');
    expect(text).toContain('What you can do');
    expect(text).toContain('Phishing emails');
    expect(text).toContain('• Do not click links in unexpected emails about council tax.');
    expect(text).toContain('Report suspicious emails to the hub.');
    expect(text).toContain('Report: https://hub.example/public/reports/2026-12-07');
    expect(text).not.toContain('CSV:');
  });

  it('flows a 500-warning list over pages, repeating the table header', async () => {
    const items = Array.from({ length: 500 }, (_, i) => warning(`w${i}`, `Warning number ${String(i).padStart(3, '0')} about a lookalike domain`));
    const view: ReportView = { ...memberView(), warnings: { ...memberView().warnings!, total: 500, items } };
    const pdf = await renderReportPdf(view);
    const { pages, text } = await extract(pdf);

    expect(pages.length).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < 500; i++) expect(text).toContain(`Warning number ${String(i).padStart(3, '0')}`);
    pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${pages.length}`));
    expect(pages.filter((p) => p.includes('Warnings (continued) Title Kind Severity TLP Audience Producer')).length).toBeGreaterThanOrEqual(6);
  });

  it('shows text outside WinAnsi as ? instead of failing', async () => {
    const view = memberView();
    view.title = 'Отчёт 🔥 报告 daily';
    view.warnings!.items[0]!.title = 'Фишинг — 偽 invoice 👨‍👩‍👧';
    view.readerLabel = 'Zürich Œuvre';
    const pdf = await renderReportPdf(view);
    const { text, info } = await extract(pdf);
    expect(text).toContain('????? ? ?? daily');
    expect(text).toContain('?????? — ? invoice ?');
    expect(text).toContain('For: Zürich Œuvre');
    // metadata strings are UTF-16 in the PDF, so they keep the original
    expect(info['Title']).toBe('Отчёт 🔥 报告 daily');
  });

  it('gives the same bytes for the same view', async () => {
    const a = await renderReportPdf(memberView());
    const b = await renderReportPdf(memberView());
    expect(a.equals(b)).toBe(true);
    const c = await renderReportPdf({ ...memberView(), generatedAt: '2026-12-08T06:00:01.000Z' });
    expect(c.equals(a)).toBe(false);
  });
});

describe('toWinAnsi', () => {
  it('keeps Latin-1 and the Windows-1252 punctuation', () => {
    expect(toWinAnsi('café €5 – “quoted” … Œ ž ™ ±½')).toBe('café €5 – “quoted” … Œ ž ™ ±½');
  });

  it('replaces the rest with ?', () => {
    expect(toWinAnsi('Привет')).toBe('??????');
    expect(toWinAnsi('漢字')).toBe('??');
    expect(toWinAnsi('fire 🔥')).toBe('fire ?');
    // C1 controls share byte values with €, … and friends: they must not turn into those
    expect(toWinAnsi('a\u0080b\u0085c')).toBe('a?b?c');
    expect(toWinAnsi('lone \ud800 surrogate')).toBe('lone ? surrogate');
  });

  it('drops invisible joiners, turns odd spaces into spaces and composes accents', () => {
    expect(toWinAnsi('👨\u200d👩\u200d👧 ❤\ufe0f')).toBe('??? ?');
    expect(toWinAnsi('7\u202fDec\u2009x\tz')).toBe('7 Dec x z');
    expect(toWinAnsi('e\u0301')).toBe('é');
    expect(toWinAnsi('line\nnext')).toBe('line\nnext');
  });
});
