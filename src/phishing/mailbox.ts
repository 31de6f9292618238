// The phishing-check mailbox: an SMTP listener (usually behind the city's mail relay) that
// residents forward suspicious mail to. Each message is analysed like an upload and the
// verdict goes back by reply (RFC 3834: to the envelope sender, never to automatic mail).
// The SIZE extension and a per-sender and per-client limit keep it cheap to run; the
// forwarder's address is used for the reply and never stored.
import { createHash } from 'node:crypto';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { networkContains, parseCidr, parseIp, type IpNetwork } from '../stix/ip.js';
import { decodeHeaderText, findAttachedMessage, header, isAutomatic, messageId, messageIds, parseAddresses, readHeaders } from './mime.js';
import { submitCheck, type PhishingCheck } from './phishing.service.js';
import { createRateLimiter } from './rate-limit.js';
import { renderReply, replySubject } from './reply.js';

export interface PhishingMailbox {
  start(): Promise<void>;
  /** stop accepting mail and wait for the messages being analysed */
  stop(): Promise<void>;
  /** where it listens, once started */
  address(): { host: string; port: number } | null;
  /** resolves when no accepted message is still being analysed or answered */
  idle(): Promise<void>;
}

/** The mailbox could not start listening (port taken, no such address): a startup problem. */
export class MailboxListenError extends Error {}

const maxRecipients = 5;
const hourMs = 3_600_000;

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export function createPhishingMailbox(ctx: AppContext): PhishingMailbox {
  const { config } = ctx;
  const byClient = createRateLimiter({ max: config.phishingRateLimit, windowMs: hourMs });
  const bySender = createRateLimiter({ max: config.phishingRateLimit, windowMs: hourMs });
  const relays = config.phishingSmtpRelays.map((c) => parseCidr(c)).filter((n): n is IpNetwork => n !== null);
  const isRelay = (ip: string) => {
    const addr = parseIp(ip.replace(/^::ffff:(?=\d+\.)/, ''));
    return addr !== null && relays.some((n) => networkContains(n, addr));
  };
  const ownAddresses = new Set([config.phishingMailbox, ...parseAddresses([config.smtpFrom]).addresses].filter((a): a is string => Boolean(a)));
  const inFlight = new Set<Promise<void>>();
  let listening: { host: string; port: number } | null = null;

  const server = new SMTPServer({
    name: new URL(config.publicUrl).hostname,
    banner: 'Tocsin phishing check: forward suspicious email here',
    size: config.phishingMaxBytes,
    authOptional: true,
    // Plain SMTP on the internal network behind the relay; no accounts.
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 100,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const ip = session.remoteAddress;
      if (!isRelay(ip) && !byClient.take(`ip:${ip}`)) return callback(smtpError(450, '4.7.1 Too many messages from your address; try again later'));
      const sender = address.address.toLowerCase();
      // The sender is hashed even in memory: it is a person's address.
      if (sender && !bySender.take(`from:${createHash('sha256').update(sender).digest('hex')}`)) {
        return callback(smtpError(450, '4.7.1 Too many messages from this sender; try again later'));
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const to = address.address.toLowerCase();
      if (config.phishingMailbox && to !== config.phishingMailbox) return callback(smtpError(550, `5.1.1 No such mailbox here; forward suspicious email to ${config.phishingMailbox}`));
      if (session.envelope.rcptTo.length >= maxRecipients) return callback(smtpError(452, '4.5.3 Too many recipients'));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= config.phishingMaxBytes) chunks.push(chunk);
      });
      stream.on('error', (err) => ctx.log.warn({ err }, 'phishing mailbox: message stream failed'));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 The message is larger than ${config.phishingMaxBytes} bytes`));
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '';
        const rcpt = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        callback(null, 'Thank you: the phishing check will answer by email shortly');
        // Bounces (null sender) need no verdict: they are accepted and dropped.
        if (!from) return;
        const job = handleMessage(ctx, Buffer.concat(chunks), { from, rcpt }, ownAddresses)
          .catch((err: unknown) => ctx.log.error({ err }, 'phishing mailbox: could not check or answer a message'))
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      });
    },
  });
  // Connection-level problems (a client that hangs up) must never crash the hub.
  server.on('error', (err) => ctx.log.warn({ err }, 'phishing mailbox: connection error'));

  return {
    async start() {
      const port = config.phishingSmtpPort;
      if (port === undefined || listening) return;
      const host = config.phishingSmtpHost;
      await new Promise<void>((resolve, reject) => {
        const fail = (err: NodeJS.ErrnoException) => {
          reject(new MailboxListenError(`The phishing mailbox cannot listen on ${host}:${port} (${err.code ?? err.message}). Choose another TOCSIN_PHISHING_SMTP_PORT or TOCSIN_PHISHING_SMTP_HOST, or unset the port to run without the mailbox.`));
        };
        server.server.once('error', fail);
        server.listen(port, host, () => {
          server.server.off('error', fail);
          const bound = server.server.address();
          listening = { host, port: typeof bound === 'object' && bound ? bound.port : port };
          resolve();
        });
      });
      ctx.log.info({ address: listening }, 'phishing mailbox listening');
    },
    async stop() {
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      listening = null;
      await Promise.allSettled([...inFlight]);
    },
    address: () => listening,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

interface Envelope {
  from: string;
  rcpt: string[];
}

/** Analyse one accepted message and answer the forwarder. */
export async function handleMessage(ctx: AppContext, raw: Buffer, envelope: Envelope, ownAddresses: ReadonlySet<string>): Promise<void> {
  const outer = readHeaders(raw);
  // Forwarded as an attachment: the attached email is the one to check, with its headers intact.
  const attached = findAttachedMessage(raw);
  const email = attached ?? raw;
  // The forwarding message's sender and recipients are the resident's side, whatever the form.
  const personal = { addresses: [envelope.from, ...envelope.rcpt], fieldsOf: raw };
  let check: PhishingCheck | null = null;
  let receipt = '';
  try {
    // Forwarded inline (or redirected), the Received lines trace the resident's own mail path.
    ({ check, receipt } = await submitCheck(ctx, email, { channel: 'mail', personal, dropOrigins: attached ? [] : ['received'] }));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code }, 'phishing mailbox: message refused');
  }

  const automatic = isAutomatic(outer) || ownAddresses.has(envelope.from);
  if (automatic || !check) return;
  if (!ctx.mailer.configured) {
    ctx.log.warn('phishing mailbox: checked a message but cannot answer: TOCSIN_SMTP_URL is not set');
    return;
  }
  const { text, html } = renderReply(check, {
    receiptUrl: `${ctx.config.publicUrl}/check/r/${receipt}`,
    keepRawDays: ctx.config.phishingKeepRawDays,
    retentionDays: ctx.config.phishingRetentionDays,
  });
  const id = messageId(header(outer, 'message-id'));
  const references = [...messageIds(header(outer, 'references')), ...(id ? [id] : [])];
  await ctx.mailer.send({
    to: envelope.from,
    subject: replySubject(decodeHeaderText(header(outer, 'subject') ?? '')),
    text,
    html,
    ...(id ? { inReplyTo: id } : {}),
    ...(references.length ? { references } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
}
