// Word (DOCX) through mammoth's HTML: headings keep their level, tables come out row by row
// with cells apart, list items are paragraphs. What mammoth leaves out (headers, footers,
// comments, tracked deletions) is checked in the package itself and reported as notes.
import mammoth from 'mammoth';
import { XMLValidator } from 'fast-xml-parser';
import { htmlToParts } from './html.js';
import { checkPackage } from './zip.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

export async function readDocx(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const buffer = Buffer.from(bytes);
  const notes = packageNotes(await checkPackage(bytes, ctx, 'the Word document'));
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer })).value;
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable Word document (${reason(err)})`);
  }
  const parts = htmlToParts(html);
  if (parts.length === 0) notes.push('the document body has no text');
  return { format: 'docx', status: 'ok', notes, parts, meta: {} };
}

/** Checks that a package part is well-formed XML: libraries given broken XML may read nothing,
 * or part of it, without a word, so broken XML is reported instead, with where it breaks. */
export function wellFormed(xml: string, part: string, what: string): void {
  const v = XMLValidator.validate(xml);
  if (v !== true) throw new ExtractionProblem('unreadable', `${what} is damaged: ${part} is not well-formed XML (line ${v.err.line}: ${v.err.msg.replace(/\.$/, '')})`);
}

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('utf8') : '');
const plain = (xml: string) => xml.replace(/<[^>]+>/g, '').trim();

/** Notes on what the body text alone does not show: headers and footers, comments, tracked
 * changes (mammoth reads insertions as accepted and drops deletions), images. */
function packageNotes(parts: Map<string, Uint8Array>): string[] {
  const notes: string[] = [];
  const body = text(parts.get('word/document.xml'));
  if (!body) throw new ExtractionProblem('unreadable', 'not a readable Word document: word/document.xml is missing');
  wellFormed(body, 'word/document.xml', 'the Word document');
  const names = [...parts.keys()];
  const hf = names.filter((n) => /^word\/(header|footer)\d*\.xml$/.test(n)).map((n) => plain(text(parts.get(n)))).join('');
  if (hf) notes.push('headers and footers were not read (running text such as protective markings)');
  if (plain(text(parts.get('word/comments.xml')))) notes.push('the document has reviewers\' comments, which were not read');
  if (/<w:(ins|del)\b/.test(body)) notes.push('the document has tracked changes: the text was read with insertions accepted and deletions removed');
  if (/<w:drawing\b|<w:pict\b/.test(body)) notes.push('the document has images; any text inside them was not read');
  return notes;
}
