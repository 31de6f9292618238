// "Share with the hub" and what the hub knows: a resident's opt-in turns a check into a
// TLP:GREEN warning from "A resident via the phishing check" that members receive like any
// other; and a public verdict only ever draws on CLEAR and GREEN knowledge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { lure } from '../test/phishing-emails.js';
import { lookupKnowledge } from './knowledge.js';
import { namesValue } from './share.service.js';
import { residentLabel } from './words.js';

/** A plain newsletter whose only notable content is links to `hosts`: nothing else scores. */
function linksTo(hosts: string[], salt: string): string {
  return [
    'From: Corner Shop <news@corner-shop.example>',
    'To: Jane Resident <jane.resident@mail-provider.example>',
    `Subject: Our news ${salt}`,
    'Date: Sat, 21 Nov 2026 08:12:01 +0000',
    `Message-ID: <${salt}@corner-shop.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello, here is what is new at the shop this month:',
    ...hosts.map((h) => `https://${h}/news`),
    '',
  ].join('\r\n');
}

for (const dialect of dialects) {
  describe(`sharing a phishing check with the hub [${dialect}]`, () => {
    let hub: TestHub;
    let analystA: SignedInUser;
    let memberA: SignedInUser;
    let analystB: SignedInUser;
    let cityA: { id: string };

    beforeAll(async () => {
      hub = await createTestHub(dialect, { phishingRateLimit: '1000' }, { workers: false });
      cityA = await hub.createOrg({ name: 'Springfield', domains: ['springfield.example'] });
      const cityB = await hub.createOrg({ name: 'Shelbyville' });
      analystA = await hub.createUser({ orgId: cityA.id, role: 'analyst' });
      memberA = await hub.createUser({ orgId: cityA.id, role: 'member' });
      analystB = await hub.createUser({ orgId: cityB.id, role: 'analyst' });
    });
    afterAll(async () => hub?.close());

    const submit = async (email: string) => {
      const res = await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': 'message/rfc822' }, payload: email });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { receipt: string; check: { id: string; verdict: string; score: number; findings: Array<{ id: string; evidence?: string[] }> } };
    };
    const share = (receipt: string, body?: object, as?: SignedInUser) =>
      as
        ? hub.as(as, { method: 'POST', url: `/api/phishing/checks/${receipt}/share`, payload: body ?? {} })
        : hub.app.inject({ method: 'POST', url: `/api/phishing/checks/${receipt}/share`, ...(body ? { payload: body } : {}) });

    it('turns an anonymous opt-in into a GREEN warning for all members, from "A resident via the phishing check"', async () => {
      const { receipt, check } = await submit(lure({ salt: 'share-1' }));
      const res = await share(receipt);
      expect(res.statusCode, res.body).toBe(200);
      const shared = res.json().shared;
      expect(shared).toMatchObject({ at: expect.any(String), warningId: expect.any(String) });

      // Another town's analyst receives it like any warning.
      const w = await hub.as(analystB, { method: 'GET', url: `/api/warnings/${shared.warningId}` });
      expect(w.statusCode, w.body).toBe(200);
      const warning = w.json();
      expect(warning).toMatchObject({ tlp: 'green', kind: 'phishing', status: 'active', source: { anonymous: true, label: residentLabel, orgId: null }, audience: { kind: 'members' } });
      const values = warning.indicators.map((i: { type: string; value: string }) => `${i.type}:${i.value}`);
      // The flagged lookalike is an indicator; the real brand the mail also names is not.
      expect(values).toContain('domain:paypal-account-verify.top');
      for (const legit of ['domain:paypal.com', 'domain:www.paypal.com', 'url:https://www.paypal.com/signin', 'email:service@paypal.com']) expect(values).not.toContain(legit);
      expect(JSON.stringify(warning)).not.toContain('jane.resident');
      expect(warning.details).toContain("hub's phishing check");
      expect(warning.details).toContain(check.id ? 'paypal-account-verify[.]top' : '');

      // It is in the list, in the STIX form under its public label, and in the outbox.
      const list = (await hub.as(analystA, { method: 'GET', url: '/api/warnings' })).json();
      expect(list.items.map((i: { id: string }) => i.id)).toContain(shared.warningId);
      const bundle = (await hub.as(analystB, { method: 'GET', url: `/api/warnings/${shared.warningId}/stix` })).json();
      expect(bundle.objects.find((o: { type: string }) => o.type === 'identity' && (o as { name?: string }).name === residentLabel)).toBeDefined();
      const events = await hub.app.ctx.db.selectFrom('events').selectAll().where('subject_id', '=', shared.warningId).execute();
      expect(events.map((e) => e.type)).toEqual(['warning.created']);
      const mails = await hub.app.ctx.db.selectFrom('mail_outbox').select('user_id').where('event_id', '=', events[0]!.id).execute();
      expect(mails.map((m) => m.user_id)).toEqual(expect.arrayContaining([analystA.id, analystB.id]));
      const audit = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('target_id', '=', shared.warningId).execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'warning.create', actor_kind: 'system', ip: null, org_id: null });

      // GREEN: not for the public.
      expect((await hub.app.inject({ method: 'GET', url: `/api/warnings/${shared.warningId}` })).statusCode).toBe(401);
      // The receipt now says it was shared.
      expect((await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipt}` })).json().shared.warningId).toBe(shared.warningId);
    });

    it('shares a check once: a second share, even at the same moment, is refused with 409', async () => {
      const { receipt } = await submit(lure({ salt: 'share-twice' }));
      const countWarnings = async () => Number((await hub.app.ctx.db.selectFrom('warnings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await countWarnings();
      const [a, b] = await Promise.all([share(receipt), share(receipt)]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      expect([a, b].find((r) => r.statusCode === 409)!.json().code).toBe('PHISHING_ALREADY_SHARED');
      expect((await share(receipt)).json().code).toBe('PHISHING_ALREADY_SHARED');
      expect(await countWarnings()).toBe(before + 1);
    });

    it('refuses to share what could not be read, an unknown receipt, and unknown body fields', async () => {
      const { receipt } = await submit('just words, no email');
      const res = await share(receipt);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('PHISHING_NOT_SHAREABLE');
      expect((await share('B'.repeat(43))).statusCode).toBe(404);
      const ok = await submit(lure({ salt: 'share-bad-body' }));
      expect((await share(ok.receipt, { anonymous: true, tlp: 'red' })).json().code).toBe('VALIDATION_FAILED');
    });

    it('lets a signed-in analyst send it as their organisation; a plain member cannot, and the check stays shareable', async () => {
      const mine = await submit(lure({ salt: 'share-as-org' }));
      const res = await share(mine.receipt, { anonymous: false }, analystA);
      expect(res.statusCode, res.body).toBe(200);
      const w = (await hub.as(analystB, { method: 'GET', url: `/api/warnings/${res.json().shared.warningId}` })).json();
      expect(w).toMatchObject({ tlp: 'green', source: { anonymous: false, label: 'Springfield', orgId: cityA.id } });

      const theirs = await submit(lure({ salt: 'share-member' }));
      const refused = await share(theirs.receipt, { anonymous: false }, memberA);
      expect(refused.statusCode).toBe(403);
      expect((await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${theirs.receipt}` })).json().shared).toBeNull();
      expect((await share(theirs.receipt, { anonymous: false })).json().code).toBe('AUTH_REQUIRED');
      expect((await share(theirs.receipt)).statusCode).toBe(200);
    });

    describe('what the hub knows', () => {
      const hosts = { amber: 'amber-only-evil.top', green: 'green-evil.top', clear: 'clear-evil.top', retracted: 'retracted-evil.top', unknown: 'never-seen-evil.top' };

      beforeAll(async () => {
        const send = async (tlp: string, title: string, host: string) => {
          const res = await hub.as(analystA, {
            method: 'POST',
            url: '/api/warnings',
            payload: { title, kind: 'phishing', severity: 'high', details: `Secret details about ${host}`, indicators: [{ type: 'domain', value: host }], tlp, audience: { kind: tlp === 'clear' ? 'public' : 'members' } },
          });
          expect(res.statusCode, res.body).toBe(201);
          return res.json().id as string;
        };
        await send('amber', 'AMBER SECRET TITLE', hosts.amber);
        await send('green', 'GREEN MEMBERS TITLE', hosts.green);
        await send('clear', 'CLEAR PUBLIC TITLE', hosts.clear);
        const gone = await send('green', 'RETRACTED TITLE', hosts.retracted);
        expect((await hub.as(analystA, { method: 'POST', url: `/api/warnings/${gone}/retract`, payload: { reason: 'false positive' } })).statusCode).toBe(200);
      });

      it('looks up only CLEAR and GREEN knowledge from active warnings', async () => {
        const observables = Object.values(hosts).map((value) => ({ type: 'domain' as const, value, defanged: value, origin: 'link' }));
        const hits = await lookupKnowledge(hub.app.ctx.db, observables);
        expect(hits.map((h) => h.value).sort()).toEqual([hosts.clear, hosts.green].sort());
        const green = hits.find((h) => h.value === hosts.green)!;
        expect(green).toMatchObject({ tlp: 'green', summary: expect.stringMatching(/^Reported to the hub's members on \d{1,2} \w+ \d{4}\.$/) });
        // Only a CLEAR warning's title may be said out loud.
        expect(hits.find((h) => h.value === hosts.clear)!.summary).toContain('CLEAR PUBLIC TITLE');
        expect(JSON.stringify(hits)).not.toMatch(/GREEN MEMBERS TITLE|Secret details|AMBER/);
        // A link's host counts as the domain members reported.
        const viaLink = await lookupKnowledge(hub.app.ctx.db, [{ type: 'url', value: `https://${hosts.green}/login`, defanged: '', origin: 'link' }]);
        expect(viaLink.map((h) => `${h.type}:${h.value}`)).toEqual([`domain:${hosts.green}`]);
        expect(await lookupKnowledge(hub.app.ctx.db, [])).toEqual([]);
      });

      it('AMBER knowledge never influences or appears in a public verdict; GREEN and CLEAR do', async () => {
        const amber = await submit(linksTo([hosts.amber], 'k-one'));
        const unknown = await submit(linksTo([hosts.unknown], 'k-one'));
        // The same email, one domain known only at AMBER, one unknown: the same answer.
        expect(amber.check.findings.map((f) => f.id)).toEqual(unknown.check.findings.map((f) => f.id));
        expect(amber.check.score).toBe(unknown.check.score);
        expect(amber.check.verdict).toBe(unknown.check.verdict);
        expect(amber.check.findings.some((f) => f.id === 'known-to-hub')).toBe(false);

        // GREEN knowledge does count, and says when members were told.
        const green = await submit(linksTo([hosts.green], 'k-one'));
        expect(green.check.findings.some((f) => f.id === 'known-to-hub')).toBe(true);
        expect(green.check.score).toBeGreaterThan(unknown.check.score);

        const all = await submit(linksTo([hosts.green, hosts.clear, hosts.amber, hosts.retracted], 'k-all'));
        const known = all.check.findings.filter((f) => f.id === 'known-to-hub').flatMap((f) => f.evidence ?? []).join('\n');
        expect(known).toContain('green-evil[.]top');
        expect(known).toContain('clear-evil[.]top');
        expect(known).not.toMatch(/amber-only|retracted-evil/);
        const receipt = await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${all.receipt}` });
        for (const text of ['AMBER SECRET TITLE', 'GREEN MEMBERS TITLE', 'RETRACTED TITLE', 'Secret details']) expect(receipt.body).not.toContain(text);
      });
    });
  });
}

describe('evidence naming a value', () => {
  it('matches whole values only, not parts of other names or hosts inside links', () => {
    expect(namesValue('www[.]paypal[.]com → evil[.]top', 'evil[.]top')).toBe(true);
    expect(namesValue('www[.]paypal[.]com → evil[.]top', 'paypal[.]com')).toBe(false);
    expect(namesValue('hxxp://evil[.]top/login', 'evil[.]top')).toBe(false);
    expect(namesValue('evil[.]top: Reported to the hub', 'evil[.]top')).toBe(true);
    expect(namesValue('"evil[.]top"', 'evil[.]top')).toBe(true);
    expect(namesValue('notevil[.]top', 'evil[.]top')).toBe(false);
    expect(namesValue('anything', '')).toBe(false);
  });
});
