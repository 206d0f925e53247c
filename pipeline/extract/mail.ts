// E-mails: EML (MIME) through mailparser, Outlook MSG through @kenjiuno/msgreader. The message
// is a document of its own (subject as heading, body text by line, or its HTML when it has no
// plain text); each attachment becomes an entry that `extract` reads as a document of its own
// (`message.eml › attachment.pdf`), an attached message included. Images shown inside the
// body (logos, signatures) are counted in a note, not read.
import { simpleParser, type Attachment } from 'mailparser';
import MsgReaderModule from '@kenjiuno/msgreader';
import type { Part } from '../schemas.js';
import { htmlToParts } from './html.js';
import { textToParts } from './text.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

interface Message {
  subject?: string;
  date?: Date;
  text?: string;
  html?: string;
  attachments: { name: string; bytes: Uint8Array; inlineImage: boolean }[];
}

export async function readEml(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  let mail;
  try {
    mail = await simpleParser(Buffer.from(bytes), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable e-mail (${reason(err)})`);
  }
  ctx.signal.throwIfAborted();
  const html = typeof mail.html === 'string' ? mail.html : undefined;
  return messageDocument('eml', {
    subject: mail.subject,
    date: mail.date,
    text: mail.text,
    html,
    attachments: mail.attachments.map((a: Attachment, i) => ({
      name: a.filename ?? (a.contentType === 'message/rfc822' ? `attached-message-${i + 1}.eml` : `attachment-${i + 1}`),
      bytes: a.content,
      inlineImage: a.contentType.startsWith('image/') && (a.related || (!!a.cid && (a.contentDisposition === 'inline' || !!html?.includes(`cid:${a.cid}`)))),
    })),
  });
}

/** msgreader is CommonJS compiled from TypeScript: under Node's ESM its class is `default` of
 * the module; bundlers (vitest) hand over the class itself. */
const MsgReader = ((MsgReaderModule as unknown as { default?: unknown }).default ?? MsgReaderModule) as typeof MsgReaderModule.default;

export async function readMsg(bytes: Uint8Array): Promise<Extracted> {
  let data;
  let reader;
  try {
    const copy = new Uint8Array(bytes);
    reader = new MsgReader(copy.buffer);
    data = reader.getFileData();
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable Outlook message (${reason(err)})`);
  }
  if (data.error) throw new ExtractionProblem('unreadable', `not a readable Outlook message (${data.error})`);
  const attachments: Message['attachments'] = [];
  for (const [i, a] of (data.attachments ?? []).entries()) {
    try {
      const file = reader.getAttachment(a);
      const name = file.fileName || a.fileName || a.fileNameShort || a.name || `attachment-${i + 1}`;
      const isImage = /\.(png|jpe?g|gif|bmp)$/i.test(name);
      attachments.push({ name, bytes: file.content, inlineImage: isImage && (!!a.attachmentHidden || !!a.pidContentId) });
    } catch (err) {
      throw new ExtractionProblem('unreadable', `an attachment of the Outlook message could not be read (${reason(err)})`);
    }
  }
  const when = data.messageDeliveryTime ?? data.clientSubmitTime ?? data.creationTime;
  return messageDocument('msg', {
    subject: data.subject,
    date: when ? new Date(when) : undefined,
    text: data.body,
    html: data.bodyHtml,
    attachments,
  });
}

function messageDocument(format: 'eml' | 'msg', m: Message): Extracted {
  const parts: Part[] = [];
  const subject = m.subject?.replace(/\s+/g, ' ').trim();
  if (subject) parts.push({ kind: 'heading', level: 1, text: subject, location: {} });
  const text = m.text?.replace(/\r\n?/g, '\n');
  if (text?.trim()) {
    // body lines are counted from the first line of the body
    parts.push(...textToParts(text, false));
  } else if (m.html) {
    parts.push(...htmlToParts(m.html));
  }
  const notes: string[] = [];
  const inline = m.attachments.filter((a) => a.inlineImage).length;
  const files = m.attachments.filter((a) => !a.inlineImage);
  if (files.length) notes.push(`the message has ${files.length} ${files.length === 1 ? 'attachment' : 'attachments'}, each listed as a document of its own`);
  if (inline) notes.push(`${inline} ${inline === 1 ? 'image' : 'images'} shown in the message body (such as logos) ${inline === 1 ? 'was' : 'were'} not read`);
  if (!parts.some((p) => p.kind !== 'heading')) notes.push('the message has no body text');
  const date = m.date && !Number.isNaN(m.date.getTime()) ? m.date.toISOString().slice(0, 10) : undefined;
  return { format, status: 'ok', notes, parts, meta: { title: subject || undefined, date }, entries: uniqueNames(files) };
}

/** Attachments named alike ("image001.png" twice) get " (2)", " (3)"… before the extension,
 * so each keeps a name of its own; path separators in names are replaced. */
function uniqueNames(files: Message['attachments']): NonNullable<Extracted['entries']> {
  const used = new Map<string, number>();
  return files.map((f) => {
    const name = f.name.replace(/[/\\›]/g, '_').trim() || 'attachment';
    const n = (used.get(name.toLowerCase()) ?? 0) + 1;
    used.set(name.toLowerCase(), n);
    return { file: n === 1 ? name : name.replace(/(\.[^.]*)?$/, ` (${n})$1`), bytes: f.bytes };
  });
}
