// Accuracy on labelled mail folders (the shared phishing and legitimate sets): the confusion
// table, the two goal rates, how often each check fired, and the same rates without the mail
// provider's own spam verdict (which only the phishing set carries, so it could flatter us).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyseEmail } from './analyse.js';
import type { Analysis, Verdict } from './types.js';
import { scoreOf, verdictOf } from './verdict.js';

export const verdicts: readonly Verdict[] = ['likely-phishing', 'suspicious', 'no-known-signs', 'unreadable'];

/** The goals: flag at least this share of phishing, call at most this share of ham likely-phishing. */
export const goals = { phishFlagged: 0.95, hamLikelyPhishing: 0.02 } as const;

export interface LabelledResult {
  file: string;
  label: 'phish' | 'ham';
  analysis: Analysis;
  /** the verdict when the provider-flagged finding is left out */
  withoutProvider: Verdict;
}

export interface AccuracyReport {
  results: LabelledResult[];
  confusion: Record<'phish' | 'ham', Record<Verdict, number>>;
  phishFlagged: number;
  hamLikelyPhishing: number;
  hamFlagged: number;
  withoutProvider: { phishFlagged: number; hamLikelyPhishing: number };
  /** finding id → [phish messages, ham messages] it fired on */
  firing: Map<string, [number, number]>;
}

const flagged = (v: Verdict): boolean => v === 'likely-phishing' || v === 'suspicious';

export async function measureAccuracy(dataDir: string): Promise<AccuracyReport> {
  const results: LabelledResult[] = [];
  for (const label of ['phish', 'ham'] as const) {
    const dir = path.join(dataDir, label);
    for (const file of readdirSync(dir).sort()) {
      const analysis = await analyseEmail(readFileSync(path.join(dir, file)));
      const rest = analysis.findings.filter((f) => f.id !== 'provider-flagged');
      const withoutProvider = analysis.verdict === 'unreadable' ? 'unreadable' : verdictOf(scoreOf(rest));
      results.push({ file, label, analysis, withoutProvider });
    }
  }
  const confusion = { phish: Object.fromEntries(verdicts.map((v) => [v, 0])), ham: Object.fromEntries(verdicts.map((v) => [v, 0])) } as AccuracyReport['confusion'];
  const firing = new Map<string, [number, number]>();
  for (const r of results) {
    confusion[r.label][r.analysis.verdict]++;
    for (const f of r.analysis.findings) {
      const counts = firing.get(f.id) ?? [0, 0];
      counts[r.label === 'phish' ? 0 : 1]++;
      firing.set(f.id, counts);
    }
  }
  const phish = results.filter((r) => r.label === 'phish');
  const ham = results.filter((r) => r.label === 'ham');
  const share = (list: LabelledResult[], test: (r: LabelledResult) => boolean): number => (list.length === 0 ? 0 : list.filter(test).length / list.length);
  return {
    results,
    confusion,
    phishFlagged: share(phish, (r) => flagged(r.analysis.verdict)),
    hamLikelyPhishing: share(ham, (r) => r.analysis.verdict === 'likely-phishing'),
    hamFlagged: share(ham, (r) => flagged(r.analysis.verdict)),
    withoutProvider: { phishFlagged: share(phish, (r) => flagged(r.withoutProvider)), hamLikelyPhishing: share(ham, (r) => r.withoutProvider === 'likely-phishing') },
    firing,
  };
}
