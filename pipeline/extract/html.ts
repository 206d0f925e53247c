// HTML (web pages, Word's "save as web page", e-mail bodies) through htmlparser2: headings keep
// their level, tables come out row by row with cells apart, scripts and styles are dropped.
import { Parser } from 'htmlparser2';
import type { Part } from '../schemas.js';
import { tableParts } from './parts.js';
import { decodeText } from './text.js';
import type { Extracted } from './types.js';

export function readHtml(bytes: Uint8Array): Extracted {
  const { text, notes } = decodeText(bytes, { html: true });
  const parts = htmlToParts(text);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
  if (/<img\b/i.test(text)) notes.push('the page has images; any text inside them was not read');
  if (parts.length === 0) notes.push('the page has no text');
  return { format: 'html', status: 'ok', notes, parts, meta: { title: title || undefined } };
}

/** Turns HTML (mammoth's, a web page's, an e-mail's; unclosed tags are tolerated) into parts. Location is left
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
    parts.push(...tableParts(rows));
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
