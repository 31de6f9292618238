// The public edition as syndication feeds: Atom 1.0 (RFC 4287) and RSS 2.0, one entry per
// report, its body the same HTML as the page (escaped into the XML).
import { escapeHtml as esc } from '../mail/mailer.js';
import type { ReportView } from './report-view.js';
import { reportBodyHtml } from './report.html.js';

/** XML 1.0 cannot carry most control characters at all, escaped or not. */
function xml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return esc(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
}

export interface FeedEntry {
  id: string;
  view: ReportView;
}

export function atomFeed(entries: FeedEntry[], hub: { hubName: string; publicUrl: string }): string {
  const self = `${hub.publicUrl}/public/reports/feed.atom`;
  const updated = entries[0]?.view.generatedAt ?? '1970-01-01T00:00:00.000Z';
  const items = entries
    .map(
      ({ id, view }) => `  <entry>
    <id>urn:uuid:${id}</id>
    <title>${xml(view.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(view.links.page)}"/>
    ${view.links.pdf ? `<link rel="enclosure" type="application/pdf" href="${xml(view.links.pdf)}"/>` : ''}
    ${view.links.csv ? `<link rel="enclosure" type="text/csv" href="${xml(view.links.csv)}"/>` : ''}
    <updated>${view.generatedAt}</updated>
    <published>${view.generatedAt}</published>
    <summary type="text">${xml(view.narrative.join(' '))}</summary>
    <content type="html">${xml(reportBodyHtml(view))}</content>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(self)}</id>
  <title>${xml(hub.hubName)}: public threat report</title>
  <subtitle>What the region's members saw, in plain language, with practical advice (TLP:CLEAR only).</subtitle>
  <link rel="self" type="application/atom+xml" href="${xml(self)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${hub.publicUrl}/public/reports`)}"/>
  <author><name>${xml(hub.hubName)}</name></author>
  <updated>${updated}</updated>
${items}
</feed>
`;
}

export function rssFeed(entries: FeedEntry[], hub: { hubName: string; publicUrl: string }): string {
  const items = entries
    .map(
      ({ id, view }) => `    <item>
      <title>${xml(view.title)}</title>
      <link>${xml(view.links.page)}</link>
      <guid isPermaLink="false">urn:uuid:${id}</guid>
      <pubDate>${new Date(view.generatedAt).toUTCString()}</pubDate>
      <description>${xml(reportBodyHtml(view))}</description>
      ${view.links.pdf ? `<enclosure url="${xml(view.links.pdf)}" type="application/pdf" length="0"/>` : ''}
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${xml(hub.hubName)}: public threat report</title>
    <link>${xml(`${hub.publicUrl}/public/reports`)}</link>
    <description>What the region's members saw, in plain language, with practical advice (TLP:CLEAR only).</description>
    <atom:link href="${xml(`${hub.publicUrl}/public/reports/feed.rss`)}" rel="self" type="application/rss+xml"/>
${items}
  </channel>
</rss>
`;
}
