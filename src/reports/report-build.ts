// One reader's copy of a report: the stored facts filtered by the sharing policy as it stood
// when the report was made (the rules and group memberships kept in the facts), then counted
// and summarised. Counts are made only from what the reader may see, so a number never hints
// at an object the reader could not open.
import { DateTime } from 'luxon';
import { anonymousReader, canRead, type AudienceKind, type Reader, type ShareRule } from '../sharing/policy.js';
import { warningKindLabels, type WarningKind, severities } from '../stix/vocab.js';
import { tlpLevels, tlpRank, type Tlp } from '../stix/tlp.js';
import { defang } from '../stix/extract.js';
import { adviceFor, generalAdvice } from './advice.js';
import { narrativeOf } from './narrative.js';
import type { ReportFacts, RuleFact } from './report-facts.js';
import { reportSections, type ReportCount, type ReportEdition, type ReportKind, type ReportSection, type ReportView, type ReportWarningItem } from './report-view.js';

export interface ReportMeta {
  id: string;
  kind: ReportKind;
  period: string;
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
}

export interface CopyOptions {
  edition: ReportEdition;
  /** member edition: the reader's organisation (null for an operator without one) */
  orgId?: string | null;
  isOperator?: boolean;
  /** "Springfield", "Hub operators"… */
  readerLabel: string;
  /** the sections wanted; empty or absent: all the edition has */
  sections?: readonly ReportSection[];
}

export interface HubInfo {
  hubName: string;
  publicUrl: string;
}

const publicSections: readonly ReportSection[] = ['warnings', 'indicators', 'most-sighted', 'changes'];
const warningItemsShown = 200;
const sightedShown = 10;

const sourceLabels: Record<string, string> = { warning: 'Warnings', stix: 'STIX and TAXII' };

export function titleOf(kind: ReportKind, from: string, to: string, zone: string): string {
  const f = DateTime.fromISO(from, { zone }).setLocale('en-GB');
  const t = DateTime.fromISO(to, { zone }).setLocale('en-GB');
  if (kind === 'daily') return `Daily threat report, ${t.toFormat('cccc d LLLL yyyy')}`;
  if (kind === 'weekly') return `Weekly digest, ${f.toFormat('d LLLL')} to ${t.toFormat('d LLLL yyyy')}`;
  return `Monthly digest, ${f.toFormat('LLLL yyyy')}`;
}

/** URLs, domains, addresses as they read safely in a mail or a PDF: not clickable (hxxps://evil[.]example). */
export function displayValue(type: string, value: string): string {
  return ['url', 'domain', 'email', 'ipv4', 'ipv6', 'cidr'].includes(type) ? defang(value) : value;
}

const tlpLevelsOf = (rank: number): Tlp => tlpLevels[rank] ?? 'clear';

function ruleOf(r: RuleFact): ShareRule {
  return { tlp: r.tlp as Tlp, audienceKind: r.audienceKind as AudienceKind, producerOrgId: r.producerOrgId, audienceOrgIds: r.audienceOrgIds, audienceGroupIds: r.audienceGroupIds };
}

