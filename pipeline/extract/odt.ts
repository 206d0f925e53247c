// OpenDocument text (ODT, from LibreOffice or Word's "save as ODT"): content.xml read with
// htmlparser2 in XML mode. Headings keep their outline level, tables come out row by row with
// cells apart, footnotes follow the body. Comments, tracked changes, images, headers and
// footers are reported as notes.
import { Parser } from 'htmlparser2';
import type { Part } from '../schemas.js';
import { tableParts } from './parts.js';
import { wellFormed } from './docx.js';
import { checkPackage } from './zip.js';
import { ExtractionProblem, type Extracted, type ReadContext } from './types.js';

export async function readOdt(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const pkg = await checkPackage(bytes, ctx, 'the OpenDocument file');
  const content = pkg.get('content.xml');
  if (!content) throw new ExtractionProblem('unreadable', 'not a readable OpenDocument text: content.xml is missing');
  const xml = Buffer.from(content).toString('utf8');
  wellFormed(xml, 'content.xml', 'the OpenDocument file');
  const styles = Buffer.from(pkg.get('styles.xml') ?? new Uint8Array()).toString('utf8');
  const { parts, seen } = odfParts(xml, headingStyles([styles, xml]));
  const notes: string[] = [];
  const hf = /<style:(header|footer)\b[^>]*>([\s\S]*?)<\/style:\1>/g;
  if ([...styles.matchAll(hf)].some((m) => m[2].replace(/<[^>]+>/g, '').trim())) notes.push('headers and footers were not read (running text such as protective markings)');
  if (seen.comments) notes.push('the document has reviewers\' comments, which were not read');
  if (seen.changes) notes.push('the document has tracked changes: the text was read with insertions accepted and deletions removed');
  if (seen.images) notes.push('the document has images; any text inside them was not read');
  if (!parts.length) notes.push('the document body has no text');
  return { format: 'odt', status: 'ok', notes, parts, meta: {} };
}

/** Paragraph styles that make a paragraph a heading, with its level: an outline level, a
 * "Heading N" or "Title" name, or a parent style that is one (LibreOffice writes a Word
 * heading as <text:p text:style-name="Heading_20_1">, not as <text:h>). */
export function headingStyles(xmls: string[]): Map<string, number> {
  const styles = new Map<string, { parent?: string; level?: number }>();
  for (const xml of xmls) {
    for (const m of xml.matchAll(/<style:style\b([^>]*)>/g)) {
      const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(m[1])?.[1];
      const name = attr('style:name');
      if (!name || attr('style:family') !== 'paragraph') continue;
      const label = `${attr('style:display-name') ?? ''} ${name.replace(/_20_/g, ' ')}`;
      const outline = Number(attr('style:default-outline-level'));
      const level = outline > 0 ? outline : /\bheading\s*(\d)/i.test(label) ? Number(/\bheading\s*(\d)/i.exec(label)![1]) : /\btitle\b/i.test(label) ? 1 : undefined;
      styles.set(name, { parent: attr('style:parent-style-name'), level });
    }
  }
  const out = new Map<string, number>();
  for (const name of styles.keys()) {
    let cur: string | undefined = name;
    for (let hops = 0; cur && hops < 10; hops++) {
      const st = styles.get(cur);
      if (st?.level) { out.set(name, st.level); break; }
      cur = st?.parent;
    }
  }
  return out;
}

/** content.xml → parts. Paragraphs and headings are blocks; within a table cell they join
 * the cell's text; a footnote's body is kept apart and added after the body. */
export function odfParts(xml: string, headings: Map<string, number> = new Map()): { parts: Part[]; seen: { comments: boolean; changes: boolean; images: boolean } } {
  const body: Part[] = [];
  const footnotes: Part[] = [];
  const seen = { comments: false, changes: false, images: false };
  let skip = 0; // inside content that is not body text (comments, deleted text)
  let inNote = 0;
  const blocks: { kind: 'heading' | 'paragraph'; level?: number; text: string }[] = [];
  const table: { rows: string[][]; row: string[] | null; cell: string | null }[] = [];
  const append = (s: string) => {
    if (skip) return;
    const t = table[table.length - 1];
    if (blocks.length) blocks[blocks.length - 1].text += s;
    else if (t?.cell !== null && t?.cell !== undefined) t.cell += s;
  };
  const out = () => (inNote ? footnotes : body);

  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'office:annotation') { seen.comments = true; skip++; return; }
      if (name === 'text:tracked-changes') { seen.changes = true; skip++; return; }
      if (name === 'text:change-start' || name === 'text:change') seen.changes = true;
      if (name === 'text:note-citation') { skip++; return; }
      if (name === 'text:note-body') { inNote++; return; }
      if (name === 'draw:image') seen.images = true;
      if (skip) return;
      if (name === 'text:h' || name === 'text:p') {
        const level = name === 'text:h' ? Number(attrs['text:outline-level'] ?? 1) || 1 : headings.get(attrs['text:style-name'] ?? '');
        blocks.push({ kind: level ? 'heading' : 'paragraph', level, text: '' });
        return;
      }
      if (name === 'text:s') append(' '.repeat(Math.min(Number(attrs['text:c'] ?? 1) || 1, 20)));
      else if (name === 'text:tab' || name === 'text:line-break') append(' ');
      else if (name === 'table:table') table.push({ rows: [], row: null, cell: null });
      else if (name === 'table:table-row') { const t = table[table.length - 1]; if (t) t.row = []; }
      else if (name === 'table:table-cell' || name === 'table:covered-table-cell') { const t = table[table.length - 1]; if (t) t.cell = ''; }
    },
    ontext(data) {
      append(data);
    },
    onclosetag(name) {
      if (name === 'office:annotation' || name === 'text:tracked-changes' || name === 'text:note-citation') { skip = Math.max(0, skip - 1); return; }
      if (name === 'text:note-body') { inNote = Math.max(0, inNote - 1); return; }
      if (skip) return;
      if (name === 'text:h' || name === 'text:p') {
        const b = blocks.pop();
        if (!b) return;
        const text = b.text.replace(/\s+/g, ' ').trim();
        const t = table[table.length - 1];
        if (t && t.cell !== null && !blocks.length && !inNote) { t.cell += (t.cell ? ' ' : '') + text; return; }
        if (text) out().push({ kind: b.kind, level: b.level, text, location: {} });
        return;
      }
      const t = table[table.length - 1];
      if (!t) return;
      if (name === 'table:table-cell' || name === 'table:covered-table-cell') {
        if (t.row && t.cell !== null) t.row.push(t.cell.replace(/\s+/g, ' ').trim());
        t.cell = null;
      } else if (name === 'table:table-row') {
        if (t.row) t.rows.push(t.row);
        t.row = null;
      } else if (name === 'table:table') {
        table.pop();
        const rows = tableParts(t.rows);
        const parent = table[table.length - 1];
        // a table inside a cell gives its text to that cell
        if (parent && parent.cell !== null) parent.cell += rows.map((r) => ` ${r.text.replace(/ \| /g, ' ')}`).join('');
        else out().push(...rows);
      }
    },
  }, { xmlMode: true, decodeEntities: true });
  parser.write(xml);
  parser.end();
  return { parts: [...body, ...footnotes], seen };
}
