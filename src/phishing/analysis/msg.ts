// Outlook .msg files (OLE compound files) read with @kenjiuno/msgreader into the same shape as
// a MIME message, so every check treats both alike.
import MsgReaderModule from '@kenjiuno/msgreader';
import { decodeBytes } from './charset.js';
import { limits } from './limits.js';
import { parseHeaderBlock, type HeaderField, type MimeProblem, type ParsedEmail } from './mime.js';

// The package is CommonJS with `exports.default`; under NodeNext the default import is the module object.
type MsgReaderClass = typeof import('@kenjiuno/msgreader').default;
const MsgReader: MsgReaderClass = ((MsgReaderModule as unknown as { default?: MsgReaderClass }).default ?? MsgReaderModule) as MsgReaderClass;

type Fields = ReturnType<InstanceType<MsgReaderClass>['getFileData']>;

function synthHeaders(f: Fields): HeaderField[] {
  const out: HeaderField[] = [];
  const address = f.senderSmtpAddress ?? (f.senderEmail && f.senderEmail.includes('@') ? f.senderEmail : undefined);
  if (f.senderName || address) out.push({ name: 'from', value: `${f.senderName ? `"${f.senderName.replace(/"/g, '')}" ` : ''}<${address ?? ''}>` });
  if (f.subject) out.push({ name: 'subject', value: f.subject });
  return out;
}

function readMsg(bytes: Buffer, depth: number, problems: Set<MimeProblem>, counter: { parts: number }): ParsedEmail | null {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const reader = new MsgReader(ab);
  const f = reader.getFileData();
  if (f.error || f.dataType !== 'msg') return null;
  // msgreader reads any compound file as a "message": without a single message property it is none.
  if (!f.subject && !f.senderEmail && !f.senderName && !f.body && !f.bodyHtml && !f.html && !f.headers) return null;
  const transport = f.headers ? parseHeaderBlock(f.headers, { problems }) : [];
  // Transport headers carry the authentication results and Received chain; fill gaps from properties.
  const headers = transport.length > 0 ? transport : synthHeaders(f);
  if (!headers.some((h) => h.name === 'subject') && f.subject) headers.push({ name: 'subject', value: f.subject });
  if (!headers.some((h) => h.name === 'from')) headers.push(...synthHeaders(f).filter((h) => h.name === 'from'));
  const email: ParsedEmail = { headers, texts: [], htmls: [], attachments: [], messages: [], raw: bytes };
  if (f.body) email.texts.push(f.body.slice(0, limits.maxTextChars));
  const html = f.bodyHtml ?? (f.html ? decodeBytes(f.html, 'utf-8') : undefined);
  if (html) email.htmls.push(html.slice(0, limits.maxTextChars));
  for (const att of f.attachments ?? []) {
    if (++counter.parts > limits.maxParts) {
      problems.add('too-many-parts');
      break;
    }
    if (att.attachmentHidden && !att.fileName) continue;
    const data = reader.getAttachment(att);
    const content = Buffer.from(data.content);
    if (att.innerMsgContent) {
      if (depth >= limits.maxDepth) {
        problems.add('too-deep');
        continue;
      }
      const inner = readMsg(content, depth + 1, problems, counter);
      if (inner) email.messages.push(inner);
      continue;
    }
    const cut = content.length > limits.maxPartBytes;
    if (cut) problems.add('part-cut');
    email.attachments.push({
      name: data.fileName ?? att.fileName ?? '',
      contentType: att.attachMimeTag ?? 'application/octet-stream',
      content: cut ? content.subarray(0, limits.maxPartBytes) : content,
      size: content.length,
      charset: null,
      inline: false,
    });
  }
  return email;
}

/** The .msg in `bytes`, or null when the compound file is no Outlook message (a .doc, an .xls, damage). */
export function parseMsg(bytes: Buffer): { email: ParsedEmail; problems: Set<MimeProblem> } | null {
  const problems = new Set<MimeProblem>();
  try {
    const email = readMsg(bytes, 0, problems, { parts: 0 });
    return email ? { email, problems } : null;
  } catch {
    return null;
  }
}
