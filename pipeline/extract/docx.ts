// Word (DOCX) through mammoth's HTML: headings keep their level, tables come out row by row
// with cells apart, list items are paragraphs. What mammoth leaves out (headers, footers,
// comments, tracked deletions) is checked in the package itself and reported as notes.
import mammoth from 'mammoth';
import JSZip from 'jszip';
import { Parser } from 'htmlparser2';
import type { Part } from '../schemas.js';
import { ExtractionProblem, type Extracted, type ExtractLimits } from './types.js';

export async function readDocx(bytes: Uint8Array, limits: ExtractLimits): Promise<Extracted> {
  const buffer = Buffer.from(bytes);
  const notes = await packageNotes(buffer, limits);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer })).value;
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable Word document (${(err as Error).message.split('\n')[0]})`);
  }
  const parts = htmlToParts(html);
  if (parts.length === 0) notes.push('the document body has no text');
  return { format: 'docx', status: 'ok', notes, parts, meta: {} };
}

/** Turns simple, well-formed HTML (mammoth's, or an e-mail's) into parts. Location is left
 * empty; the segmenter fills in the section path from the headings. */
export function htmlToParts(html: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  let block: { kind: 'heading' | 'paragraph'; level?: number } | null = null;
  let tableDepth = 0;
  let row: string[] | null = null;
  let cell: string | null = null;
  let rows: string[][] = [];
  let skip = 0;

  const flushBlock = () => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t && block) parts.push({ kind: block.kind, level: block.level, text: t, location: {} });
    text = '';
    block = null;
  };
  const flushTable = () => {
    const width = Math.max(0, ...rows.map((r) => r.length));
    const header = rows.length > 1 ? rows[0] : undefined;
    rows.forEach((cells, i) => {
      const nonEmpty = cells.filter((c) => c !== '');
      if (nonEmpty.length === 0) return;
      parts.push({
        kind: 'table-row',
        text: nonEmpty.join(' | '),
        cells,
        header: header && i > 0 ? header : undefined,
        location: { row: i + 1 },
      });
    });
    void width;
    rows = [];
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style' || name === 'head') { skip++; return; }
        if (name === 'table') {
          if (tableDepth === 0) flushBlock();
          tableDepth++;
          return;
        }
        if (tableDepth > 0) {
          if (name === 'tr' && tableDepth === 1) row = [];
          else if ((name === 'td' || name === 'th') && tableDepth === 1) cell = '';
          else if ((name === 'p' || name === 'br' || name === 'li') && cell !== null && cell !== '') cell += ' ';
          return;
        }
        const h = /^h([1-6])$/.exec(name);
        if (h) { flushBlock(); block = { kind: 'heading', level: Number(h[1]) }; return; }
        if (name === 'p' || name === 'li' || name === 'div' || name === 'blockquote' || name === 'pre') {
          flushBlock();
          block = { kind: 'paragraph' };
          return;
        }
        if (name === 'br') text += ' ';
      },
      ontext(data) {
        if (skip) return;
        if (cell !== null) cell += data;
        else if (tableDepth === 0) {
          if (!block) block = { kind: 'paragraph' };
          text += data;
        }
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style' || name === 'head') { skip = Math.max(0, skip - 1); return; }
        if (name === 'table') {
          tableDepth--;
          if (tableDepth === 0) flushTable();
          return;
        }
        if (tableDepth > 0) {
          if ((name === 'td' || name === 'th') && tableDepth === 1 && cell !== null && row) {
            row.push(cell.replace(/\s+/g, ' ').trim());
            cell = null;
          } else if (name === 'tr' && tableDepth === 1 && row) {
            rows.push(row);
            row = null;
          }
          return;
        }
        if (/^h[1-6]$/.test(name) || name === 'p' || name === 'li' || name === 'div' || name === 'blockquote' || name === 'pre') flushBlock();
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flushBlock();
  return parts;
}

/** Notes on what the body text alone does not show: headers and footers, comments, tracked
 * changes (mammoth reads insertions as accepted and drops deletions), images. */
async function packageNotes(buffer: Buffer, limits: ExtractLimits): Promise<string[]> {
  const notes: string[] = [];
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable Word document: the ZIP container is damaged (${(err as Error).message})`);
  }
  let unzipped = 0;
  for (const f of Object.values(zip.files)) {
    unzipped += (f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
  }
  if (unzipped > limits.maxUnzippedBytes) {
    throw new ExtractionProblem('unreadable', `the Word package expands to ${unzipped} bytes, over the limit of ${limits.maxUnzippedBytes} (a possible ZIP bomb)`);
  }
  const names = Object.keys(zip.files);
  if (!names.includes('word/document.xml')) throw new ExtractionProblem('unreadable', 'not a readable Word document: word/document.xml is missing');
  const textOf = async (n: string) => (await zip.file(n)!.async('string')).replace(/<[^>]+>/g, '').trim();
  const headerFooter = names.filter((n) => /^word\/(header|footer)\d*\.xml$/.test(n));
  let hfText = '';
  for (const n of headerFooter) hfText += await textOf(n);
  if (hfText) notes.push('headers and footers were not read (running text such as protective markings)');
  if (names.includes('word/comments.xml') && (await textOf('word/comments.xml'))) notes.push('the document has reviewers\' comments, which were not read');
  const body = await zip.file('word/document.xml')!.async('string');
  if (/<w:(ins|del)\b/.test(body)) notes.push('the document has tracked changes: the text was read with insertions accepted and deletions removed');
  if (/<w:drawing\b|<w:pict\b/.test(body)) notes.push('the document has images; any text inside them was not read');
  return notes;
}
