// The phishing-check mailbox over real SMTP on loopback: a resident forwards a suspicious email
// with nodemailer, the hub's listener checks it, and the verdict comes back by reply through a
// real SMTP server — threaded, marked automatic, with the receipt link. Size, recipient and
// rate limits are refused the SMTP way; automatic mail and bounces get no answer.
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createTestHub, createTestStore, dialects, testConfig, type TestHub } from '../test/harness.js';
import { MailboxListenError } from './mailbox.js';
import { forwardAsAttachment, lure, resident } from '../test/phishing-emails.js';
import { decodeQuotedPrintable, header, parseContentType, readHeaders, splitMultipart } from './mime.js';

interface Reply {
  to: string[];
  headers: ReturnType<typeof readHeaders>;
  text: string;
  html: string;
}

/** A real SMTP server on loopback standing for the residents' mail providers. */
async function startReceiver(): Promise<{ url: string; replies: Reply[]; close(): Promise<void> }> {
  const replies: Reply[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers = readHeaders(raw);
        const boundary = parseContentType(header(headers, 'content-type')).params.boundary ?? '';
        const parts = splitMultipart(raw.subarray(headers.bodyOffset), boundary).map((p) => {
          const h = readHeaders(p);
          const body = p.subarray(h.bodyOffset);
          const decoded = /quoted-printable/i.test(header(h, 'content-transfer-encoding') ?? '') ? decodeQuotedPrintable(body.toString('latin1')) : body;
          return { type: parseContentType(header(h, 'content-type')).type, body: decoded.toString('utf8') };
        });
        replies.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          headers,
          text: parts.find((p) => p.type === 'text/plain')?.body ?? '',
          html: parts.find((p) => p.type === 'text/html')?.body ?? '',
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, replies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function sender(hub: TestHub) {
  const port = hub.app.phishingMailbox!.address()!.port;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'mx.mail-provider.example' });
  return (from: string, raw: string, to = 'report@hub.test') => transport.sendMail({ envelope: { from, to: [to] }, raw });
}

