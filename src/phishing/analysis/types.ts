// The contract between the email analysis (pure: bytes in, verdict out) and the phishing
// service around it (storage, the public page, the mailbox, campaigns). The analysis never
// touches the network or the store: what the hub knows comes in through `knowledge`.
import type { IndicatorType } from '../../stix/observables.js';

export type Verdict = 'likely-phishing' | 'suspicious' | 'no-known-signs' | 'unreadable';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export type CheckArea = 'headers' | 'sender' | 'links' | 'attachments' | 'language' | 'intelligence' | 'structure';

/** One reason in the verdict, in words a resident understands. */
export interface Finding {
  /** stable machine id, e.g. "spf-fail", "lookalike-domain" */
  id: string;
  area: CheckArea;
  severity: Severity;
  /** short plain-language headline: "The sender's address pretends to be Springfield City" */
  title: string;
  /** one or two sentences: why this matters */
  detail: string;
  /** the offending value(s), already defanged where they are links or addresses */
  evidence?: string[];
  /** contribution to the score */
  weight: number;
}

export interface ExtractedObservable {
  type: IndicatorType;
  /** normalised, as stored and matched (not defanged) */
  value: string;
  /** as shown to people: hxxps://example[.]com */
  defanged: string;
  /** where it was found: "link", "sender", "reply-to", "attachment", "body" */
  origin: string;
}

export interface AttachmentSummary {
  /** the file name with control and invisible characters made visible */
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  md5: string;
  /** "double-extension", "dangerous-extension", "macro", "html-form", "archive", "encrypted-archive", … */
  flags: string[];
  /** for archives: names inside, bounded */
  entries?: string[];
}

/** What the hub already knows about a value, filtered by the sharing policy by the caller. */
export interface KnownHit {
  type: IndicatorType;
  value: string;
  /** the TLP of the knowledge; public verdicts only receive clear/green hits */
  tlp: string;
  /** plain words: "reported by members in a warning on 2026-11-20" — never AMBER/RED content */
  summary: string;
}

export interface AnalysisOptions {
  /** domains of member organisations (lookalike and impersonation checks) */
  memberDomains?: readonly string[];
  /** names of member organisations, for display-name impersonation */
  memberNames?: readonly string[];
  /** look values up in the hub's own intelligence; absent = no lookups */
  knowledge?: (observables: readonly ExtractedObservable[]) => Promise<KnownHit[]>;
  /** per-message time budget in ms (default 2000); past it, analysis stops and says so */
  budgetMs?: number;
  /** largest input accepted, bytes (default 10 MiB) */
  maxBytes?: number;
}

export interface Analysis {
  verdict: Verdict;
  /** 0..100 */
  score: number;
  /** one sentence summing up the verdict */
  summary: string;
  findings: Finding[];
  /** what to do next, plain language, ordered */
  advice: string[];
  indicators: ExtractedObservable[];
  attachments: AttachmentSummary[];
  /** sha256 of the raw bytes as received */
  messageHash: string;
  /** subject with addresses and personal names scrubbed */
  subject: string;
  /** the sender's domain (not the address: addresses are personal data) */
  senderDomain: string | null;
  /** when verdict is "unreadable": why, in plain words */
  unreadableReason?: string;
  /** true when the time budget ran out before every check ran */
  truncated: boolean;
  elapsedMs: number;
}
