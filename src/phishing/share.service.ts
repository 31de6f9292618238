// "Share with the hub": a resident (or a member's staff) opts in to turn a checked email into
// a TLP:GREEN warning for all members. Anonymous by default — the warning then comes from "A
// resident via the phishing check"; a signed-in analyst may instead send it as their
// organisation. Only what the check stored goes in, and only flagged values become indicators
// (a phishing mail also links to real sites, which must not end up on members' block lists).
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import { defang } from '../stix/extract.js';
import { normaliseObservable } from '../stix/observables.js';
import type { Severity } from '../stix/vocab.js';
import { createWarning, type IndicatorInput } from '../warnings/warnings.service.js';
import { warningLimits } from '../warnings/warnings.view.js';
import { memberDirectory, formatDay } from './knowledge.js';
import { claimShare, findCheckById, setSharedWarning } from './phishing.repository.js';
import { findRowByReceipt, toCheck, type PhishingCheck } from './phishing.service.js';
import { createResidentWarning, type ResidentReport } from './resident-warning.js';
import { checkAreaLabels, verdictHeadlines } from './words.js';

export async function shareCheck(ctx: AppContext, actor: Actor | null, receipt: string, opts: { anonymous?: boolean | undefined }): Promise<PhishingCheck> {
  const row = await findRowByReceipt(ctx, receipt);
  if (row.verdict === 'unreadable') throw new AppError('PHISHING_NOT_SHAREABLE');
  if (row.shared_at) throw new AppError('PHISHING_ALREADY_SHARED', { at: row.shared_at });
  const check = toCheck(row);
  const { domains } = await memberDirectory(ctx.db);
  const report = residentReportOf(check, domains);

  if (opts.anonymous === false) {
    if (!actor) throw new AppError('AUTH_REQUIRED');
    // A member's own report: the usual warning path (its permission checks included).
    const now = ctx.now().toISOString();
    if (!(await claimShare(ctx.db, row.id, now))) throw new AppError('PHISHING_ALREADY_SHARED', { at: now });
    try {
      const warning = await createWarning(ctx, actor, { ...report, kind: 'phishing', affectedServices: ['email'], tlp: 'green', audience: { kind: 'members' }, anonymous: false });
      await setSharedWarning(ctx.db, row.id, warning.id, now);
    } catch (err) {
      await setSharedWarning(ctx.db, row.id, null, null);
      throw err;
    }
  } else {
    await createResidentWarning(ctx, row.id, report);
  }
  return toCheck((await findCheckById(ctx.db, row.id))!);
}

const severityOf: Record<string, Severity> = { 'likely-phishing': 'medium', suspicious: 'low', 'no-known-signs': 'low' };

/** The warning a shared check becomes: plain text from the stored (scrubbed) result. */
export function residentReportOf(check: PhishingCheck, memberDomains: readonly string[]): ResidentReport {
  const subject = plain(check.subject).replace(/\s+/g, ' ').trim();
  const shortSubject = subject.length > 120 ? `${subject.slice(0, 119)}…` : subject;
  const title = shortSubject ? `Phishing email reported through the phishing check: “${shortSubject}”` : 'Phishing email reported through the phishing check';
  const indicators = flaggedIndicators(check, memberDomains);
  const lines = [
    `Someone checked this email with the hub's phishing check on ${formatDay(check.createdAt)} and chose to share it with the members.`,
    '',
    `Verdict: ${verdictHeadlines[check.verdict]} (score ${check.score} of 100). ${check.summary}`,
  ];
  if (check.senderDomain) lines.push(`Sender's domain: ${defang(check.senderDomain)}`);
  if (check.findings.length) {
    lines.push('', 'Why:');
    for (const f of check.findings.slice(0, 50)) {
      const evidence = f.evidence?.length ? ` [${f.evidence.slice(0, 5).join(', ')}]` : '';
      lines.push(`- ${checkAreaLabels[f.area] ?? f.area}: ${f.title}. ${f.detail}${evidence}`);
    }
  }
  if (check.attachments.length) {
    lines.push('', 'Attachments:');
    for (const a of check.attachments.slice(0, 50)) lines.push(`- SHA-256 ${a.sha256} (${a.contentType}, ${a.size} bytes${a.flags.length ? `; ${a.flags.join(', ')}` : ''})`);
  }
  const unflagged = check.indicators.filter((i) => !indicators.some((x) => x.type === i.type && x.value === i.value));
  if (unflagged.length) {
    lines.push('', 'Also in the email (not flagged by the check, so not sent as indicators):');
    for (const i of unflagged.slice(0, 100)) lines.push(`- ${i.type}: ${i.defanged}`);
  }
  lines.push('', `Message SHA-256: ${check.messageHash}`);
  let details = plain(lines.join('\n'));
  if (details.length > warningLimits.details) details = `${details.slice(0, warningLimits.details - 1)}…`;
  return { title, details, severity: severityOf[check.verdict] ?? 'low', indicators };
}

/** Values the check flagged (named in a finding's evidence), flagged attachments; never a member's own domain. */
function flaggedIndicators(check: PhishingCheck, memberDomains: readonly string[]): IndicatorInput[] {
  // "shown → real" evidence (a link that reads one address and goes to another) names the
  // address it pretends to be first: only the real destination is the attacker's.
  const evidence = check.findings.flatMap((f) => f.evidence ?? []).map((e) => (e.includes('→') ? e.slice(e.lastIndexOf('→') + 1) : e).toLowerCase());
  const own = new Set(memberDomains.map((d) => d.toLowerCase()));
  const isOwn = (host: string) => [...own].some((d) => host === d || host.endsWith(`.${d}`));
  const out = new Map<string, IndicatorInput>();
  const add = (type: IndicatorInput['type'], value: string) => {
    const normal = normaliseObservable(type, value);
    if (normal !== null && out.size < warningLimits.indicators) out.set(`${type}|${normal}`, { type, value: normal });
  };
  for (const i of check.indicators) {
    const named = evidence.some((e) => namesValue(e, i.defanged.toLowerCase()) || namesValue(e, i.value.toLowerCase()));
    if (!named) continue;
    const host = i.type === 'url' ? hostOf(i.value) : i.type === 'domain' ? i.value : i.type === 'email' ? i.value.split('@').pop()! : null;
    if (host && isOwn(host)) continue;
    add(i.type, i.value);
  }
  for (const a of check.attachments) {
    if (a.flags.length > 0 || check.verdict === 'likely-phishing') add('sha256', a.sha256);
  }
  return [...out.values()];
}

/**
 * Whether `evidence` names `value` as a whole: "www[.]paypal[.]com → evil[.]top" names
 * evil[.]top but not paypal[.]com (a part of another name), nor a domain inside a link.
 */
export function namesValue(evidence: string, value: string): boolean {
  if (!value) return false;
  const inName = /[a-z0-9_\-.@/\][]/;
  for (let at = evidence.indexOf(value); at >= 0; at = evidence.indexOf(value, at + 1)) {
    const before = evidence[at - 1];
    const after = evidence[at + value.length];
    if ((before === undefined || !inName.test(before)) && (after === undefined || !inName.test(after) || (after === '.' && at + value.length === evidence.length - 1))) return true;
  }
  return false;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Control and bidirectional-override characters out: warnings refuse them. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
}
