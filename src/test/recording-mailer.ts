// A Mailer for tests that keeps every message instead of sending it, so a test can read
// the link a person would click. The SMTP conversation itself is tested elsewhere.
import type { MailMessage, Mailer } from '../mail/mailer.js';

export interface RecordingMailer extends Mailer {
  readonly sent: MailMessage[];
  /** messages to one address, oldest first */
  to(address: string): MailMessage[];
  /** the path token of the last link to `address` under /invite/ or /reset/ */
  lastLink(address: string, kind: 'invite' | 'reset'): string;
}

export function createRecordingMailer(): RecordingMailer {
  const sent: MailMessage[] = [];
  return {
    configured: true,
    sent,
    async send(message) {
      sent.push(message);
      return true;
    },
    close() {},
    to(address) {
      return sent.filter((m) => m.to === address.toLowerCase());
    },
    lastLink(address, kind) {
      const last = this.to(address).at(-1);
      const m = last && new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(last.text);
      if (!m) throw new Error(`no ${kind} link was mailed to ${address}`);
      return m[1]!;
    },
  };
}
