// PowerPoint (PPTX): the slides in presentation order, each slide's text as parts located by
// slide number (`page`, as slides are the deck's pages). A slide's title is a heading, so the
// slide's other text sits in its section; tables come out row by row with cells apart.
// Speaker notes and images are reported as notes.
import { Parser } from 'htmlparser2';
import type { Part } from '../schemas.js';
import { tableParts } from './parts.js';
import { wellFormed } from './docx.js';
import { checkPackage } from './zip.js';
import { ExtractionProblem, type Extracted, type ReadContext } from './types.js';

export async function readPptx(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const pkg = await checkPackage(bytes, ctx, 'the presentation');
  const text = (name: string) => Buffer.from(pkg.get(name) ?? new Uint8Array()).toString('utf8');
  const slides = slideOrder(text('ppt/presentation.xml'), text('ppt/_rels/presentation.xml.rels'), [...pkg.keys()]);
  if (!slides.length) throw new ExtractionProblem('unreadable', 'not a readable presentation: it has no slides');
  const parts: Part[] = [];
  let images = false;
  slides.forEach((name, i) => {
    const xml = text(name);
    wellFormed(xml, name, 'the presentation');
    const slide = slideParts(xml, i + 1);
    parts.push(...slide.parts);
    images ||= slide.images;
  });
  const notes: string[] = [];
  const speaker = [...pkg.keys()].filter((n) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(n))
    .some((n) => slideParts(text(n), 1).parts.some((p) => !/^\d+$/.test(p.text)));
  if (speaker) notes.push('the presentation has speaker notes, which were not read');
  if (images) notes.push('the presentation has images; any text inside them was not read');
  if (!parts.length) notes.push('the presentation has no text');
  return { format: 'pptx', status: 'ok', pages: slides.length, notes, parts, meta: {} };
}

/** Slide part names in the order the presentation lists them (falling back to their numbers). */
function slideOrder(presentation: string, rels: string, names: string[]): string[] {
  const targets = new Map([...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1] ?? '';
    const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1] ?? '';
    return [id, target.startsWith('/') ? target.slice(1) : `ppt/${target.replace(/^\.\//, '')}`] as const;
  }));
  const ordered = [...presentation.matchAll(/<p:sldId\b[^>]*\br:id="([^"]+)"/g)].map((m) => targets.get(m[1])).filter((n): n is string => !!n && names.includes(n));
  if (ordered.length) return ordered;
  const num = (n: string) => Number(/(\d+)\.xml$/.exec(n)?.[1] ?? 0);
  return names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).sort((a, b) => num(a) - num(b));
}

/** One slide's shapes → parts: a title placeholder is a heading, other paragraphs are
 * paragraphs, table rows are table rows; all located on the slide. */
export function slideParts(xml: string, slide: number): { parts: Part[]; images: boolean } {
  const parts: Part[] = [];
  let images = false;
  let title = false; // the current shape is a title placeholder
  let para: string | null = null;
  let rows: string[][] | null = null;
  let row: string[] | null = null;
  let cell: string | null = null;
  let inText = false;
  const location = { page: slide };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'p:sp') title = false;
      else if (name === 'p:ph') title = attrs.type === 'title' || attrs.type === 'ctrTitle';
      else if (name === 'p:pic') images = true;
      else if (name === 'a:tbl') rows = [];
      else if (name === 'a:tr' && rows) row = [];
      else if (name === 'a:tc' && row) cell = '';
      else if (name === 'a:p') para = '';
      else if (name === 'a:t') inText = true;
      else if (name === 'a:br' && para !== null) para += ' ';
    },
    ontext(data) {
      if (inText && para !== null) para += data;
    },
    onclosetag(name) {
      if (name === 'a:t') inText = false;
      else if (name === 'a:p' && para !== null) {
        const t = para.replace(/\s+/g, ' ').trim();
        para = null;
        if (!t) return;
        if (cell !== null) cell += (cell ? ' ' : '') + t;
        else parts.push(title ? { kind: 'heading', level: 1, text: t, location } : { kind: 'paragraph', text: t, location });
      } else if (name === 'a:tc' && row && cell !== null) { row.push(cell); cell = null; }
      else if (name === 'a:tr' && rows && row) { rows.push(row); row = null; }
      else if (name === 'a:tbl' && rows) {
        parts.push(...tableParts(rows, (i) => ({ page: slide, row: i + 1 })));
        rows = null;
      } else if (name === 'p:sp') title = false;
    },
  }, { xmlMode: true, decodeEntities: true });
  parser.write(xml);
  parser.end();
  return { parts, images };
}
