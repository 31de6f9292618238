// Mail goes out through a real SMTP conversation: a server on loopback receives the
// invitation and the password-reset link, with a plain-text and an HTML part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtp(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Undo quoted-printable soft breaks and escapes so links can be read from the raw message. */
function decodeQp(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

for (const dialect of dialects) {
  describe(`mail over SMTP [${dialect}]`, () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let hub: TestHub;
    let operator: SignedInUser;

    beforeAll(async () => {
      smtp = await startSmtp();
      hub = await createTestHub(dialect, { smtpUrl: smtp.url, smtpFrom: 'Tocsin Hub <hub@hub.test>' });
      operator = await hub.createUser({ orgId: null, isOperator: true });
    });
    afterAll(async () => {
      await hub?.close();
      await smtp?.close();
    });

    it('sends an invitation whose link lets the invitee join and sign in', async () => {
      const org = await hub.createOrg({ name: 'Riverton <b>City</b>' });
      const res = await hub.as(operator, { method: 'POST', url: `/api/orgs/${org.id}/invitations`, payload: { email: 'new.admin@riverton.example', role: 'admin' } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().emailSent).toBe(true);
      const mail = smtp.received.find((m) => m.to.includes('new.admin@riverton.example'))!;
      expect(mail.from).toBe('hub@hub.test');
      const body = decodeQp(mail.raw);
      expect(body).toContain('Content-Type: text/plain');
      expect(body).toContain('Content-Type: text/html');
      // The organisation's name is escaped in the HTML part.
      expect(body).toContain('Riverton &lt;b&gt;City&lt;/b&gt;');
      const link = /http:\/\/hub\.test\/invite\/([A-Za-z0-9_-]+)/.exec(body)!;
      expect(link[0]).toBe(res.json().inviteUrl);
      const accept = await hub.app.inject({ method: 'POST', url: `/api/invitations/by-token/${link[1]}/accept`, payload: { name: 'New Admin', password: 'a long enough passphrase' } });
      expect(accept.statusCode, accept.body).toBe(200);
      expect(accept.json().user).toMatchObject({ email: 'new.admin@riverton.example', role: 'admin', orgId: org.id });
    });

    it('sends a password-reset link only to accounts that exist', async () => {
      const before = smtp.received.length;
      const user = await hub.createUser({ orgId: (await hub.createOrg()).id, role: 'member' });
      for (const email of [user.email, 'nobody@nowhere.example']) {
        const res = await hub.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
        expect(res.statusCode).toBe(202);
      }
      // The reset mail is sent in the background (so the answer's timing reveals nothing).
      const deadline = Date.now() + 10_000;
      while (smtp.received.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
      const sent = smtp.received.slice(before);
      expect(sent.map((m) => m.to[0])).toEqual([user.email]);
      const token = /\/reset\/([A-Za-z0-9_-]+)/.exec(decodeQp(sent[0]!.raw))![1]!;
      const done = await hub.app.inject({ method: 'POST', url: '/api/auth/password-reset/complete', payload: { token, password: 'another long passphrase' } });
      expect(done.statusCode).toBe(204);
      await expect(hub.signIn(user.email, 'another long passphrase')).resolves.toMatchObject({ email: user.email });
    });
  });
}
