// Three `tocsin serve` processes on one PostgreSQL database, started together after the hub was
// down for days: each report that fell due (and the ones missed, back to the catch-up window)
// is made exactly once, and every subscriber gets exactly one mail of each, whichever process
// made the report and whichever sent the mail.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { cliActor } from '../orgs/actor.js';
import { createOrganisation } from '../orgs/organisations.service.js';
import { createUser } from '../orgs/users.service.js';
import { createTestStore, dialects, testConfig, testPassword, type TestStore } from '../test/harness.js';
import { startHubProcess, stopHubProcess, type HubProcess } from '../test/hub-process.js';
import { startSmtp, type LoopbackSmtp } from '../test/smtp.js';
import { latestEnded, previousPeriod, scheduleOf } from './periods.js';

const describePg = dialects.includes('postgres') ? describe : describe.skip;

describePg('reports with three processes on PostgreSQL', () => {
  let store: TestStore;
  let smtp: LoopbackSmtp;
  const procs: HubProcess[] = [];
  const emails = ['one@town.example', 'two@town.example', 'three@town.example'];
  const catchUpDays = 2;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    smtp = await startSmtp();
    const app = await buildApp(testConfig(store.dataDir, {}, store.databaseUrl), { store: store.store, logger: pino({ level: 'silent' }), webRoot: null, workers: false });
    const town = await createOrganisation(app.ctx, cliActor(), { name: 'Springfield', kind: 'city', population: 30_000, region: 'Region 3' });
    for (const email of emails) await createUser(app.ctx, cliActor(), { email, name: email, orgId: town.id, role: 'member', isOperator: false, password: testPassword });
    // The hub started four days ago and has been down since.
    await app.ctx.db.updateTable('users').set({ created_at: new Date(Date.now() - 4 * 86_400_000).toISOString() }).execute();
    await app.close();
    const env = {
      TOCSIN_DATABASE_URL: store.databaseUrl!,
      TOCSIN_DATA_DIR: store.dataDir,
      TOCSIN_SMTP_URL: smtp.url,
      TOCSIN_REPORTS_ENABLED: 'true',
      TOCSIN_REPORT_CATCH_UP_DAYS: String(catchUpDays),
      TOCSIN_FEEDS_ENABLED: 'false',
      TOCSIN_PASSWORD_SCRYPT_COST: '11',
    };
    procs.push(...(await Promise.all([startHubProcess(env), startHubProcess(env), startHubProcess(env)])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => stopHubProcess(p)));
    await smtp?.close();
    await store?.cleanup();
  });

  it('makes each due report once and mails each subscriber once', async () => {
    const now = new Date();
    const s = scheduleOf(testConfig(store.dataDir));
    // The daily reports due: the latest, and those ending inside the catch-up window.
    const due = [latestEnded('daily', now, s)];
    for (let p = previousPeriod(due[0]!, s); Date.parse(p.to) > now.getTime() - catchUpDays * 86_400_000; p = previousPeriod(p, s)) due.push(p);
    const db = store.store.db;
    const started = Date.now();
    for (;;) {
      const dailies = await db.selectFrom('reports').select('id').where('kind', '=', 'daily').execute();
      const open = await db.selectFrom('report_deliveries').select('id').where('status', '=', 'pending').execute();
      if (dailies.length === due.length && open.length === 0 && smtp.received.length >= emails.length * due.length) break;
      if (Date.now() - started > 45_000) throw new Error(`timed out: ${dailies.length} daily reports, ${open.length} deliveries pending, ${smtp.received.length} mails\n${procs.map((p) => p.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const rows = await db.selectFrom('reports').select(['kind', 'period']).execute();
    const keys = rows.map((r) => `${r.kind} ${r.period}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.filter((r) => r.kind === 'daily').map((r) => r.period).sort()).toEqual(due.map((p) => p.key).sort());
    // A little longer, in case a second process were about to send a duplicate.
    await new Promise((r) => setTimeout(r, 1500));
    for (const email of emails) {
      // One mail per report: as many as reports, all different.
      const subjects = smtp.to(email).map((m) => m.subject);
      expect(subjects).toHaveLength(due.length);
      expect(new Set(subjects).size).toBe(due.length);
    }
    const sent = await db.selectFrom('report_deliveries').select(['addressee', 'report_id', 'status']).execute();
    expect(sent.every((d) => d.status === 'sent')).toBe(true);
    expect(sent).toHaveLength(emails.length * due.length);
  }, 60_000);
});
