// The engine on real mail (../shared/data: 40 phishing, 30 legitimate): the accuracy goals
// hold, and every message is read within its budget. Skipped, with a notice, without the data.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { goals, measureAccuracy, type AccuracyReport } from './accuracy.js';
import { limits } from './limits.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data');
const haveData = existsSync(path.join(dataDir, 'phish')) && existsSync(path.join(dataDir, 'ham'));
if (!haveData) console.warn(`\n!! ${dataDir} is absent: SKIPPING the phishing-check accuracy tests over real mail.\n`);

describe.skipIf(!haveData)('phishing check on the shared mail sets', () => {
  let report: AccuracyReport;
  beforeAll(async () => {
    report = await measureAccuracy(dataDir);
  }, 120_000);

  it('reads all 70 messages as email, within the budget', () => {
    expect(report.results).toHaveLength(70);
    for (const r of report.results) {
      expect(r.analysis.verdict, r.file).not.toBe('unreadable');
      expect(r.analysis.elapsedMs, r.file).toBeLessThan(limits.budgetMs);
    }
  });

  it(`flags at least ${goals.phishFlagged * 100}% of phishing as likely-phishing or suspicious`, () => {
    const missed = report.results.filter((r) => r.label === 'phish' && !['likely-phishing', 'suspicious'].includes(r.analysis.verdict)).map((r) => r.file);
    expect(report.phishFlagged, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(goals.phishFlagged);
  });

  it(`calls at most ${goals.hamLikelyPhishing * 100}% of legitimate mail likely-phishing`, () => {
    const wrong = report.results.filter((r) => r.label === 'ham' && r.analysis.verdict === 'likely-phishing').map((r) => r.file);
    expect(report.hamLikelyPhishing, `wrongly accused: ${wrong.join(', ')}`).toBeLessThanOrEqual(goals.hamLikelyPhishing);
  });

  it('meets the goals without the providers\' own spam verdicts too', () => {
    expect(report.withoutProvider.phishFlagged).toBeGreaterThanOrEqual(goals.phishFlagged);
    expect(report.withoutProvider.hamLikelyPhishing).toBeLessThanOrEqual(goals.hamLikelyPhishing);
  });

  it('keeps no personal data: subjects scrubbed, sender domains only', () => {
    for (const r of report.results) {
      expect(r.analysis.subject, r.file).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
      expect(r.analysis.senderDomain ?? '', r.file).not.toContain('@');
    }
  });
});
