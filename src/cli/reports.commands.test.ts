// `tocsin report generate` and `tocsin report send` on both dialects, on the real clock: the
// latest daily report is made once and written as each reader's copy in each format, sent
// through a real SMTP server, and bad input exits with a clear error.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestEnded, scheduleOf } from '../reports/periods.js';
import type { ReportView } from '../reports/report-view.js';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { startSmtp, type LoopbackSmtp } from '../test/smtp.js';
import { captureIO } from '../test/cli-io.js';
import { runCli } from './main.js';


for (const dialect of dialects) {
  describe(`tocsin report [${dialect}]`, () => {
    let hub: TestHub;
    let smtp: LoopbackSmtp;
    let env: Record<string, string>;
    let member: SignedInUser;

    beforeAll(async () => {
      smtp = await startSmtp();
      hub = await createTestHub(dialect, {}, { workers: false });
      const town = await hub.createOrg({ name: 'Springfield' });
      const other = await hub.createOrg({ name: 'Shelbyville' });
      const third = await hub.createOrg({ name: 'Ogdenville' });
      member = await hub.createUser({ orgId: town.id });
      const outsider = await hub.createUser({ orgId: other.id });
      for (const [user, title, tlp] of [
        [member, 'Clear phishing at the library', 'CLEAR'],
        [outsider, 'Amber note for Shelbyville', 'AMBER'],
      ] as const) {
        const res = await hub.as(user, {
          method: 'POST',
          url: '/api/warnings',
          payload: { title, kind: 'phishing', severity: 'high', details: 'Seen today.', tlp, audience: tlp === 'CLEAR' ? { kind: 'public' } : { kind: 'orgs', orgIds: [third.id] } },
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      // Move the hub's past back a day, so the latest daily report (to 07:00 UTC today) covers the warnings.
      const p = latestEnded('daily', new Date(), scheduleOf(hub.config));
      const db = hub.app.ctx.db;
      const inPeriod = new Date(Date.parse(p.to) - 3_600_000).toISOString();
      await db.updateTable('users').set({ created_at: new Date(Date.parse(p.from) - 86_400_000).toISOString() }).execute();
      await db.updateTable('warnings').set({ created_at: inPeriod }).execute();
      await db.updateTable('mentions').set({ created_at: inPeriod }).execute();
      env = {
        TOCSIN_DATA_DIR: hub.testStore.dataDir,
        TOCSIN_LOG_LEVEL: 'silent',
        TOCSIN_SMTP_URL: smtp.url,
        TOCSIN_PUBLIC_URL: 'http://hub.test',
        ...(hub.testStore.databaseUrl ? { TOCSIN_DATABASE_URL: hub.testStore.databaseUrl } : {}),
      };
    });
    afterAll(async () => {
      await hub?.close();
      await smtp?.close();
    });

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const io = captureIO();
      const code = await runCli(args, io, env);
      return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
    }

    it("makes the latest report once and writes each reader's copy", async () => {
      const first = await cli('report', 'generate', '--format', 'json');
      expect(first.code, first.err).toBe(0);
      expect(first.err).toMatch(/^Made the daily report \d{4}-\d{2}-\d{2}/);
      const operators = JSON.parse(first.out) as ReportView;
      expect(operators.readerLabel).toBe('Hub operators');
      expect(operators.warnings!.items.map((w) => w.title)).toEqual(['Clear phishing at the library']);

      const again = await cli('report', 'generate', '--org', 'Shelbyville');
      expect(again.code, again.err).toBe(0);
      expect(again.err).toMatch(/^Already made: the daily report/);
      expect(again.out).toContain('For: Shelbyville');
      expect(again.out).toContain('Amber note for Shelbyville');
      expect(again.out).toContain('Clear phishing at the library');
      expect(await hub.app.ctx.db.selectFrom('reports').select('id').execute()).toHaveLength(1);

      const html = await cli('report', 'generate', '--public', '--format', 'html', '--sections', 'warnings');
      expect(html.out).toContain('<!doctype html>');
      expect(html.out).toContain('Clear phishing at the library');
      expect(html.out).not.toContain('Amber note');

      const file = path.join(hub.testStore.dataDir, 'report.pdf');
      const pdf = await cli('report', 'generate', '--public', '--format', 'pdf', '--output', file);
      expect(pdf.code, pdf.err).toBe(0);
      expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    });

    it('sends the report to its subscribers through SMTP, once', async () => {
      const sent = await cli('report', 'send');
      expect(sent.code, sent.err).toBe(0);
      expect(sent.out).toMatch(/: 2 queued now; 2 sent, 0 waiting for a retry, 0 not sent\.$/);
      expect(smtp.to(member.email)).toHaveLength(1);
      expect(smtp.to(member.email)[0]!.text).toContain('Clear phishing at the library');
      expect(smtp.to(member.email)[0]!.text).not.toContain('Amber note');
      const twice = await cli('report', 'send');
      expect(twice.out).toMatch(/: 0 queued now; 2 sent/);
      expect(smtp.to(member.email)).toHaveLength(1);
    });

    it('refuses bad input with a clear error', async () => {
      const future = await cli('report', 'generate', '--date', '2999-01-01');
      expect([future.code, future.err]).toEqual([1, expect.stringContaining('error REPORT_IN_FUTURE')]);
      const before = await cli('report', 'generate', '--date', '2001-01-01');
      expect(before.err).toContain('error REPORT_BEFORE_HUB');
      expect((await cli('report', 'generate', '--period', '2026-13-01')).err).toContain('error REPORT_PERIOD_INVALID');
      expect((await cli('report', 'generate', '--kind', 'yearly')).err).toContain('error REPORT_KIND_UNKNOWN');
      expect((await cli('report', 'generate', '--sections', 'warnings,horoscope')).err).toContain('error REPORT_SECTION_UNKNOWN');
      expect((await cli('report', 'generate', '--org', 'Nowhere')).err).toContain('error NOT_FOUND');
      const pdf = await cli('report', 'generate', '--format', 'pdf');
      expect([pdf.code, pdf.err]).toEqual([2, expect.stringContaining('--format pdf needs --output')]);
      expect((await cli('report', 'generate', '--format', 'docx')).code).toBe(2);
      const zone = await runCli(['report', 'generate'], captureIO(), { ...env, TOCSIN_REPORT_TIME_ZONE: 'Mars/Olympus_Mons' });
      expect(zone).toBe(2);
    });
  });
}
