// The phishing check around the analysis: take an email (page, API or mailbox), analyse it
// with what the hub knows, keep only the verdict, indicators and hashes (personal data
// scrubbed first), and hand the submitter an unguessable receipt. Member analysts list the
// reports; the raw message is kept only when the operator turned that on.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import type { PhishingCheckRow } from '../store/schema.js';
import { normaliseHostname } from '../stix/observables.js';
import { analyseEmail, type Analysis, type AttachmentSummary, type ExtractedObservable, type Finding, type Verdict } from './analysis/index.js';
import { lookupKnowledge, memberDirectory } from './knowledge.js';
import { checksWithRaw, countChecks, findCheckByReceiptHash, insertCheck, listChecks, loadRaw, type CampaignKey } from './phishing.repository.js';
import { personalDataOf, scrubAnalysis, type PersonalExtras } from './scrub.js';

export type Channel = 'web' | 'mail';

export interface PhishingCheck {
  id: string;
  createdAt: string;
  channel: Channel;
  verdict: Verdict;
  score: number;
  summary: string;
  subject: string;
  senderDomain: string | null;
  messageHash: string;
  findings: Finding[];
  advice: string[];
  indicators: ExtractedObservable[];
  /** file names only in the answer to the submission itself: they are never stored */
  attachments: Array<Omit<AttachmentSummary, 'name'> & { name?: string }>;
  unreadableReason: string | null;
  truncated: boolean;
  elapsedMs: number;
  shared: { at: string; warningId: string | null } | null;
  /** member analysts: whether the full message is kept (and can be downloaded) */
  rawKept?: boolean;
}

export interface SubmitOptions {
  channel: Channel;
  /**
   * who submitted it, beyond the recipients named in the email itself (found here): their
   * addresses and names are scrubbed from everything stored
   */
  personal?: PersonalExtras;
  /** indicators from these origins are dropped (the forwarder's own delivery path, e.g. "received") */
  dropOrigins?: readonly string[];
}

const maxKeyLength = 2000;
const maxKeys = 200;

/** Check an email; resolves to the stored result and the receipt that reads it again. */
export async function submitCheck(ctx: AppContext, raw: Buffer, opts: SubmitOptions): Promise<{ check: PhishingCheck; receipt: string }> {
  if (raw.length === 0 || raw.toString('latin1').trim() === '') throw new AppError('PHISHING_EMPTY');
  if (raw.length > ctx.config.phishingMaxBytes) throw new AppError('PHISHING_TOO_LARGE', { limit: ctx.config.phishingMaxBytes });

  const analysed = await analyse(ctx, raw);
  const scrubbed = scrubAnalysis(analysed, personalDataOf(raw, opts.personal));
  const drop = opts.dropOrigins ?? [];
  const analysis = drop.length ? { ...scrubbed, indicators: scrubbed.indicators.filter((i) => !drop.includes(i.origin)) } : scrubbed;
  const receipt = randomBytes(32).toString('base64url');
  const now = ctx.now().toISOString();
  const row: PhishingCheckRow = {
    id: randomUUID(),
    receipt_hash: hashReceipt(receipt),
    created_at: now,
    channel: opts.channel,
    verdict: analysis.verdict,
    score: clampScore(analysis.score),
    summary: storable(analysis.summary),
    subject: storable(analysis.subject),
    sender_domain: analysis.senderDomain === null ? null : storable(analysis.senderDomain),
    message_hash: analysis.messageHash || createHash('sha256').update(raw).digest('hex'),
    findings: JSON.stringify(analysis.findings),
    advice: JSON.stringify(analysis.advice),
    indicators: JSON.stringify(analysis.indicators),
    // Hashes, types and flags: file names can be personal ("tax-return-J-Smith.pdf").
    attachments: JSON.stringify(analysis.attachments.map(({ name: _name, entries: _entries, ...rest }) => rest)),
    unreadable_reason: analysis.verdict === 'unreadable' ? storable(analysis.unreadableReason ?? 'The email could not be read.') : null,
    truncated: analysis.truncated ? 1 : 0,
    elapsed_ms: Math.max(0, Math.round(analysis.elapsedMs)),
    shared_warning_id: null,
    shared_at: null,
  };
  const keepDays = ctx.config.phishingKeepRawDays;
  const kept = keepDays > 0 ? { data: raw, expiresAt: addMs(now, keepDays * 86_400_000) } : null;
  await ctx.db.transaction().execute((trx) => insertCheck(trx, row, campaignKeysOf(analysis), kept));
  const check = toCheck(row);
  // The submitter sees the attachment names of their own email, once.
  check.attachments = analysis.attachments;
  return { check, receipt };
}

export async function getCheckByReceipt(ctx: AppContext, receipt: string): Promise<PhishingCheck> {
  return toCheck(await findRowByReceipt(ctx, receipt));
}

export async function findRowByReceipt(ctx: AppContext, receipt: string): Promise<PhishingCheckRow> {
  const row = await findCheckByReceiptHash(ctx.db, hashReceipt(receipt));
  if (!row) throw notFound('phishing check (the link may have expired)');
  return row;
}

/** Member analysts (analysts and admins of member organisations) and operators. */
export function requirePhishingReader(actor: Actor): void {
  requireScope(actor, 'read');
  if (actor.isOperator) return;
  if (!actor.orgId || (actor.role !== 'admin' && actor.role !== 'analyst')) throw forbidden("see residents' phishing reports (analysts and administrators only)");
}

