// A real SMTP server on loopback for tests, with received mail parsed by mailparser (parts,
// attachments, headers), and addresses it refuses with 550 to test retries.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  to: string[];
  mail: ParsedMail;
}

export interface LoopbackSmtp {
  url: string;
  received: ReceivedMessage[];
  /** addresses answered 550 at RCPT TO */
  rejecting: Set<string>;
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<LoopbackSmtp> {
  const received: ReceivedMessage[] = [];
  const rejecting = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (rejecting.has(address.address.toLowerCase())) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream)
        .then((mail) => {
          received.push({ to, mail });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejecting,
    to: (address) => received.filter((m) => m.to.includes(address.toLowerCase())).map((m) => m.mail),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
