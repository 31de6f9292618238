// The public phishing check over HTTP: every way an email arrives, hostile bodies, what is
// (and is not) stored, the receipt, rate limits, and who may list the reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { letter, lure, outlookMsg, resident } from '../test/phishing-emails.js';

const maxBytes = 40_000;

/** A multipart/form-data body by hand, so the test controls every byte. */
function formData(parts: Array<{ name: string; filename?: string; type?: string; content: string | Buffer }>, boundary = 'test-boundary-91'): { payload: Buffer; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const dialect of dialects) {
  describe(`phishing check API [${dialect}]`, () => {
    let hub: TestHub;
    let analyst: SignedInUser;
    let member: SignedInUser;

    beforeAll(async () => {
      hub = await createTestHub(dialect, { phishingMaxBytes: String(maxBytes), phishingRateLimit: '1000' }, { workers: false });
      const city = await hub.createOrg({ name: 'Springfield', domains: ['springfield.example'] });
      analyst = await hub.createUser({ orgId: city.id, role: 'analyst' });
      member = await hub.createUser({ orgId: city.id, role: 'member' });
    });
    afterAll(async () => hub?.close());

    const submit = (payload: string | Buffer, type = 'message/rfc822', remoteAddress = '198.51.100.10') =>
      hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': type }, payload, remoteAddress });

    it('checks an uploaded .eml and answers a verdict with reasons, advice, defanged indicators and a receipt', async () => {
      const res = await submit(lure());
      expect(res.statusCode, res.body).toBe(201);
      const { check, receipt, receiptUrl } = res.json();
      expect(receipt).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(receiptUrl).toBe(`http://hub.test/check/r/${receipt}`);
      expect(check.verdict).toBe('likely-phishing');
      expect(check.channel).toBe('web');
      expect(check.findings.length).toBeGreaterThan(2);
      for (const f of check.findings) expect(f).toMatchObject({ id: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      expect(check.advice.length).toBeGreaterThan(0);
      const link = check.indicators.find((i: { type: string }) => i.type === 'url');
      expect(link.defanged).toMatch(/^hxxp:\/\/paypal-account-verify\[\.\]top\//);
      expect(check.messageHash).toMatch(/^[0-9a-f]{64}$/);
      expect(check.shared).toBeNull();

      // The receipt reads the same result again, anonymously.
      const again = await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipt}` });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: check.id, verdict: 'likely-phishing', messageHash: check.messageHash });
    });

    it('gives an ordinary letter no known warning signs', async () => {
      const res = await submit(letter());
      expect(res.statusCode).toBe(201);
      expect(res.json().check.verdict).toBe('no-known-signs');
    });

    it('takes the same email as JSON {source}, text/plain, octet-stream and a form upload (file or pasted field)', async () => {
      const email = lure({ salt: 'same-everywhere' });
      const want = (await submit(email)).json().check.messageHash;
      const answers = [
        await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', payload: { source: email } }),
        await submit(email, 'text/plain'),
        await submit(email, 'application/octet-stream'),
        await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', ...formData([{ name: 'file', filename: 'lure.eml', type: 'message/rfc822', content: email }]) }),
        await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', ...formData([{ name: 'source', content: email }]) }),
      ];
      for (const res of answers) {
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().check).toMatchObject({ verdict: 'likely-phishing', messageHash: want });
      }
    });

    it('checks an Outlook .msg sent as application/vnd.ms-outlook, scrubbing its recipients too', async () => {
      const res = await submit(await outlookMsg(lure({ salt: 'outlook' })), 'application/vnd.ms-outlook');
      expect(res.statusCode, res.body).toBe(201);
      const { check } = res.json();
      expect(check).toMatchObject({ verdict: 'likely-phishing', senderDomain: 'paypal.com' });
      const row = await hub.app.ctx.db.selectFrom('phishing_checks').selectAll().where('id', '=', check.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row).toLowerCase()).not.toContain('jane.resident');
      // A damaged compound file is answered too (a verdict, never a 500).
      const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1024, 0xff)]);
      const damaged = await submit(ole, 'application/vnd.ms-outlook');
      expect(damaged.statusCode, damaged.body).toBe(201);
    });

    it('answers hostile bodies with a clear 4xx or an "unreadable" verdict, never a 500', async () => {
      const expectError = async (res: Awaited<ReturnType<typeof submit>>, status: number, code: string) => {
        expect(res.statusCode, res.body).toBe(status);
        expect(res.json().code).toBe(code);
      };
      await expectError(await submit(''), 400, 'PHISHING_EMPTY');
      await expectError(await submit('   \r\n\r\n  '), 400, 'PHISHING_EMPTY');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', payload: { source: '' } }), 400, 'PHISHING_EMPTY');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', payload: { source: 'x', extra: 1 } }), 400, 'VALIDATION_FAILED');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', payload: { source: { nested: 1 } } }), 400, 'VALIDATION_FAILED');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': 'application/json' }, payload: '{"source": "unterminated' }), 400, 'MALFORMED_JSON');
      for (const type of ['application/x-www-form-urlencoded', 'image/png', 'application/xml']) {
        const res = await submit('source=hello', type);
        await expectError(res, 415, 'PHISHING_UNSUPPORTED_TYPE');
        expect(res.json().message).toContain('message/rfc822');
      }
      // Over the limit, whichever way it comes.
      const big = `Subject: big\r\n\r\n${'A'.repeat(maxBytes + 10)}`;
      await expectError(await submit(big), 413, 'PHISHING_TOO_LARGE');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', payload: { source: big } }), 413, 'PHISHING_TOO_LARGE');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', ...formData([{ name: 'file', filename: 'big.eml', content: big }]) }), 413, 'PHISHING_TOO_LARGE');
      expect((await submit(big)).json().message).toContain(String(maxBytes));
      // Broken form framing, an empty form, two files.
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': 'multipart/form-data; boundary=nope' }, payload: 'garbage without any boundary' }), 400, 'VALIDATION_FAILED');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': 'multipart/form-data' }, payload: '--x\r\n\r\n' }), 400, 'VALIDATION_FAILED');
      await expectError(await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', ...formData([{ name: 'other', content: 'hello' }]) }), 400, 'PHISHING_EMPTY');
      // Not an email at all: a verdict that says so, in words.
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 7)]);
      for (const body of [png, Buffer.from('just some words, no headers'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 14, 15, 16, 17, 18, 19, 20])]) {
        const res = await submit(body, 'application/octet-stream');
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().check.verdict).toBe('unreadable');
        expect(res.json().check.unreadableReason).toMatch(/\w+/);
      }
      // Headers that never end, a MIME bomb of nested multiparts, NUL bytes: still an answer.
      const nested = Array.from({ length: 60 }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join('');
      for (const body of [`Subject: ${'x'.repeat(30_000)}`, `From: a@b.example\r\nSubject: nest\r\n${nested}`, 'From: a@b.example\r\nSubject: nul\u0000here\r\n\r\nbody\u0000\u0000']) {
        const res = await submit(body);
        expect(res.statusCode, res.body).toBe(201);
        expect(['likely-phishing', 'suspicious', 'no-known-signs', 'unreadable']).toContain(res.json().check.verdict);
      }
    });

    it('checks senders against the member organisations’ own domains (lookalikes)', async () => {
      const bill = (from: string) => [`From: ${from}`, 'To: a@b.example', 'Subject: Your tax bill', 'Message-ID: <bill@x>', '', 'Please pay your property tax bill today.', ''].join('\r\n');
      const lookalike = (await submit(bill('billing@springfie1d.example'))).json().check;
      const unrelated = (await submit(bill('billing@riverbend-shop.example'))).json().check;
      expect(lookalike.score).toBeGreaterThan(unrelated.score);
      expect(JSON.stringify(lookalike.findings)).toContain('springfie1d[.]example');
      expect(unrelated.verdict).toBe('no-known-signs');
    });

    it('refuses a malformed or unknown receipt', async () => {
      expect((await hub.app.inject({ method: 'GET', url: '/api/phishing/checks/too-short' })).json().code).toBe('VALIDATION_FAILED');
      const unknown = await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${'A'.repeat(43)}` });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('NOT_FOUND');
    });

    it('keeps the verdict, indicators and hashes, never the resident’s address or name, nor the message', async () => {
      const res = await submit(lure({ salt: 'privacy-salt-phrase' }));
      const { check } = res.json();
      const rows = await hub.app.ctx.db.selectFrom('phishing_checks').selectAll().where('id', '=', check.id).execute();
      const keys = await hub.app.ctx.db.selectFrom('phishing_check_keys').selectAll().where('check_id', '=', check.id).execute();
      const stored = JSON.stringify({ rows, keys });
      for (const personal of [resident.address, resident.name, 'jane.resident', encodeURIComponent(resident.address), 'Dear Jane', 'privacy-salt-phrase']) {
        expect(stored.toLowerCase(), personal).not.toContain(personal.toLowerCase());
      }
      // …nor anything the resident received it as, in the answer either.
      expect(res.body).not.toContain(resident.address);
      expect(rows[0]).toMatchObject({ verdict: 'likely-phishing', sender_domain: 'paypal.com', message_hash: check.messageHash });
      expect(JSON.parse(rows[0]!.indicators).map((i: { value: string }) => i.value)).toContain('paypal-account-verify.top');
      expect(keys.map((k) => `${k.kind}:${k.value}`)).toEqual(expect.arrayContaining(['domain:paypal-account-verify.top', 'sender-domain:paypal.com']));
      expect(await hub.app.ctx.db.selectFrom('phishing_raw').selectAll().execute()).toEqual([]);
      // Nobody's address went to the audit trail or anywhere else either.
      const audit = await hub.app.ctx.db.selectFrom('audit_log').select('details').execute();
      expect(JSON.stringify(audit)).not.toContain('jane.resident');
    });

    it('keeps attachment hashes but not their file names', async () => {
      const boundary = 'att-b';
      const email = [
        'From: "Invoices" <billing@invoice-portal.top>',
        `To: ${resident.name} <${resident.address}>`,
        'Subject: Invoice overdue',
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain',
        '',
        'Please pay the attached invoice today.',
        `--${boundary}`,
        'Content-Type: application/octet-stream; name="Invoice_Jane_Resident.pdf.exe"',
        'Content-Disposition: attachment; filename="Invoice_Jane_Resident.pdf.exe"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('MZ fake program bytes for the test').toString('base64'),
        `--${boundary}--`,
        '',
      ].join('\r\n');
      const res = await submit(email);
      expect(res.statusCode, res.body).toBe(201);
      const { check, receipt } = res.json();
      expect(check.attachments).toHaveLength(1);
      expect(check.attachments[0].sha256).toMatch(/^[0-9a-f]{64}$/);
      // The submitter sees the name once; the stored result never has it.
      expect(check.attachments[0].name).toContain('.exe');
      const again = (await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipt}` })).json();
      expect(again.attachments[0]).not.toHaveProperty('name');
      expect(again.attachments[0].sha256).toBe(check.attachments[0].sha256);
      const row = await hub.app.ctx.db.selectFrom('phishing_checks').select('attachments').where('id', '=', check.id).executeTakeFirstOrThrow();
      expect(row.attachments).not.toContain('Invoice_');
      const keys = await hub.app.ctx.db.selectFrom('phishing_check_keys').select(['kind', 'value']).where('check_id', '=', check.id).execute();
      expect(keys).toContainEqual({ kind: 'attachment', value: check.attachments[0].sha256 });
    });

    it('lists reports for analysts, refuses plain members and anonymous callers', async () => {
      await submit(lure({ salt: 'listed' }));
      const list = await hub.as(analyst, { method: 'GET', url: '/api/phishing/checks?limit=2' });
      expect(list.statusCode, list.body).toBe(200);
      const body = list.json();
      expect(body.items).toHaveLength(2);
      expect(body.total).toBeGreaterThan(2);
      expect(body.nextBefore).toEqual(expect.any(String));
      expect(body.items[0]).toMatchObject({ rawKept: false, verdict: expect.any(String) });
      const older = await hub.as(analyst, { method: 'GET', url: `/api/phishing/checks?limit=200&before=${encodeURIComponent(body.nextBefore)}` });
      expect(older.json().items.every((i: { createdAt: string }) => i.createdAt < body.nextBefore)).toBe(true);
      const phishingOnly = await hub.as(analyst, { method: 'GET', url: '/api/phishing/checks?verdict=no-known-signs' });
      expect(phishingOnly.json().items.every((i: { verdict: string }) => i.verdict === 'no-known-signs')).toBe(true);
      expect((await hub.as(member, { method: 'GET', url: '/api/phishing/checks' })).statusCode).toBe(403);
      expect((await hub.app.inject({ method: 'GET', url: '/api/phishing/checks' })).json().code).toBe('AUTH_REQUIRED');
      expect((await hub.app.inject({ method: 'GET', url: `/api/phishing/raw/${crypto.randomUUID()}` })).json().code).toBe('AUTH_REQUIRED');
    });

    it('tells the page where to forward mail and what the limits are', async () => {
      const res = await hub.app.inject({ method: 'GET', url: '/api/phishing/info' });
      expect(res.statusCode).toBe(200);
      // No mailbox port configured: no address shown, even if one were set.
      expect(res.json()).toEqual({ mailbox: null, maxBytes, retentionDays: 90, keepsRawDays: 0 });
    });

    it('documents the routes, with every accepted content type, in the OpenAPI description', async () => {
      const doc = (await hub.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
      const post = doc.paths['/api/phishing/checks'].post;
      expect(Object.keys(post.requestBody.content).sort()).toEqual(['application/json', 'application/octet-stream', 'application/vnd.ms-outlook', 'message/rfc822', 'multipart/form-data', 'text/plain']);
      expect(post.responses['201']).toBeDefined();
      expect(doc.paths['/api/phishing/campaigns'].get).toBeDefined();
      expect(doc.components.schemas.PhishingCheck).toBeDefined();
    });
  });
}
