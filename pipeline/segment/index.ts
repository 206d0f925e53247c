// segment(document) → paragraphs and segments (sentences, headings, table rows), located.
// PDF pages arrive as hard-wrapped lines with headers and footers; Word and text formats as
// blocks. Both end up as paragraphs whose sentences know the page (or section, sheet and row,
// line) where they start.
import type { ExtractedDocument, Location, Paragraph, Part, Segment, SegmentedDocument } from '../schemas.js';
import { findFurniture } from './furniture.js';
import { collapseSpaces, splitSentences } from './sentences.js';

interface Block {
  kind: 'heading' | 'paragraph' | 'table-row';
  text: string;
  level?: number;
  cells?: string[];
  header?: string[];
  location: Location;
  /** offsets in `text` where a new page starts (PDF paragraphs that cross a page break) */
  breaks?: { offset: number; page: number }[];
}

const NUMBERED = /^(\(?[0-9]{1,2}(\.[0-9]{1,2}){0,3}[.)]|[0-9]{1,2}(\.[0-9]{1,2}){1,3}|\(?[a-z]\)|\([ivx]+\))\s+/;
/** Row references of action plans and decision logs ("A3", "D4", "C6.1"): in a PDF's text layer
 * a table row has no other mark, so each starts a block of its own (fixture: metropolitan). */
const ROW_REF = /^[A-Z]{1,2}\d{1,2}(\.\d{1,2})?\s+\S/;
const BULLET = /^[●•▪◦■□➢►\-–*]\s*/;
const TERMINAL = /[.!?:;)"”’]$/;

/** Bump when a change here can change the passages of a document. */
export const SEGMENTER_VERSION = 'segment-2';

export function segment(doc: ExtractedDocument): SegmentedDocument {
  const blocks = doc.parts.some((p) => p.kind === 'page') ? pdfBlocks(doc.parts) : doc.parts.map(partBlock);
  return toSegments(doc.file, blocks);
}

function partBlock(p: Part): Block {
  return { kind: p.kind === 'page' ? 'paragraph' : p.kind, text: p.text, level: p.level, cells: p.cells, header: p.header, location: p.location };
}

/** Page text → blocks: drop furniture, unwrap lines into paragraphs, spot headings, and join
 * a paragraph that a page break cut in two (it keeps the page where it starts). */
function pdfBlocks(parts: Part[]): Block[] {
  const pages = parts.filter((p) => p.kind === 'page');
  const lines = pages.map((p) => p.text.split('\n'));
  const furniture = findFurniture(lines);
  const bodyLines = lines.map((ls, i) => ls.filter((l, j) => !furniture[i].has(j) && l.trim()).map((l) => collapseSpaces(l).trim()));
  // an Int32Array sorts numerically without a comparator to call
  const lengths = Int32Array.from(bodyLines.flat(), (l) => l.length).sort();
  const width = lengths.length ? lengths[Math.floor(lengths.length * 0.9)] : 80;
  const short = (l: string) => l.length < width * 0.72;

  const blocks: Block[] = [];
  let cur: Block | null = null;
  let curLines: string[] = [];
  let lastLine = '';
  const close = () => {
    // a table's rows in a text layer are lines of cells with nothing between them; unwrapped
    // they would read as one sentence mixing every row's status (fixture: dev-g/suffolk)
    if (cur && !cur.breaks && rowLike(curLines)) for (const l of curLines) blocks.push({ kind: 'paragraph', text: l, location: cur.location });
    else if (cur) blocks.push(cur);
    cur = null;
    curLines = [];
  };
  bodyLines.forEach((ls, pi) => {
    const page = pages[pi].location.page ?? pi + 1;
    ls.forEach((line, li) => {
      const startsNew = NUMBERED.test(line) || BULLET.test(line) || ROW_REF.test(line);
      if (cur && li === 0) {
        // a paragraph continues across the page break when it did not end and the new line
        // does not start a block of its own
        const continues = !startsNew && !TERMINAL.test(lastLine) && !short(lastLine);
        if (continues) {
          cur.breaks = [...(cur.breaks ?? []), { offset: cur.text.length + 1, page }];
          cur.text = joinLine(cur.text, lastLine, line);
          lastLine = line;
          return;
        }
        close();
      }
      if (cur && (startsNew || short(lastLine))) close();
      if (!cur) cur = { kind: 'paragraph', text: line, location: { page } };
      else cur.text = joinLine(cur.text, lastLine, line);
      curLines.push(line);
      lastLine = line;
    });
  });
  close();
  return blocks.map((b) => (looksLikeHeading(b, width) ? { ...b, kind: 'heading', level: headingLevel(b.text) } : b));
}

