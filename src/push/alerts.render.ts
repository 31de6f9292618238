// What an email alert says: subject, plain-text and HTML parts of one warning alert or an
// hourly digest. Pure functions over the event payload; everything a member typed is escaped.
import { escapeHtml } from '../mail/mailer.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import { isKnownTld } from '../stix/tlds.js';
import { isWarningKind, severities, warningKindLabels } from '../stix/vocab.js';
import type { Warning } from '../warnings/warnings.view.js';
import { defang } from '../stix/extract.js';
import { explainMatch, matchCountText, watchlistLink, type WatchlistAlert } from '../watchlists/watchlist-event.js';

export const alertEventTypes = ['warning.created', 'warning.updated', 'warning.retracted'] as const;
export type AlertEventType = (typeof alertEventTypes)[number];

/** The parts of a warning an alert shows (payloads are what the recipient may see: `full` or `others`). */
export type AlertWarning = Pick<Warning, 'id' | 'title' | 'kind' | 'severity' | 'tlp' | 'details' | 'indicators' | 'source' | 'status' | 'retractionReason' | 'version'>;

export interface AlertItem {
  type: AlertEventType;
  warning: AlertWarning;
}

export interface RenderOptions {
  /** config.publicUrl, without a trailing slash */
  publicUrl: string;
  /** why this person gets the mail, completing "You get this email because …" */
  reason: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** TLP 2.0 colours (FIRST): the level's colour on black, which keeps every label at or above 5.5:1 contrast. */
export const tlpStyles: Readonly<Record<Tlp, { label: string; color: string; meaning: string }>> = {
  clear: { label: 'TLP:CLEAR', color: '#FFFFFF', meaning: 'Disclosure is not limited.' },
  green: { label: 'TLP:GREEN', color: '#33FF00', meaning: 'Limited disclosure: you may share this within your community, not publicly.' },
  amber: { label: 'TLP:AMBER', color: '#FFC000', meaning: 'Limited disclosure: share only within your organisation and its clients, on a need-to-know basis.' },
  'amber+strict': { label: 'TLP:AMBER+STRICT', color: '#FFC000', meaning: 'Limited disclosure: share only within your organisation, on a need-to-know basis.' },
  red: { label: 'TLP:RED', color: '#FF2B2B', meaning: 'For your eyes only: no further disclosure.' },
};

/** How much of the details and indicators a mail carries; the rest is one click away. */
export const mailLimits = { details: 4000, digestDetails: 400, indicators: 50, digestIndicators: 10, subjectTitle: 150 };

/**
 * Read an event payload as an alert, or null when it is not a warning event this renderer
 * knows (a future event type, or a payload from an older version missing fields).
 */
export function toAlertItem(payload: unknown): AlertItem | null {
  if (!isObject(payload) || !(alertEventTypes as readonly unknown[]).includes(payload.type)) return null;
  const w = payload.warning;
  if (!isObject(w)) return null;
  if (typeof w.id !== 'string' || typeof w.title !== 'string' || typeof w.kind !== 'string' || typeof w.severity !== 'string') return null;
  if (typeof w.tlp !== 'string' || !(tlpLevels as readonly string[]).includes(w.tlp)) return null;
  const source = isObject(w.source) && typeof w.source.label === 'string' ? w.source : { label: 'A member', anonymous: true, orgId: null };
  const indicators = Array.isArray(w.indicators)
    ? w.indicators.filter(isObject).map((i) => ({ type: String(i.type ?? ''), value: String(i.value ?? ''), defanged: typeof i.defanged === 'string' ? i.defanged : defangText(String(i.value ?? '')) }))
    : [];
  return {
    type: payload.type as AlertEventType,
    warning: {
      id: w.id,
      title: w.title,
      kind: w.kind,
      severity: w.severity,
      tlp: w.tlp as Tlp,
      details: typeof w.details === 'string' ? w.details : '',
      indicators,
      source: source as AlertWarning['source'],
      status: typeof w.status === 'string' ? w.status : 'active',
      retractionReason: typeof w.retractionReason === 'string' ? w.retractionReason : null,
      version: typeof w.version === 'number' ? w.version : 1,
    },
  };
}

/** `[TLP:AMBER] High: Phishing — Title`, with `Updated:` or `Retracted:` after the TLP tag. */
/**
 * TLP:RED is for the named recipients only, and mail is easily forwarded: a RED warning's
 * title, details and indicators never go into a mail — the mail says one arrived and links to it.
 */
export function sealRed(item: AlertItem): AlertItem {
  if (item.warning.tlp !== 'red') return item;
  return { ...item, warning: { ...item.warning, title: 'TLP:RED warning — sign in to read it', details: 'This warning is TLP:RED: its content is not sent by email. Sign in to the hub to read it.', indicators: [] } };
}

export function alertSubject(original: AlertItem): string {
  const item = sealRed(original);
  const w = item.warning;
  const title = truncate(oneLine(defangText(w.title)), mailLimits.subjectTitle);
  const what = `${kindLabel(w.kind)} — ${title}`;
  const tag = `[${tlpStyles[w.tlp].label}]`;
  if (item.type === 'warning.retracted') return `${tag} Retracted: ${what}`;
  const rated = `${severityLabel(w.severity)}: ${what}`;
  return item.type === 'warning.updated' ? `${tag} Updated: ${rated}` : `${tag} ${rated}`;
}

export function renderAlert(original: AlertItem, opts: RenderOptions): RenderedMail {
  const item = sealRed(original);
  const w = item.warning;
  const link = warningLink(opts.publicUrl, w.id);
  const tlp = tlpStyles[w.tlp];
  const details = truncate(defangText(w.details.trim()), mailLimits.details);
  const shown = w.indicators.slice(0, mailLimits.indicators);
  const more = w.indicators.length - shown.length;

  const text = [
    `${tlp.label} — ${tlp.meaning}`,
    '',
    ...statusLines(item).map((l) => l.text),
    `${severityLabel(w.severity)} · ${kindLabel(w.kind)}`,
    oneLine(defangText(w.title)),
    `From: ${oneLine(w.source.label)}`,
    '',
    details || '(no details given)',
    ...(details.length < w.details.trim().length ? ['[…] The full text is on the hub.'] : []),
    '',
    ...(shown.length ? [`Indicators (defanged, ${w.indicators.length}):`, ...shown.map((i) => `  ${i.type.padEnd(7)} ${oneLine(i.defanged)}`), ...(more > 0 ? [`  … and ${more} more on the hub`] : []), ''] : []),
    `Read it on the hub: ${link}`,
    '',
    ...footerText(opts),
  ].join('\n');

  const html = page(
    [
      tlpBanner(w.tlp),
      ...statusLines(item).map((l) => `<p style="margin:12px 0;padding:8px 12px;border-left:4px solid ${l.retracted ? '#B00020' : '#1F5FAD'};background:#F4F4F4;color:#1A1A1A">${escapeHtml(l.text)}</p>`),
      `<p style="margin:16px 0 4px;color:#444">${escapeHtml(severityLabel(w.severity))} · ${escapeHtml(kindLabel(w.kind))}</p>`,
      `<h1 style="margin:0 0 8px;font-size:20px;line-height:1.3;color:#1A1A1A">${escapeHtml(oneLine(defangText(w.title)))}</h1>`,
      `<p style="margin:0 0 16px;color:#444">From: ${escapeHtml(oneLine(w.source.label))}</p>`,
      `<div style="white-space:pre-wrap;margin:0 0 16px;color:#1A1A1A">${escapeHtml(details || '(no details given)')}${details.length < w.details.trim().length ? '<br>[…] The full text is on the hub.' : ''}</div>`,
      shown.length ? indicatorList(shown, more) : '',
      button(link, 'Read it on the hub'),
    ].join('\n'),
    opts,
  );
  return { subject: alertSubject(item), text, html };
}

/**
 * One mail for many alerts, in the order given (the deliverer passes newest first). The
 * subject carries the most restrictive TLP among them, so a mail filter keyed on it holds.
 */
export function renderDigest(originals: readonly AlertItem[], opts: RenderOptions, watchlist: readonly WatchlistAlert[] = []): RenderedMail {
  const items = originals.map(sealRed);
  const watch = watchlist.map(sealWatchRed);
  const strictest = [...items.map((i) => i.warning.tlp), ...watch.map((a) => a.watchlist.tlp)].reduce<Tlp>((t, x) => (tlpLevels.indexOf(x) > tlpLevels.indexOf(t) ? x : t), 'clear');
  const live = items.filter((i) => i.type !== 'warning.retracted');
  const top = live.reduce<string | null>((s, i) => (s === null || severities.indexOf(i.warning.severity as never) > severities.indexOf(s as never) ? i.warning.severity : s), null);
  const matchCount = watch.reduce((n, a) => n + a.watchlist.matchCount, 0);
  const count = [
    ...(items.length || !watch.length ? [`${items.length} warning${items.length === 1 ? '' : 's'}`] : []),
    ...(watch.length ? [`${matchCount} watchlist match${matchCount === 1 ? '' : 'es'}`] : []),
  ].join(' and ');
  const watchPart = watchDigestSection(watch, opts);
  const subject = `[${tlpStyles[strictest].label}] Hourly digest: ${count}${top ? ` (highest: ${severityLabel(top)})` : ''}`;

  const textItems = items.map((item, n) => {
    const w = item.warning;
    const details = truncate(oneLine(defangText(w.details)), mailLimits.digestDetails);
    const shown = w.indicators.slice(0, mailLimits.digestIndicators);
    return [
      `${n + 1}. [${tlpStyles[w.tlp].label}] ${marker(item)}${item.type === 'warning.retracted' ? '' : `${severityLabel(w.severity)}: `}${kindLabel(w.kind)} — ${oneLine(defangText(w.title))}`,
      `   From: ${oneLine(w.source.label)}`,
      ...(item.type === 'warning.retracted' ? [`   Retracted: ${oneLine(w.retractionReason ?? 'no reason given')}`] : details ? [`   ${details}`] : []),
      ...(shown.length ? [`   Indicators (defanged): ${shown.map((i) => oneLine(i.defanged)).join(', ')}${w.indicators.length > shown.length ? `, … ${w.indicators.length - shown.length} more` : ''}`] : []),
      `   ${warningLink(opts.publicUrl, w.id)}`,
    ].join('\n');
  });
  const text = [`Hourly digest: ${count} since the last one, newest first.`, '', ...watchPart.text, textItems.join('\n\n'), '', ...footerText(opts)].join('\n');

  const htmlItems = items.map((item) => {
    const w = item.warning;
    const details = truncate(oneLine(defangText(w.details)), mailLimits.digestDetails);
    const shown = w.indicators.slice(0, mailLimits.digestIndicators);
    const retracted = item.type === 'warning.retracted';
    return [
      `<div style="margin:0 0 20px;padding:0 0 16px;border-bottom:1px solid #DDD">`,
      `<p style="margin:0 0 6px">${tlpLabel(w.tlp)}${marker(item) ? ` <strong style="color:${retracted ? '#B00020' : '#1F5FAD'}">${escapeHtml(marker(item).replace(/: $/, ''))}</strong>` : ''} <span style="color:#444">${retracted ? '' : `${escapeHtml(severityLabel(w.severity))} · `}${escapeHtml(kindLabel(w.kind))}</span></p>`,
      `<h2 style="margin:0 0 4px;font-size:17px;line-height:1.3"><a href="${escapeHtml(warningLink(opts.publicUrl, w.id))}" style="color:#1F5FAD">${retracted ? '<s>' : ''}${escapeHtml(oneLine(defangText(w.title)))}${retracted ? '</s>' : ''}</a></h2>`,
      `<p style="margin:0 0 6px;color:#444">From: ${escapeHtml(oneLine(w.source.label))}</p>`,
      retracted
        ? `<p style="margin:0;color:#B00020">Retracted: ${escapeHtml(oneLine(w.retractionReason ?? 'no reason given'))}</p>`
        : details
          ? `<p style="margin:0;color:#1A1A1A">${escapeHtml(details)}</p>`
          : '',
      shown.length
        ? `<p style="margin:6px 0 0;font-family:Consolas,Menlo,monospace;font-size:13px;color:#1A1A1A">${shown.map((i) => escapeHtml(oneLine(i.defanged))).join(', ')}${w.indicators.length > shown.length ? ` … ${w.indicators.length - shown.length} more` : ''}</p>`
        : '',
      `</div>`,
    ].join('\n');
  });
  const html = page([tlpBanner(strictest), `<h1 style="margin:16px 0;font-size:20px;color:#1A1A1A">Hourly digest: ${escapeHtml(count)}</h1>`, ...watchPart.html, ...htmlItems].join('\n'), opts);
  return { subject, text, html };
}

// --- watchlist matches -------------------------------------------------------------------

/** Like sealRed: what a TLP:RED source said (its values, its title) is not mailed, only that it matched. */
export function sealWatchRed(alert: WatchlistAlert): WatchlistAlert {
  const w = alert.watchlist;
  if (w.tlp !== 'red') return alert;
  return { ...alert, watchlist: { ...w, source: { ...w.source, label: 'a TLP:RED source (sign in to read it)' }, matches: [] } };
}

export function watchlistSubject(original: WatchlistAlert): string {
  const w = sealWatchRed(original).watchlist;
  const from = w.tlp === 'red' ? '' : ` — from ${truncate(oneLine(defangText(w.source.label)), mailLimits.subjectTitle)}`;
  return `[${tlpStyles[w.tlp].label}] Watchlist: ${matchCountText(w.matchCount)}${from}`;
}

/** The mail for new intel touching the reader's own organisation's assets. */
export function renderWatchlistAlert(original: WatchlistAlert, opts: RenderOptions): RenderedMail {
  const alert = sealWatchRed(original);
  const w = alert.watchlist;
  const link = w.link || watchlistLink(opts.publicUrl);
  const tlp = tlpStyles[w.tlp];
  const lines = w.matches.slice(0, mailLimits.indicators).map((m) => oneLine(explainMatch(m, defang)));
  const more = w.matchCount - lines.length;
  const sealed = w.tlp === 'red' ? ['The source is TLP:RED: what it says is not sent by email. Sign in to the hub to read the matches.'] : [];
  const text = [
    `${tlp.label} — ${tlp.meaning}`,
    '',
    "New intel touches your organisation's own assets.",
    `From: ${oneLine(defangText(w.source.label))}`,
    '',
    `${matchCountText(w.matchCount)}${lines.length ? ' (values defanged):' : '.'}`,
    ...lines.map((l) => `  - ${l}`),
    ...(more > 0 && lines.length ? [`  … and ${more} more on the hub`] : []),
    ...sealed,
    '',
    `Review and acknowledge them on the hub: ${link}`,
    '',
    ...footerText(opts),
  ].join('\n');
  const html = page(
    [
      tlpBanner(w.tlp),
      `<h1 style="margin:16px 0 8px;font-size:20px;line-height:1.3;color:#1A1A1A">${escapeHtml(matchCountText(w.matchCount))}</h1>`,
      `<p style="margin:0 0 8px;color:#444">New intel touches your organisation's own assets. From: ${escapeHtml(oneLine(defangText(w.source.label)))}</p>`,
      lines.length ? `<ul style="margin:0 0 16px;padding-left:20px">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}${more > 0 ? `<li>… and ${more} more on the hub</li>` : ''}</ul>` : '',
      ...sealed.map((l) => `<p style="margin:0 0 16px;color:#1A1A1A">${escapeHtml(l)}</p>`),
      button(link, 'Review the matches'),
    ].join('\n'),
    opts,
  );
  return { subject: watchlistSubject(alert), text, html };
}

function watchDigestSection(watch: readonly WatchlistAlert[], opts: RenderOptions): { text: string[]; html: string[] } {
  if (watch.length === 0) return { text: [], html: [] };
  const text: string[] = ["Your watchlist (new intel touching your organisation's own assets):"];
  const html: string[] = [`<h2 style="margin:0 0 8px;font-size:17px">Your watchlist</h2>`];
  for (const a of watch) {
    const w = a.watchlist;
    const lines = w.matches.slice(0, mailLimits.digestIndicators).map((m) => oneLine(explainMatch(m, defang)));
    const more = w.matchCount - lines.length;
    text.push(`  [${tlpStyles[w.tlp].label}] ${matchCountText(w.matchCount)} from ${oneLine(defangText(w.source.label))}`, ...lines.map((l) => `    - ${l}`), ...(more > 0 ? [`    … and ${more} more`] : []));
    html.push(
      `<div style="margin:0 0 16px;padding:0 0 12px;border-bottom:1px solid #DDD"><p style="margin:0 0 6px">${tlpLabel(w.tlp)} ${escapeHtml(matchCountText(w.matchCount))} from ${escapeHtml(oneLine(defangText(w.source.label)))}</p>` +
        (lines.length ? `<ul style="margin:0;padding-left:20px">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}${more > 0 ? `<li>… and ${more} more</li>` : ''}</ul>` : '') +
        `</div>`,
    );
  }
  const link = watchlistLink(opts.publicUrl);
  text.push(`  ${link}`, '');
  html.push(`<p style="margin:0 0 20px"><a href="${escapeHtml(link)}" style="color:#1F5FAD">Review the matches</a></p>`);
  return { text, html };
}

export function warningLink(publicUrl: string, warningId: string): string {
  return `${publicUrl}/warnings/${encodeURIComponent(warningId)}`;
}

/**
 * Neutralise links in free text (titles, details) so a mail client does not make them
 * clickable: `https://evil.example/x` → `hxxps://evil[.]example/x`, `evil.example` →
 * `evil[.]example` (only names ending in a real top-level domain, so `report.pdf` stays).
 */
export function defangText(text: string): string {
  // Token by token, each step linear: a regex over the whole text backtracks badly on input
  // like "a.a.a.…" and details may be 50,000 characters long.
  return text.replace(/[^\s<>"'`()[\]{}|\\^]+/g, defangToken);
}

function defangToken(token: string): string {
  const scheme = /(https?|ftps?):\/\//i.exec(token);
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    const safe = s.startsWith('http') ? `hxxp${s.slice(4)}` : `fxp${s.slice(3)}`;
    const rest = token.slice(scheme.index + scheme[0].length);
    const cut = rest.search(/[/?#]/);
    const authority = cut === -1 ? rest : rest.slice(0, cut);
    return `${token.slice(0, scheme.index)}${safe}://${authority.replaceAll('.', '[.]')}${cut === -1 ? '' : rest.slice(cut)}`;
  }
  // [lead]local@host/path[trail] or host/path: only the host part changes.
  let end = token.length;
  while (end > 0 && '.,;:!?'.includes(token[end - 1]!)) end -= 1;
  const body = token.slice(0, end);
  const trail = token.slice(end);
  const at = body.lastIndexOf('@');
  const slash = body.indexOf('/', at + 1);
  const hostStart = at + 1;
  const hostEnd = slash === -1 ? body.length : slash;
  const host = body.slice(hostStart, hostEnd);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) || !isKnownTld(host.slice(host.lastIndexOf('.') + 1))) return token;
  return `${body.slice(0, hostStart)}${host.replaceAll('.', '[.]')}${body.slice(hostEnd)}${trail}`;
}

// ---------------------------------------------------------------------------------------

function statusLines(item: AlertItem): Array<{ text: string; retracted: boolean }> {
  const w = item.warning;
  if (item.type === 'warning.retracted') return [{ text: `RETRACTED by the sender: ${oneLine(w.retractionReason ?? 'no reason given')}`, retracted: true }];
  if (item.type === 'warning.updated') return [{ text: `UPDATED: this is version ${w.version} of a warning you received before.`, retracted: false }];
  return [];
}

function marker(item: AlertItem): string {
  return item.type === 'warning.retracted' ? 'Retracted: ' : item.type === 'warning.updated' ? 'Updated: ' : '';
}

function footerText(opts: RenderOptions): string[] {
  return ['--', `You get this email because ${opts.reason}.`, `Change which alerts you get, or turn them off: ${opts.publicUrl}/account`, ''];
}

function page(body: string, opts: RenderOptions): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>',
    '<body style="margin:0;padding:0;background:#FFFFFF">',
    '<div style="max-width:640px;margin:0 auto;padding:16px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1A1A1A">',
    body,
    `<hr style="border:none;border-top:1px solid #DDD;margin:24px 0 12px">`,
    `<p style="margin:0 0 4px;font-size:13px;color:#444">You get this email because ${escapeHtml(opts.reason)}.</p>`,
    `<p style="margin:0;font-size:13px;color:#444"><a href="${escapeHtml(`${opts.publicUrl}/account`)}" style="color:#1F5FAD">Change which alerts you get, or turn them off</a></p>`,
    '</div></body></html>',
  ].join('\n');
}