export async function listPhishingChecks(
  ctx: AppContext,
  actor: Actor,
  q: { verdict?: string | undefined; channel?: string | undefined; before?: string | undefined; since?: string | undefined; limit?: number | undefined },
): Promise<{ items: PhishingCheck[]; total: number; nextBefore: string | null }> {
  requirePhishingReader(actor);
  const limit = q.limit ?? 50;
  const [rows, total] = await Promise.all([listChecks(ctx.db, { ...q, limit: limit + 1 }), countChecks(ctx.db, q)]);
  const page = rows.slice(0, limit);
  const raw = await checksWithRaw(ctx.db, page.map((r) => r.id));
  return {
    items: page.map((r) => ({ ...toCheck(r), rawKept: raw.has(r.id) })),
    total,
    nextBefore: rows.length > limit ? page[page.length - 1]!.created_at : null,
  };
}

/** The full message of a check, when the hub keeps raw messages; every read is audited. */
export async function getRawMessage(ctx: AppContext, actor: Actor, id: string): Promise<Buffer> {
  requirePhishingReader(actor);
  const data = await loadRaw(ctx.db, id);
  if (!data) throw notFound('kept message (raw messages are not kept, or this one has expired)');
  await recordAudit(ctx, ctx.db, actor, { action: 'phishing.raw.read', orgId: actor.orgId, targetType: 'phishing-check', targetId: id });
  return data;
}

export function hashReceipt(receipt: string): string {
  return createHash('sha256').update(receipt).digest('hex');
}

export function toCheck(row: PhishingCheckRow): PhishingCheck {
  return {
    id: row.id,
    createdAt: row.created_at,
    channel: row.channel as Channel,
    verdict: row.verdict as Verdict,
    score: row.score,
    summary: row.summary,
    subject: row.subject,
    senderDomain: row.sender_domain,
    messageHash: row.message_hash,
    findings: JSON.parse(row.findings) as Finding[],
    advice: JSON.parse(row.advice) as string[],
    indicators: JSON.parse(row.indicators) as ExtractedObservable[],
    attachments: JSON.parse(row.attachments) as PhishingCheck['attachments'],
    unreadableReason: row.unreadable_reason,
    truncated: row.truncated === 1,
    elapsedMs: row.elapsed_ms,
    shared: row.shared_at ? { at: row.shared_at, warningId: row.shared_warning_id } : null,
  };
}

/** What checks have in common, for the campaigns view: links, domains, the sender's domain, attachments. */
export function campaignKeysOf(a: Pick<Analysis, 'verdict' | 'indicators' | 'senderDomain' | 'attachments'>): CampaignKey[] {
  if (a.verdict === 'unreadable') return [];
  const keys = new Map<string, CampaignKey>();
  const add = (kind: string, value: string | null | undefined) => {
    if (!value || value.length > maxKeyLength || value.includes('\u0000') || keys.size >= maxKeys) return;
    keys.set(`${kind}|${value}`, { kind, value });
  };
  for (const i of a.indicators) {
    if (i.type === 'url') {
      add('url', i.value);
      try {
        add('domain', normaliseHostname(new URL(i.value).hostname));
      } catch {
        // not a URL the WHATWG parser reads: its domain is not grouped
      }
    } else if (i.type === 'domain') {
      add('domain', i.value);
    }
  }
  add('sender-domain', a.senderDomain);
  for (const att of a.attachments) if (/^[0-9a-f]{64}$/.test(att.sha256)) add('attachment', att.sha256);
  return [...keys.values()];
}

// ---------------------------------------------------------------------------------------

async function analyse(ctx: AppContext, raw: Buffer): Promise<Analysis> {
  const started = Date.now();
  try {
    const directory = await memberDirectory(ctx.db);
    const budgetMs = ctx.config.phishingBudgetMs;
    const work = analyseEmail(raw, {
      memberDomains: directory.domains,
      memberNames: directory.names,
      knowledge: (observables) => lookupKnowledge(ctx.db, observables),
      budgetMs,
      maxBytes: ctx.config.phishingMaxBytes,
    });
    // The engine keeps to its budget; this bounds a wait that never ends (a bug, a stuck lookup).
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`analysis overran its ${budgetMs} ms budget`)), budgetMs * 3 + 2000);
    });
    try {
      return await Promise.race([work, overdue]);
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    // An email that breaks the analysis is the hub's problem, not the resident's: say so plainly.
    ctx.log.error({ err }, 'phishing analysis failed');
    return unreadable(raw, 'The check failed on this email. It has been logged; try again later, or ask your IT service.', Date.now() - started);
  }
}

function unreadable(raw: Buffer, reason: string, elapsedMs: number): Analysis {
  return {
    verdict: 'unreadable',
    score: 0,
    summary: reason,
    findings: [],
    advice: [],
    indicators: [],
    attachments: [],
    messageHash: createHash('sha256').update(raw).digest('hex'),
    subject: '',
    senderDomain: null,
    unreadableReason: reason,
    truncated: false,
    elapsedMs,
  };
}

/** PostgreSQL text cannot hold NUL; an email can. (JSON columns escape it themselves.) */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

function clampScore(score: number): number {
  return Number.isFinite(score) ? Math.min(100, Math.max(0, Math.round(score))) : 0;
}
