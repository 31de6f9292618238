// Emails for the phishing-check tests, written here so every test knows exactly what is in
// them: a blatant credential lure addressed to a resident (whose address and name must never
// be stored), an ordinary letter, and a forward-as-attachment as a phone mail app sends it.
// Nothing here is sent anywhere but to the hub under test on loopback.

export const resident = { name: 'Jane Resident', address: 'jane.resident@mail-provider.example' };

export interface LureOptions {
  /** the host the lure links to */
  host?: string;
  subject?: string;
  messageId?: string;
  /** extra words so that two lures differ (different message hash) */
  salt?: string;
  /** a second link */
  extraUrl?: string;
}

/** A credential-phishing email: spoofed brand, mismatching link, urgency, the resident's address in the link. */
export function lure(opts: LureOptions = {}): string {
  const host = opts.host ?? 'paypal-account-verify.top';
  const subject = opts.subject ?? `Urgent: your account is suspended, ${resident.address}`;
  const url = `http://${host}/signin/verify.php?user=${encodeURIComponent(resident.address)}`;
  const extra = opts.extraUrl ? `<p>Or use <a href="${opts.extraUrl}">this backup page</a>.</p>` : '';
  return [
    'Return-Path: <bounce@bulk-sender.top>',
    'Received: from mx.bulk-sender.top (unknown [203.0.113.66]) by mx.mail-provider.example with ESMTP id 4F2A; Sat, 21 Nov 2026 08:12:03 +0000',
    'Authentication-Results: mx.mail-provider.example; spf=fail smtp.mailfrom=bulk-sender.top; dkim=none; dmarc=fail header.from=paypal.com',
    'From: "PayPal Security" <service@paypal.com>',
    'Reply-To: <recover-team@account-help-desk.top>',
    `To: "${resident.name}" <${resident.address}>`,
    `Subject: ${subject}`,
    'Date: Sat, 21 Nov 2026 08:12:01 +0000',
    `Message-ID: ${opts.messageId ?? '<lure-1@bulk-sender.top>'}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body>',
    `<p>Dear ${resident.name},</p>`,
    '<p>We noticed unusual activity and your account has been <b>suspended</b>. You must verify your identity within 24 hours or your account will be permanently closed.</p>',
    `<p><a href="${url}">https://www.paypal.com/signin</a></p>`,
    extra,
    '<p>Enter your password and card details to restore access immediately.</p>',
    `<p>PayPal Security Team ${opts.salt ?? ''}</p>`,
    '</body></html>',
    '',
  ].join('\r\n');
}

/** An ordinary letter between two people: no links, no attachments, nothing urgent. */
export function letter(): string {
  return [
    'From: Sam Neighbour <sam@neighbours.example>',
    `To: ${resident.name} <${resident.address}>`,
    'Subject: Garden club on Thursday',
    'Date: Fri, 20 Nov 2026 17:40:00 +0000',
    'Message-ID: <letter-1@neighbours.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hi Jane,',
    '',
    'See you at the garden club on Thursday at seven. I will bring the seeds.',
    '',
    'Sam',
    '',
  ].join('\r\n');
}

/** `inner` forwarded as an attachment (message/rfc822) by the resident, as mail apps do. */
export function forwardAsAttachment(inner: string, opts: { from?: string; to?: string; subject?: string; messageId?: string } = {}): string {
  const boundary = 'fwd-boundary-7c1e';
  return [
    `From: ${resident.name} <${opts.from ?? resident.address}>`,
    `To: ${opts.to ?? 'report@hub.test'}`,
    `Subject: ${opts.subject ?? 'Fwd: is this real?'}`,
    'Date: Sat, 21 Nov 2026 09:00:00 +0000',
    `Message-ID: ${opts.messageId ?? '<fwd-1@mail-provider.example>'}`,
    'References: <earlier@mail-provider.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'I got this, is it real? - Jane',
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="suspicious.eml"',
    '',
    inner,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/**
 * An Outlook .msg (a compound file) as Outlook saves it: the transport headers, the subject,
 * and the body as text and HTML, written with msgreader's own compound-file writer.
 */
export async function outlookMsg(rfc822: string): Promise<Buffer> {
  const { burn } = await import('@kenjiuno/msgreader/lib/Burner.js');
  const cut = rfc822.indexOf('\r\n\r\n');
  const headers = rfc822.slice(0, cut + 2);
  const body = rfc822.slice(cut + 4);
  const subject = /^Subject: (.*)$/m.exec(headers)?.[1] ?? '';
  const unicode = (s: string) => Buffer.from(s, 'utf16le');
  const streams: Array<[string, Buffer]> = [
    ['__substg1.0_007D001F', unicode(headers)],
    ['__substg1.0_0037001F', unicode(subject)],
    ['__substg1.0_1000001F', unicode(body.replace(/<[^>]+>/g, ''))],
    ['__substg1.0_10130102', Buffer.from(body, 'utf8')],
  ];
  const entries = [
    { name: 'Root Entry', type: 5, length: 0, children: streams.map((_, i) => i + 1) },
    ...streams.map(([name, data]) => ({ name, type: 2, length: data.length, binaryProvider: () => Uint8Array.from(data) })),
  ];
  return Buffer.from(burn(entries as Parameters<typeof burn>[0]));
}
