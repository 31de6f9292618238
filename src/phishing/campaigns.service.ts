// Campaigns: residents' reports grouped by what they share (a link, a domain, the sender's
// domain, an attachment), with reports per day, for member analysts; and promoting a
// campaign into a warning sent as the analyst's organisation.
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { notFound } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import type { AudienceInput } from '../sharing/shares.js';
import { defang } from '../stix/extract.js';
import type { IndicatorType } from '../stix/observables.js';
import type { Severity } from '../stix/vocab.js';
import { createWarning, type IndicatorInput } from '../warnings/warnings.service.js';
import type { Warning } from '../warnings/warnings.view.js';
import { formatDay } from './knowledge.js';
import { campaignDaily, campaignSamples, campaignVerdicts, checksForKey, topCampaignKeys, type CampaignKey } from './phishing.repository.js';
import { requirePhishingReader, toCheck } from './phishing.service.js';
import { verdictHeadlines, verdicts, type VerdictName } from './words.js';

export const campaignKinds = ['url', 'domain', 'sender-domain', 'attachment'] as const;
export type CampaignKind = (typeof campaignKinds)[number];

export interface Campaign {
  kind: CampaignKind;
  value: string;
  /** safe to show: links and domains defanged */
  defanged: string;
  reports: number;
  firstSeen: string;
  lastSeen: string;
  verdicts: Record<VerdictName, number>;
  /** reports per UTC day, oldest first, days without reports left out */
  daily: Array<{ day: string; reports: number }>;
  /** a few recent (scrubbed) subjects */
  subjects: string[];
  /** warnings already made from its reports */
  warningIds: string[];
}

export interface CampaignQuery {
  days?: number | undefined;
  kind?: CampaignKind | undefined;
  minReports?: number | undefined;
  limit?: number | undefined;
}

export async function listCampaigns(ctx: AppContext, actor: Actor, q: CampaignQuery): Promise<{ items: Campaign[]; since: string }> {
  requirePhishingReader(actor);
  const since = sinceDays(ctx, q.days ?? 30);
  const top = await topCampaignKeys(ctx.db, { since, kind: q.kind, minReports: q.minReports ?? 2, limit: q.limit ?? 50 });
  const keys: CampaignKey[] = top.map(({ kind, value }) => ({ kind, value }));
  const [daily, byVerdict, samples] = await Promise.all([campaignDaily(ctx.db, keys, since), campaignVerdicts(ctx.db, keys, since), campaignSamples(ctx.db, keys, since, 20)]);
  const same = (a: CampaignKey) => (b: CampaignKey) => a.kind === b.kind && a.value === b.value;
  const items = top.map((t): Campaign => {
    const counts = Object.fromEntries(verdicts.map((v) => [v, 0])) as Record<VerdictName, number>;
    for (const v of byVerdict.filter(same(t))) if (v.verdict in counts) counts[v.verdict as VerdictName] += v.reports;
    const mine = samples.filter(same(t));
    return {
      kind: t.kind as CampaignKind,
      value: t.value,
      defanged: t.kind === 'attachment' ? t.value : defang(t.value),
      reports: t.reports,
      firstSeen: t.firstSeen,
      lastSeen: t.lastSeen,
      verdicts: counts,
      daily: daily.filter(same(t)).map(({ day, reports }) => ({ day, reports })),
      subjects: [...new Set(mine.map((s) => s.subject).filter(Boolean))].slice(0, 3),
      warningIds: [...new Set(mine.map((s) => s.sharedWarningId).filter((id): id is string => id !== null))],
    };
  });
  return { items, since };
}

export interface PromoteInput {
  kind: CampaignKind;
  value: string;
  days?: number | undefined;
  title?: string | undefined;
  severity?: Severity | undefined;
  tlp: string;
  audience: AudienceInput;
  anonymous?: boolean | undefined;
  /** more indicators to send; the campaign's own value is always included */
  indicators?: IndicatorInput[] | undefined;
}

/** A warning from a campaign, as the analyst's organisation (the usual warning rules apply). */
export async function promoteCampaign(ctx: AppContext, actor: Actor, input: PromoteInput): Promise<Warning> {
  requirePhishingReader(actor);
  const since = sinceDays(ctx, input.days ?? 30);
  const rows = await checksForKey(ctx.db, { kind: input.kind, value: input.value }, since, 500);
  if (rows.length === 0) throw notFound('campaign');
  const checks = rows.map(toCheck);
  const first = checks[checks.length - 1]!.createdAt;
  const last = checks[0]!.createdAt;
  const label = input.kind === 'attachment' ? input.value : defang(input.value);
  const counts = verdicts.map((v) => [v, checks.filter((c) => c.verdict === v).length] as const).filter(([, n]) => n > 0);
  const subjects = [...new Set(checks.map((c) => c.subject).filter(Boolean))].slice(0, 10);
  const details = [
    `${checks.length} report(s) to the hub's phishing check between ${formatDay(first)} and ${formatDay(last)} share the ${kindWords[input.kind]} ${label}.`,
    `Verdicts: ${counts.map(([v, n]) => `${verdictHeadlines[v]} ${n}`).join(', ')}.`,
    ...(subjects.length ? ['', 'Subjects seen (personal data removed):', ...subjects.map((s) => `- ${s}`)] : []),
  ].join('\n');
  const own = campaignIndicator(input.kind, input.value);
  return createWarning(ctx, actor, {
    title: input.title ?? `Phishing campaign: ${label} (${checks.length} report${checks.length === 1 ? '' : 's'})`.slice(0, 200),
    kind: 'phishing',
    severity: input.severity ?? 'medium',
    affectedServices: ['email'],
    details,
    indicators: [own, ...(input.indicators ?? [])],
    tlp: input.tlp,
    audience: input.audience,
    anonymous: input.anonymous,
  });
}

const kindWords: Record<CampaignKind, string> = { url: 'link', domain: 'domain', 'sender-domain': "sender's domain", attachment: 'attachment (SHA-256)' };

function campaignIndicator(kind: CampaignKind, value: string): IndicatorInput {
  const type: IndicatorType = kind === 'url' ? 'url' : kind === 'attachment' ? 'sha256' : 'domain';
  return { type, value };
}

function sinceDays(ctx: AppContext, days: number): string {
  return addMs(ctx.now().toISOString(), -Math.max(1, days) * 86_400_000);
}
