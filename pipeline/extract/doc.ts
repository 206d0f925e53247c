// Word 97–2003 (DOC) through word-extractor. It gives the body as text, paragraphs ending with
// a line break and table cells with a tab; table rows are rebuilt from that (plainParts), with
// the first row as the header. Headings are guessed from short, title-like lines, since the
// binary format's styles are not read. Text boxes, footnotes and endnotes are read after the
// body; headers, footers and comments are reported, not read; a password-protected file is
// recognised by its File Information Block before word-extractor reads garbage from it.
import WordExtractor from 'word-extractor';
import CFB from 'cfb';
import type { Part } from '../schemas.js';
import { tableParts } from './parts.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

export async function readDoc(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  if (encrypted(bytes)) throw new ExtractionProblem('unreadable', 'the Word document is password-protected: ask the force for an unprotected copy');
  let doc: WordExtractor.Document;
  try {
    doc = await new WordExtractor().extract(Buffer.from(bytes));
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable Word 97–2003 document (${reason(err)})`);
  }
  ctx.signal.throwIfAborted();
  const notes: string[] = [];
  const opts = { filterUnicode: false };
  const parts = plainParts(doc.getBody(opts));
  const extra = [doc.getTextboxes({ includeHeadersAndFooters: false, includeBody: true, ...opts }), doc.getFootnotes(opts), doc.getEndnotes(opts)]
    .flatMap((t) => plainParts(t ?? ''));
  parts.push(...extra);
  if ((doc.getHeaders({ includeFooters: true, ...opts }) ?? '').trim()) notes.push('headers and footers were not read (running text such as protective markings)');
  if ((doc.getAnnotations(opts) ?? '').trim()) notes.push('the document has reviewers\' comments, which were not read');
  if (!parts.length) notes.push('the document body has no text');
  return { format: 'doc', status: 'ok', notes, parts, meta: {} };
}

/** The fEncrypted bit of the File Information Block (bit 0x0100 of the flags at offset 0x0A
 * of the WordDocument stream): set when the document is password-protected. */
function encrypted(bytes: Uint8Array): boolean {
  try {
    const stream = CFB.find(CFB.read(Buffer.from(bytes), { type: 'buffer' }), 'WordDocument');
    const c = stream?.content as Uint8Array | undefined;
    return !!c && c.length > 0x0c && (c[0x0b] & 0x01) !== 0;
  } catch {
    return false;
  }
}

/** Word-extractor text → parts. Paragraphs end with "\n". Table cells end with a tab, and
 * rows come in one of two shapes: each row on a line of its own ending in a tab (as
 * LibreOffice writes DOC), or rows run together, each ending with one more tab ("\t\t"). */
export function plainParts(text: string): Part[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/[\u0007]/g, '\t').split('\n');
  const parts: Part[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes('\t')) {
      let j = i;
      while (j + 1 < lines.length && lines[j + 1].includes('\t')) j++;
      const rows = tableRun(lines.slice(i, j + 1));
      if (rows) {
        parts.push(...tableParts(rows));
        i = j;
        continue;
      }
    }
    const t = lines[i].replace(/\s+/g, ' ').trim();
    if (!t) continue;
    const level = headingLevel(t);
    parts.push(level ? { kind: 'heading', level, text: t, location: {} } : { kind: 'paragraph', text: t, location: {} });
  }
  return parts;
}

/** Rows of a run of table lines (each ends with a cell mark), or undefined when a line does
 * not end like a table row. */
function tableRun(lines: string[]): string[][] | undefined {
  const rows: string[][] = [];
  for (const l of lines) {
    if (!l.endsWith('\t')) return undefined;
    rows.push(...(tableRows(l) ?? [l.slice(0, -1).split('\t').map((c) => c.replace(/\s+/g, ' ').trim())]));
  }
  return rows;
}

/** Splits a table's run of cells into rows: each row is n cells and an empty row mark. The
 * smallest n ≥ 2 for which every (n+1)th cell is empty wins; none → not a table. */
function tableRows(run: string): string[][] | undefined {
  // without the last row mark's tab: [c1 … cn, '', c1 … cn, '', …]
  const cells = run.replace(/\t$/, '').split('\t');
  for (let n = 2; n <= Math.min(64, cells.length - 1); n++) {
    if (cells.length % (n + 1) !== 0) continue;
    let ok = true;
    for (let k = n; k < cells.length && ok; k += n + 1) ok = cells[k] === '';
    if (!ok) continue;
    const rows: string[][] = [];
    for (let k = 0; k < cells.length; k += n + 1) rows.push(cells.slice(k, k + n).map((c) => c.replace(/\s+/g, ' ').trim()));
    return rows;
  }
  return undefined;
}

/** A heading guessed from a line: numbered ("3. Working with partners", "2.1 Vetting") or
 * title-like (most words capitalised), short, not ending like a sentence. 0 when not. */
export function headingLevel(line: string): number {
  if (line.length > 90 || /[.,;:!?)"”’]$/.test(line)) return 0;
  const words = line.split(' ');
  if (words.length > 10 || !/^[A-Z0-9]/.test(line) || !/[A-Za-z]{3}/.test(line)) return 0;
  const num = /^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=[A-Z])/.exec(line);
  if (num) return num[1].split('.').length;
  const caps = words.filter((w) => /^[A-Z0-9(&]/.test(w) || /^(and|of|the|for|to|in|on|a|an|with|by|&|-|–)$/.test(w)).length;
  return words.length >= 1 && caps === words.length && words.some((w) => /^[A-Z][a-z]/.test(w) || /^[A-Z]{3,}$/.test(w)) ? 1 : 0;
}