function counted(map: Map<string, number>, label: (key: string) => string): ReportCount[] {
  return [...map.entries()].map(([key, count]) => ({ key, label: label(key), count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function bump(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function changePct(current: number, average: number): number | null {
  return average === 0 ? null : Math.round(((current - average) / average) * 100);
}

export function buildView(meta: ReportMeta, facts: ReportFacts, copy: CopyOptions, hub: HubInfo): ReportView {
  const isPublic = copy.edition === 'public';
  const orgId = isPublic ? null : (copy.orgId ?? null);
  const reader: Reader = isPublic ? anonymousReader : { orgId, groupIds: new Set(orgId ? (facts.memberships[orgId] ?? []) : []), isOperator: copy.isOperator === true, anonymous: false };
  const seen = new Map<string, boolean>();
  // The public edition carries TLP:CLEAR only, even what the audience "public" would allow.
  const readable = (share: string): boolean => {
    let ok = seen.get(share);
    if (ok === undefined) {
      const rule = facts.rules[share];
      ok = rule !== undefined && canRead(reader, ruleOf(rule)) && (!isPublic || rule.tlp === 'clear');
      seen.set(share, ok);
    }
    return ok;
  };
  const allowed = isPublic ? publicSections : reportSections.filter((s) => s !== 'watchlist' || orgId !== null);
  const wanted = copy.sections && copy.sections.length > 0 ? copy.sections : reportSections;
  const sections = reportSections.filter((s) => allowed.includes(s) && wanted.includes(s));

  // Warnings
  const visibleWarnings = facts.warnings.filter((w) => readable(w.share));
  const byKind = new Map<string, number>();
  const bySeverity = new Map<string, number>();
  for (const w of visibleWarnings) {
    bump(byKind, w.kind, 1);
    bump(bySeverity, w.severity, 1);
  }
  const kindLabel = (k: string) => warningKindLabels[k as WarningKind] ?? k;
  const items: ReportWarningItem[] = visibleWarnings
    .map((w) => {
      const rule = facts.rules[w.share]!;
      return {
        id: w.id,
        title: w.title,
        kind: w.kind,
        kindLabel: kindLabel(w.kind),
        severity: w.severity,
        tlp: rule.tlp,
        audience: audienceLabel(rule, reader, facts),
        producer: producerLabel(rule, reader, facts, hub),
        status: w.status,
        createdAt: w.createdAt,
      };
    })
    .sort((a, b) => severities.indexOf(b.severity as never) - severities.indexOf(a.severity as never) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

  // Indicators
  const byType = new Map<string, number>();
  const bySource = new Map<string, number>();
  let indicatorTotal = 0;
  for (const i of facts.indicators) {
    if (!readable(i.share)) continue;
    indicatorTotal += i.count;
    bump(byType, i.type, i.count);
    bump(bySource, i.sourceKind === 'feed' ? i.source : (sourceLabels[i.sourceKind] ?? i.sourceKind), i.count);
  }

  // Changes against the window before
  const base = facts.baseline;
  const periods = Math.max(1, base.periods);
  const baseKinds = new Map<string, number>();
  let baseWarnings = 0;
  for (const b of base.warnings) {
    if (!readable(b.share)) continue;
    baseWarnings += b.count;
    bump(baseKinds, b.kind, b.count);
  }
  let baseIndicators = 0;
  for (const b of base.indicators) if (readable(b.share)) baseIndicators += b.count;
  const row = (label: string, current: number, total: number) => {
    const average = Math.round((total / periods) * 10) / 10;
    return { label, current, average, changePct: changePct(current, average) };
  };
  const kindsSeen = [...new Set([...byKind.keys(), ...baseKinds.keys()])].sort();
  const changeRows = [
    row('Warnings', visibleWarnings.length, baseWarnings),
    row('New indicators', indicatorTotal, baseIndicators),
    ...kindsSeen.map((k) => row(`${kindLabel(k)} warnings`, byKind.get(k) ?? 0, baseKinds.get(k) ?? 0)),
  ];

  // Most sighted
  const sighted = facts.sighted.filter((s) => s.shares.some(readable));
  const sightingTotal = sighted.reduce((n, s) => n + s.sightings, 0);

  // Feed health: the operator sees every feed; members the feeds shared with all members and their own.
  const feeds = isPublic ? [] : facts.feeds.filter((f) => reader.isOperator || f.audienceKind === 'members' || f.audienceKind === 'public' || (orgId !== null && f.orgId === orgId));

  // Watchlist: the organisation's own hits, each still subject to the policy.
  const watch = orgId ? facts.watch[orgId] : undefined;
  const watchItems = (watch?.items ?? []).filter((h) => readable(h.share));
  const watchTotal = watch ? watch.total - ((watch.items.length ?? 0) - watchItems.length) : 0;

  // The copy's own marking: what it names in the clear (titles, values), counts carry none.
  let copyTlp: Tlp = 'clear';
  const mark = (tlp: string) => {
    if (tlpRank(tlp as Tlp) > tlpRank(copyTlp)) copyTlp = tlp as Tlp;
  };
  if (sections.includes('warnings')) for (const w of items.slice(0, warningItemsShown)) mark(w.tlp);
  if (sections.includes('watchlist')) for (const h of watchItems) mark(facts.rules[h.share]!.tlp);
  if (sections.includes('most-sighted')) {
    for (const s of sighted.slice(0, sightedShown)) {
      // A value is known at the least restrictive level the reader may read it at.
      const levels = s.shares.filter(readable).map((sh) => tlpRank(facts.rules[sh]!.tlp as Tlp));
      mark(tlpLevelsOf(Math.min(...levels)));
    }
  }

  const view: ReportView = {
    kind: meta.kind,
    edition: copy.edition,
    title: titleOf(meta.kind, meta.from, meta.to, meta.timeZone),
    period: meta.period,
    from: meta.from,
    to: meta.to,
    timeZone: meta.timeZone,
    generatedAt: meta.generatedAt,
    readerLabel: copy.readerLabel,
    hubName: hub.hubName,
    tlp: copyTlp,
    narrative: [],
    summary: { warnings: visibleWarnings.length, indicators: indicatorTotal, sightings: sightingTotal, watchlistHits: orgId ? watchTotal : null },
    sections,
    links: isPublic
      ? {
          page: `${hub.publicUrl}/public/reports/${meta.kind}/${meta.period}`,
          pdf: `${hub.publicUrl}/public/reports/${meta.kind}/${meta.period}.pdf`,
          csv: `${hub.publicUrl}/public/reports/${meta.kind}/${meta.period}.csv`,
          stix: `${hub.publicUrl}/public/reports/${meta.kind}/${meta.period}.stix.json`,
        }
      : { page: `${hub.publicUrl}/reports/${meta.id}`, pdf: `${hub.publicUrl}/api/reports/${meta.id}/pdf`, csv: null, stix: null },
  };
  if (sections.includes('warnings')) view.warnings = { total: visibleWarnings.length, byKind: counted(byKind, kindLabel), bySeverity: counted(bySeverity, (s) => s), items: items.slice(0, warningItemsShown) };
  if (sections.includes('indicators')) view.indicators = { total: indicatorTotal, byType: counted(byType, (t) => t), bySource: counted(bySource, (s) => s) };
  if (sections.includes('most-sighted')) view.mostSighted = { items: sighted.slice(0, sightedShown).map((s) => ({ type: s.type, value: displayValue(s.type, s.value), sightings: s.sightings, organisations: s.organisations })) };
  if (sections.includes('changes')) view.changes = { comparedDays: base.days, rows: changeRows };
  if (sections.includes('feed-health')) {
    view.feedHealth = {
      items: feeds
        .map((f) => {
          const status = !f.enabled ? 'disabled' : (f.lastStatus ?? 'not run yet');
          return { name: f.name, status, healthy: f.enabled && f.consecutiveFailures === 0 && f.lastStatus !== 'failed', runs: f.runs, failedRuns: f.failedRuns, lastSuccessAt: f.lastSuccessAt };
        })
        .sort((a, b) => Number(a.healthy) - Number(b.healthy) || a.name.localeCompare(b.name)),
    };
  }
  if (sections.includes('watchlist') && orgId) {
    view.watchlist = { total: watchTotal, items: watchItems.map((h) => ({ assetKind: h.assetKind, assetValue: h.assetValue, type: h.type, value: displayValue(h.type, h.value), source: h.source, matchedAt: h.matchedAt })) };
  }
  if (isPublic) {
    const advice = adviceFor([...byKind.entries()].map(([key, count]) => ({ key, count })));
    view.advice = advice.length > 0 ? advice : [generalAdvice];
  }
  // The narrative speaks of what this copy shows, with all its numbers (not only the chosen sections).
  view.narrative = narrativeOf({
    ...view,
    warnings: { total: visibleWarnings.length, byKind: counted(byKind, kindLabel), bySeverity: [], items },
    changes: { comparedDays: base.days, rows: changeRows },
    mostSighted: { items: sighted.slice(0, 1).map((s) => ({ type: s.type, value: displayValue(s.type, s.value), sightings: s.sightings, organisations: s.organisations })) },
    feedHealth: view.feedHealth,
    watchlist: orgId ? { total: watchTotal, items: [] } : undefined,
  });
  return view;
}

function audienceLabel(rule: RuleFact, reader: Reader, facts: ReportFacts): string {
  switch (rule.audienceKind) {
    case 'public':
      return 'public';
    case 'members':
      return 'all members';
    case 'groups':
      // Only the groups the reader is in are named: the others' names are not theirs to know.
      return rule.audienceGroupIds.filter((g) => reader.groupIds.has(g)).map((g) => `group ${facts.groupNames[g] ?? g}`).join(', ') || 'a sharing group';
    case 'orgs': {
      const n = rule.audienceOrgIds.length;
      return reader.orgId !== null && reader.orgId === rule.producerOrgId ? rule.audienceOrgIds.map((o) => facts.orgNames[o] ?? o).join(', ') : `${n} named organisation${n === 1 ? '' : 's'}`;
    }
    default:
      return rule.audienceKind;
  }
}

function producerLabel(rule: RuleFact, reader: Reader, facts: ReportFacts, hub: HubInfo): string {
  if (rule.producerOrgId === null) return hub.hubName;
  if (rule.anonymous && reader.orgId !== rule.producerOrgId) return rule.publicLabel ?? 'a member';
  return facts.orgNames[rule.producerOrgId] ?? 'a member';
}