/** Words and marks after which a line of prose goes on: a line ending so is not a row's end. */
const GOES_ON = /(?:\b(?:the|a|an|and|or|of|to|in|on|for|with|by|from|at|as|is|are|was|were|be|been|has|have|had|that|which|who|our|its|their|this|these|will|would|should|can|may|not|no|under|into|between|than|per|via|including)|[,\-–(/&])$/i;

/** A row's closing status cell (red/amber/green, risk level, yes/no) may be capitalised. */
const STATUS_WORD = /^(?:Green|Amber|Red|Blue|High|Medium|Low|Yes|No|Open|Closed|Complete|Completed|Done|Ongoing|Delayed|Overdue)[.]?$/;

/** Lines of one paragraph that read as a table's rows: three or more, each after the first
 * starting with a capital or a figure, none running on from the line before, and at least one
 * line break that is not also a sentence's end (else unwrapping them changes nothing). */
function rowLike(lines: string[]): boolean {
  if (lines.length < 3) return false;
  let unended = 0;
  for (let i = 1; i < lines.length; i++) {
    if (!/^[A-Z0-9£]/.test(lines[i]) || GOES_ON.test(lines[i - 1])) return false;
    // a capitalised word at the end may be a name running on ("that Chief / Constables’ Council")
    const last = /(\S+)$/.exec(lines[i - 1])![1];
    if (/^[A-Z][a-z]/.test(last) && !STATUS_WORD.test(last)) return false;
    if (!TERMINAL.test(lines[i - 1])) unended++;
  }
  return unended > 0;
}

/** `text` (a paragraph so far, ending with its line `last`) with `line` joined on. */
function joinLine(text: string, last: string, line: string): string {
  // a word hyphenated at the line end is joined without a space, keeping its hyphen. Read off
  // the last line, not the growing text (a regular expression would flatten the text at every
  // line): the same answer, since a one-character last line follows a space or a hyphen, or
  // stands alone, and so cannot end in a letter or digit and a hyphen either way
  return /[A-Za-z0-9][-–]$/.test(last) ? text + line : `${text} ${line}`;
}

function looksLikeHeading(b: Block, width: number): boolean {
  const t = b.text;
  if (b.breaks || t.length > width * 0.72 || TERMINAL.test(t) || /[,]$/.test(t)) return false;
  const words = t.split(' ');
  if (words.length > 12 || !/^[A-Z0-9(]/.test(t)) return false;
  const body = t.replace(NUMBERED, '');
  if (!body || !/[A-Za-z]{3}/.test(body)) return false;
  // numbered headings ("6. Abuse of position") or title-like lines (most words capitalised)
  if (NUMBERED.test(t) && /^[A-Z]/.test(body)) return true;
  const caps = words.filter((w) => /^[A-Z]/.test(w)).length;
  return caps / words.length >= 0.6 && words.length <= 8;
}

function headingLevel(text: string): number {
  const m = /^(\d+(?:\.\d+)*)/.exec(text);
  return m ? m[1].split('.').filter(Boolean).length : 1;
}

/** Blocks → paragraphs and segments, tracking the heading path as the section. */
function toSegments(document: string, blocks: Block[]): SegmentedDocument {
  const paragraphs: Paragraph[] = [];
  const segments: Segment[] = [];
  const headings: { level: number; text: string }[] = [];
  // the heading path, joined again only when it changes
  let section: string | undefined;

  for (const b of blocks) {
    const text = collapseSpaces(b.text).trim();
    if (!text) continue;
    const index = paragraphs.length;
    if (b.kind === 'heading') {
      const level = b.level ?? 1;
      while (headings.length && headings[headings.length - 1].level >= level) headings.pop();
      headings.push({ level, text: text.slice(0, 120) });
      section = headings.map((h) => h.text).join(' › ');
      const here = locate(b.location, undefined, section);
      paragraphs.push({ index, document, text, location: here });
      segments.push({ id: `${document}#${segments.length}`, kind: 'heading', text, document, paragraph: index, location: { ...here } });
      continue;
    }
    const here = locate(b.location, undefined, section);
    paragraphs.push({ index, document, text, location: here });
    if (b.kind === 'table-row') {
      segments.push({ id: `${document}#${segments.length}`, kind: 'table-row', text, document, paragraph: index, location: { ...here }, cells: b.cells, header: b.header });
      continue;
    }
    // Offsets into the raw block text, so a page break inside the paragraph is placed right.
    const raw = stripLead(b.text);
    for (const span of splitSentences(raw.text)) {
      const sentence = collapseSpaces(raw.text.slice(span.start, span.end));
      const at = raw.offset + span.start;
      const page = b.breaks?.filter((x) => x.offset <= at).pop()?.page;
      const location = page === undefined ? { ...here } : locate(b.location, page, section);
      segments.push({ id: `${document}#${segments.length}`, kind: 'sentence', text: sentence, document, paragraph: index, location });
    }
  }
  return { document, paragraphs, segments };
}

/** `base` with the page (when given) and, unless it has one, the section: the same keys in the
 * same order as `{ ...base, page: page ?? base.page, section: base.section ?? section }` with
 * its undefined values left out (locations are written out, so their key order shows). */
function locate(base: Location, page: number | undefined, section: string | undefined): Location {
  const out: Record<string, unknown> = {};
  const at = (k: string) => (k === 'page' ? page ?? base.page : k === 'section' ? base.section ?? section : (base as Record<string, unknown>)[k]);
  for (const k of Object.keys(base)) { const v = at(k); if (v !== undefined) out[k] = v; }
  for (const k of ['page', 'section']) if (!Object.hasOwn(base, k)) { const v = at(k); if (v !== undefined) out[k] = v; }
  return out as Location;
}

/** A paragraph's number or bullet is not part of its first sentence. */
function stripLead(text: string): { text: string; offset: number } {
  const m = BULLET.exec(text) ?? (NUMBERED.test(text) && /^[A-Z"“(]/.test(text.replace(NUMBERED, '')) ? NUMBERED.exec(text) : null);
  return m ? { text: text.slice(m[0].length), offset: m[0].length } : { text, offset: 0 };
}
