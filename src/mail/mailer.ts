// Outgoing mail over SMTP (TOCSIN_SMTP_URL). Without SMTP configured, messages are logged
// (recipient and subject only: bodies can carry sign-in links) and reported as not sent.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** a reply: the Message-ID answered, and the thread's ids (threading in mail clients) */
  inReplyTo?: string;
  references?: string[];
  /** extra header fields, e.g. Auto-Submitted on automatic replies */
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: Buffer | string; contentType: string }>;
}

export interface Mailer {
  readonly configured: boolean;
  /** Resolves true when the SMTP server accepted the message, false when mail is not configured. */
  send(message: MailMessage): Promise<boolean>;
  close(): void;
}

export function createMailer(smtpUrl: string | undefined, from: string, log: Logger): Mailer {
  if (!smtpUrl) {
    return {
      configured: false,
      async send(message) {
        log.warn({ to: message.to, subject: message.subject }, 'mail not sent: TOCSIN_SMTP_URL is not set');
        return false;
      },
      close() {},
    };
  }
  const transport: Transporter = nodemailer.createTransport(smtpUrl);
  return {
    configured: true,
    async send(message) {
      await transport.sendMail({ from, ...message });
      return true;
    },
    close() {
      transport.close();
    },
  };
}

/** Escape text for the HTML part of a mail. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An SMTP failure as it may be logged and stored: the server's answer, credentials in URLs hidden. */
export function smtpError(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string } | null;
  const text = e?.response ?? e?.message ?? String(err);
  return `${e?.code ? `${e.code}: ` : ''}${text}`.replace(/smtps?:\/\/[^\s@]*@/gi, 'smtp://[redacted]@').slice(0, 500);
}
