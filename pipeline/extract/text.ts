// Plain text and Markdown. Text is decoded as UTF-8, or as Windows-1252 when it is not
// valid UTF-8 (older exports), with a note. Paragraphs are runs of non-blank lines; each part
// keeps the line it starts on.
import type { Part } from '../schemas.js';
import { utf16Bom } from './detect.js';
import type { Extracted } from './types.js';

/** Decodes text: UTF-16 by its byte-order mark; a charset an HTML page declares; else UTF-8,
 * or Windows-1252 when the bytes are not valid UTF-8 (older exports), with a note. Control
 * characters other than tab and line ends are replaced by spaces, with a note. */
export function decodeText(bytes: Uint8Array, opts: { html?: boolean } = {}): { text: string; notes: string[] } {
  const notes: string[] = [];
  let text: string;
  const bom = utf16Bom(bytes);
  const declared = opts.html ? declaredCharset(bytes) : undefined;
  if (bom) {
    text = new TextDecoder(bom).decode(bytes);
  } else if (declared && declared !== 'utf-8') {
    text = declared === 'windows-1252' ? decodeWindows1252(bytes) : new TextDecoder(declared).decode(bytes);
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = decodeWindows1252(bytes);
      notes.push('the text is not valid UTF-8; it was read as Windows-1252');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const cleaned = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
  if (cleaned !== text) notes.push('control characters in the text were replaced by spaces');
  return { text: cleaned.replace(/\r\n?/g, '\n'), notes };
}

/** Windows-1252 differs from Latin-1 in 0x80–0x9F (smart quotes, dashes, €…); Node's
 * TextDecoder('windows-1252') decodes those bytes as Latin-1 control characters. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/** The charset an HTML page declares in its first 2 KB, when TextDecoder knows it. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  const name = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  if (!name) return undefined;
  try {
    return new TextDecoder(name).encoding;
  } catch {
    return undefined;
  }
}

export function readText(bytes: Uint8Array, format: 'txt' | 'md'): Extracted {
  const { text, notes } = decodeText(bytes);
  const parts = textToParts(text, format === 'md');
  if (parts.length === 0) notes.push('the file has no text');
  return { format, status: 'ok', notes, parts, meta: {} };
}

/** The cells of a line pasted from a table: split by tabs (Word and Excel paste tables so),
 * or a quoted CSV record (`"LEG16-04","PEEL 2016","Head of PSD"`); undefined for prose. A row
 * needs three cells, so a sentence with a stray tab stays a sentence. */
export function pastedCells(line: string): string[] | undefined {
  const t = line.replace(/\s+$/, '');
  if (t.includes('\t')) {
    const cells = t.split('\t').map((c) => c.trim());
    return cells.filter(Boolean).length >= 3 ? cells : undefined;
  }
  const record = t.trim();
  if (!record.startsWith('"') || !/",\s*"/.test(record)) return undefined;
  const cell = /\s*"((?:[^"]|"")*)"\s*(,|$)/y;
  const cells: string[] = [];
  for (let at = 0; at < record.length;) {
    cell.lastIndex = at;
    const m = cell.exec(record);
    if (!m) return undefined;
    cells.push(m[1].replace(/""/g, '"').trim());
    at = cell.lastIndex;
    if (!m[2]) break;
  }
  return cells.length >= 3 ? cells : undefined;
}

/** Splits text into paragraph and heading parts with their starting line. Lines pasted from a
 * table (tab-separated, or quoted CSV records) are table rows, the first of a run its header.
 * In Markdown, `#` lines are headings and `|` lines are table rows. */
export function textToParts(text: string, markdown: boolean): Part[] {
  const parts: Part[] = [];
  const lines = text.split('\n');
  let buf: string[] = [];
  let start = 0;
  let header: string[] | undefined;
  const flush = () => {
    const t = buf.join(' ').replace(/\s+/g, ' ').trim();
    if (t) parts.push({ kind: 'paragraph', text: t, location: { line: start + 1 } });
    buf = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (!trimmed) { flush(); header = undefined; continue; }
    if (markdown) {
      const h = /^(#{1,6})\s+(.*)$/.exec(trimmed);
      if (h) { flush(); parts.push({ kind: 'heading', level: h[1].length, text: h[2].replace(/#+$/, '').trim(), location: { line: i + 1 } }); continue; }
      if (/^\|.*\|$/.test(trimmed)) {
        flush();
        if (/^\|[\s:|-]+\|$/.test(trimmed)) continue; // the separator row
        const cells = trimmed.slice(1, -1).split('|').map((c) => c.trim());
        if (!header) { header = cells; parts.push({ kind: 'table-row', text: cells.filter(Boolean).join(' | '), cells, location: { line: i + 1 } }); }
        else parts.push({ kind: 'table-row', text: cells.filter(Boolean).join(' | '), cells, header, location: { line: i + 1 } });
        continue;
      }
    }
    const pasted = pastedCells(line);
    if (pasted) {
      flush();
      const text = pasted.filter(Boolean).join(' | ');
      if (!header) { header = pasted; parts.push({ kind: 'table-row', text, cells: pasted, location: { line: i + 1 } }); }
      else parts.push({ kind: 'table-row', text, cells: pasted, header, location: { line: i + 1 } });
      continue;
    }
    header = undefined; // prose ends a table
    // a bullet or numbered line starts a paragraph of its own
    if (buf.length && /^([-*•●▪]|\d+(\.\d+)*[.)]?)\s/.test(trimmed)) flush();
    if (!buf.length) start = i;
    buf.push(trimmed);
  }
  flush();
  return parts;
}
