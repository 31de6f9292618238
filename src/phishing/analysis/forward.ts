// Forwarded mail: a resident forwards the suspect message to the hub, as an attachment
// (message/rfc822, an .eml or an Outlook item) or inline ("---------- Forwarded message ---------").
// The message inside is what gets checked; the forwarder is not the suspect.
import { decodeEncodedWords } from './charset.js';
import { readHtml } from './html.js';
import { sniffInput } from './input.js';
import { limits } from './limits.js';
import { headerValue, parseEmail, type HeaderField, type MimeProblem, type ParsedEmail } from './mime.js';
import { parseMsg } from './msg.js';

export interface Unwrapped {
  email: ParsedEmail;
  forwarded: 'attachment' | 'inline' | null;
}

const forwardPrefix = /^\s*(?:fwd?|fw|wg|tr|rv|enc|doorst|vs|vb|i)\s*:/i;
// Separator lines mail programs write above a forwarded message, in the languages we cover.
const forwardMarker =
  /^[ \t>]*(?:-{2,}[ \t]*(?:forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|mensaje reenviado|mensagem encaminhada|doorgestuurd bericht|messaggio inoltrato)[ \t]*-{2,}|begin forwarded message:|d[ée]but du message r[ée]exp[ée]di[ée][ \t]*:|inicio del mensaje reenviado:|in[ií]cio da mensagem reencaminhada:)[ \t]*$/im;
// "Original message" separators also start replies, so they count only under a forward subject.
const originalMarker = /^[ \t>]*-{2,}[ \t]*(?:original message|urspr[üu]ngliche nachricht|message d'origine|mensaje original|mensagem original|oorspronkelijk bericht)[ \t]*-{2,}[ \t]*$/im;
// Outlook writes a rule of underscores above the quoted header block.
const outlookMarker = /^[ \t>]*_{10,}[ \t]*$/m;
const headerLine = /^[ \t>]*\*?(from|von|de|van|da|sent|date|datum|envoy[ée]|enviado|gesendet|verzonden|data|subject|betreff|objet|asunto|assunto|onderwerp|oggetto|to|an|à|para|aan|a|cc)\*?[ \t]*:[ \t]*(.*)$/i;
const fromKeys = new Set(['from', 'von', 'de', 'van', 'da']);
const subjectKeys = new Set(['subject', 'betreff', 'objet', 'asunto', 'assunto', 'onderwerp', 'oggetto']);

function attachedMessage(email: ParsedEmail, problems: Set<MimeProblem>): ParsedEmail | null {
  if (email.messages[0]) return email.messages[0];
  for (const a of email.attachments) {
    const name = a.name.toLowerCase();
    if (name.endsWith('.eml') || a.contentType === 'message/rfc822') {
      const kind = sniffInput(a.content, limits.maxPartBytes);
      if (kind.kind === 'eml') {
        const parsed = parseEmail(kind.bytes);
        for (const p of parsed.problems) problems.add(p);
        return parsed.email;
      }
    } else if (name.endsWith('.msg')) {
      const parsed = parseMsg(a.content);
      if (parsed) {
        for (const p of parsed.problems) problems.add(p);
        return parsed.email;
      }
    }
  }
  return null;
}

function visibleText(email: ParsedEmail): string {
  const text = email.texts.length > 0 ? email.texts.join('\n') : email.htmls.map((h) => readHtml(h, 0).text).join('\n');
  return text.replace(/\r\n?/g, '\n');
}

/** The forwarded message inside `email` when it is a forward, else `email` itself. */
export function unwrapForward(email: ParsedEmail, problems: Set<MimeProblem>): Unwrapped {
  const subject = decodeEncodedWords(headerValue(email, 'subject') ?? '');
  const attached = attachedMessage(email, problems);
  const text = visibleText(email);
  // An attached message is the suspect when the outer mail is a forward or a short covering note.
  if (attached && (forwardPrefix.test(subject) || text.replace(/\s+/g, ' ').trim().length < 2000)) {
    return { email: attached, forwarded: 'attachment' };
  }
  const marker = forwardMarker.exec(text) ?? (forwardPrefix.test(subject) ? (originalMarker.exec(text) ?? outlookMarker.exec(text)) : null);
  if (!marker) return { email, forwarded: null };
  // The quoted header block right under the separator: From, Date, Subject, To lines.
  const after = text.slice(marker.index + marker[0].length).replace(/^\s*\n/, '');
  const lines = after.split('\n');
  const headers: HeaderField[] = [];
  let i = 0;
  for (; i < lines.length && i < 30; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      if (headers.length > 0) break;
      continue;
    }
    const m = headerLine.exec(line);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (fromKeys.has(key)) headers.push({ name: 'from', value: m[2]!.trim() });
    else if (subjectKeys.has(key)) headers.push({ name: 'subject', value: m[2]!.trim() });
  }
  if (!headers.some((h) => h.name === 'from')) return { email, forwarded: null };
  const body = lines.slice(i).join('\n');
  // The whole HTML stays: a link placed above a fake separator must not escape the link checks,
  // and the forwarder's own links (a signature) raise nothing.
  return {
    email: { headers, texts: [body], htmls: email.htmls, attachments: email.attachments, messages: [], raw: email.raw },
    forwarded: 'inline',
  };
}
