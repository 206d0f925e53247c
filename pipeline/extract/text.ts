// Plain text, Markdown and CSV. Text is decoded as UTF-8, or as Windows-1252 when it is not
// valid UTF-8 (older exports), with a note. Paragraphs are runs of non-blank lines; each part
// keeps the line it starts on.
import type { Part } from '../schemas.js';
import type { Extracted } from './types.js';

export function decodeText(bytes: Uint8Array): { text: string; notes: string[] } {
  const notes: string[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
    notes.push('the text is not valid UTF-8; it was read as Windows-1252');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // control characters other than tab and line ends carry no text
  const cleaned = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
  if (cleaned !== text) notes.push('control characters in the text were replaced by spaces');
  return { text: cleaned.replace(/\r\n?/g, '\n'), notes };
}

export function readText(bytes: Uint8Array, format: 'txt' | 'md'): Extracted {
  const { text, notes } = decodeText(bytes);
  const parts = textToParts(text, format === 'md');
  if (parts.length === 0) notes.push('the file has no text');
  return { format, status: 'ok', notes, parts, meta: {} };
}

/** Splits text into paragraph and heading parts with their starting line. In Markdown, `#`
 * lines are headings and `|` lines are table rows. */
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
    // a bullet or numbered line starts a paragraph of its own
    if (buf.length && /^([-*•●▪]|\d+(\.\d+)*[.)]?)\s/.test(trimmed)) flush();
    if (!buf.length) start = i;
    buf.push(trimmed);
  }
  flush();
  return parts;
}
