// The confirmation step before sending: which indicators were found in the pasted text,
// and which personal data (names, emails, phones, the sender's own hosts and private IPs)
// should be redacted from the text the recipients will read.
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireContributor, type Actor } from '../orgs/actor.js';
import { loadAssets } from '../orgs/organisations.repository.js';
import { defang, extractIndicators } from '../stix/extract.js';
import { findPersonalData, redact } from '../stix/pii.js';
import { warningLimits } from './warnings.view.js';

export interface PreviewInput {
  text: string;
  details?: string | undefined;
  title?: string | undefined;
}

export async function previewWarningText(ctx: AppContext, actor: Actor, input: PreviewInput) {
  requireContributor(actor, 'prepare warnings');
  if (input.text.length > warningLimits.pastedText) throw new AppError('TEXT_TOO_LARGE', { what: 'pasted text', limit: warningLimits.pastedText });
  if ((input.details?.length ?? 0) > warningLimits.details) throw new AppError('TEXT_TOO_LARGE', { what: 'details', limit: warningLimits.details });
  const assets = actor.orgId ? (await loadAssets(ctx.db, [actor.orgId])).get(actor.orgId)! : { domains: [], ipRanges: [], asns: [] };
  const own = { ownDomains: assets.domains, ownIpRanges: assets.ipRanges };

  const found = extractIndicators(input.text, { maxTokens: 200_000 });
  const truncated = found.length > warningLimits.indicators;
  const indicators = found.slice(0, warningLimits.indicators).map((i) => ({ ...i, defanged: defang(i.value) }));

  const fields = [
    ['text', input.text],
    ['details', input.details],
    ['title', input.title],
  ] as const;
  const personalData = [];
  const redacted: { text: string; details?: string; title?: string } = { text: input.text };
  for (const [field, value] of fields) {
    if (value === undefined) continue;
    const findings = findPersonalData(value, own);
    personalData.push(...findings.map((f) => ({ field, kind: f.kind, start: f.start, end: f.end, text: f.text })));
    redacted[field] = redact(value, findings);
  }
  return { indicators, truncated, personalData, redacted };
}