function tlpLabel(tlp: Tlp): string {
  const s = tlpStyles[tlp];
  return `<span style="display:inline-block;background:#000000;color:${s.color};font-family:Consolas,Menlo,monospace;font-weight:bold;padding:2px 8px;border-radius:3px">${escapeHtml(s.label)}</span>`;
}

function tlpBanner(tlp: Tlp): string {
  return `<p style="margin:0;padding:8px 12px;background:#000000;color:#FFFFFF">${tlpLabel(tlp)} <span style="color:#FFFFFF">${escapeHtml(tlpStyles[tlp].meaning)}</span></p>`;
}

function indicatorList(shown: AlertWarning['indicators'], more: number): string {
  const rows = shown.map((i) => `<li><span style="color:#444">${escapeHtml(i.type)}</span> <code style="font-family:Consolas,Menlo,monospace">${escapeHtml(oneLine(i.defanged))}</code></li>`);
  if (more > 0) rows.push(`<li>… and ${more} more on the hub</li>`);
  return `<p style="margin:0 0 4px;font-weight:bold">Indicators (defanged)</p>\n<ul style="margin:0 0 16px;padding-left:20px">${rows.join('')}</ul>`;
}

function button(href: string, label: string): string {
  return `<p style="margin:16px 0"><a href="${escapeHtml(href)}" style="display:inline-block;background:#1F5FAD;color:#FFFFFF;padding:10px 16px;border-radius:4px;text-decoration:none;font-weight:bold">${escapeHtml(label)}</a></p>`;
}

function kindLabel(kind: string): string {
  return isWarningKind(kind) ? warningKindLabels[kind] : oneLine(kind);
}

function severityLabel(severity: string): string {
  const s = oneLine(severity);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Control characters and line breaks out, whitespace folded: for subjects and one-line fields. */
function oneLine(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu, ' ').replace(/\s+/g, ' ').trim();
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