/** What a mail server says after EHLO. */
async function ehlo(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
      if (/^220 /m.test(text) && !text.includes('EHLO-SENT')) {
        text += 'EHLO-SENT\n';
        socket.write('EHLO test.example\r\n');
      } else if (/^250 /m.test(text.split('EHLO-SENT')[1] ?? '')) {
        socket.end('QUIT\r\n');
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

for (const dialect of dialects) {
  describe(`phishing-check mailbox [${dialect}]`, () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let hub: TestHub;
    let send: ReturnType<typeof sender>;

    beforeAll(async () => {
      receiver = await startReceiver();
      hub = await createTestHub(dialect, {
        smtpUrl: receiver.url,
        smtpFrom: 'Tocsin Hub <hub@hub.test>',
        phishingSmtpPort: '0',
        phishingSmtpHost: '127.0.0.1',
        phishingMailbox: 'report@hub.test',
        phishingMaxBytes: '60000',
        phishingRateLimit: '3',
        // All test mail comes from loopback, as it would from the city's relay.
        phishingSmtpRelays: '127.0.0.1',
      });
      send = sender(hub);
    });
    afterAll(async () => {
      await hub?.close();
      await receiver?.close();
    });

    const mailChecks = async () => hub.app.ctx.db.selectFrom('phishing_checks').selectAll().where('channel', '=', 'mail').execute();

    it('answers a forwarded phishing email by reply: threaded, marked automatic, with the verdict and the receipt link', async () => {
      const inner = lure({ subject: 'Account <suspended> & locked' });
      await send(resident.address, forwardAsAttachment(inner));
      await hub.app.phishingMailbox!.idle();

      expect(receiver.replies).toHaveLength(1);
      const reply = receiver.replies[0]!;
      expect(reply.to).toEqual([resident.address]);
      expect(header(reply.headers, 'subject')).toBe('Re: Fwd: is this real?');
      expect(header(reply.headers, 'in-reply-to')).toBe('<fwd-1@mail-provider.example>');
      expect(header(reply.headers, 'references')).toBe('<earlier@mail-provider.example> <fwd-1@mail-provider.example>');
      expect(header(reply.headers, 'auto-submitted')).toBe('auto-replied');
      expect(header(reply.headers, 'from')).toContain('hub@hub.test');
      expect(reply.text).toContain('Verdict: Likely phishing');
      expect(reply.text).toContain('paypal-account-verify[.]top');
      expect(reply.html).toContain('Likely phishing');
      expect(reply.html).not.toContain('<suspended>');

      // The link in the reply is the receipt: the result is there, checked on the attached email.
      const receipt = /http:\/\/hub\.test\/check\/r\/([A-Za-z0-9_-]{43})/.exec(reply.text)?.[1];
      expect(receipt).toBeDefined();
      const check = (await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipt}` })).json();
      expect(check).toMatchObject({ channel: 'mail', verdict: 'likely-phishing', messageHash: createHash('sha256').update(inner).digest('hex') });
      // The resident's address is used for the answer, never kept.
      expect(JSON.stringify(await mailChecks()).toLowerCase()).not.toContain('jane.resident');
      expect(JSON.stringify(await hub.app.ctx.db.selectFrom('phishing_check_keys').selectAll().execute())).not.toContain('jane.resident');
    });

    it('checks a redirected or inline-forwarded email as it is, leaving out the forwarder’s delivery path', async () => {
      const before = receiver.replies.length;
      await send('redirector@mail-provider.example', lure({ salt: 'redirected', messageId: '<redirected-1@bulk-sender.top>' }));
      await hub.app.phishingMailbox!.idle();
      expect(receiver.replies.length).toBe(before + 1);
      const reply = receiver.replies.at(-1)!;
      expect(reply.to).toEqual(['redirector@mail-provider.example']);
      expect(header(reply.headers, 'in-reply-to')).toBe('<redirected-1@bulk-sender.top>');
      const receipt = /\/check\/r\/([A-Za-z0-9_-]{43})/.exec(reply.text)![1];
      const check = (await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipt}` })).json();
      expect(check.indicators.some((i: { origin: string }) => i.origin === 'received')).toBe(false);
      expect(check.indicators.map((i: { value: string }) => i.value)).toContain('paypal-account-verify.top');
    });

    it('refuses mail for other addresses, mail over the SIZE limit, and senders over their hourly limit', async () => {
      await expect(send('someone@mail-provider.example', lure(), 'postmaster@hub.test')).rejects.toMatchObject({ responseCode: 550 });
      expect(await ehlo(hub.app.phishingMailbox!.address()!.port)).toMatch(/250[ -]SIZE 60000/);
      const big = `${lure().replace('</body>', `${'x'.repeat(70_000)}</body>`)}`;
      await expect(send('big@mail-provider.example', big)).rejects.toMatchObject({ responseCode: 552 });

      const flooder = 'flood@mail-provider.example';
      for (let i = 0; i < 3; i++) await send(flooder, lure({ salt: `flood-${i}` }));
      await expect(send(flooder, lure({ salt: 'flood-4' }))).rejects.toMatchObject({ responseCode: 450 });
      await hub.app.phishingMailbox!.idle();
    });

    it('does not answer automatic mail or bounces, and never itself', async () => {
      const before = receiver.replies.length;
      const checked = (await mailChecks()).length;
      const auto = `Auto-Submitted: auto-replied\r\n${forwardAsAttachment(lure({ salt: 'auto' }), { from: 'autoresponder@mail-provider.example', messageId: '<auto@x>' })}`;
      await send('autoresponder@mail-provider.example', auto);
      await send('hub@hub.test', forwardAsAttachment(lure({ salt: 'loop' }), { from: 'hub@hub.test', messageId: '<loop@x>' }));
      await send('', forwardAsAttachment(lure({ salt: 'bounce' }), { messageId: '<bounce@x>' }));
      await hub.app.phishingMailbox!.idle();
      expect(receiver.replies.length).toBe(before);
      // The automatic ones were still checked; the bounce was not.
      expect((await mailChecks()).length).toBe(checked + 2);
    });
  });
}

describe('phishing-check mailbox start-up', () => {
  it('fails the start with a clear message when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const testStore = await createTestStore(dialects[0]!);
    const app = await buildApp(testConfig(testStore.dataDir, { phishingSmtpPort: String(port), phishingSmtpHost: '127.0.0.1' }, testStore.databaseUrl), {
      store: testStore.store,
      logger: pino({ level: 'silent' }),
      webRoot: null,
    });
    try {
      const err = await app.ready().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MailboxListenError);
      expect((err as Error).message).toContain(`127.0.0.1:${port}`);
      expect((err as Error).message).toContain('TOCSIN_PHISHING_SMTP_PORT');
    } finally {
      await app.close();
      await testStore.cleanup();
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('phishing-check mailbox without a relay', () => {
  it('limits each client address per hour, and stops listening when the hub closes', async () => {
    const hub = await createTestHub(dialects[0]!, { phishingSmtpPort: '0', phishingSmtpHost: '127.0.0.1', phishingRateLimit: '2' });
    const send = sender(hub);
    const port = hub.app.phishingMailbox!.address()!.port;
    await send('one@mail-provider.example', lure({ salt: 'ip-1' }));
    await send('two@mail-provider.example', lure({ salt: 'ip-2' }));
    await expect(send('three@mail-provider.example', lure({ salt: 'ip-3' }))).rejects.toMatchObject({ responseCode: 450 });
    await hub.close();
    await expect(ehlo(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
