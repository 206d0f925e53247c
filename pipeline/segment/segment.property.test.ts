// Properties of the segmenter over generated input (fast-check): it never throws, spans stay
// in bounds, and every quote it produces is the text it claims to come from — a sentence is a
// slice of its paragraph, and a PDF sentence starts on the page it cites.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitSentences } from './sentences.js';
import { segment } from './index.js';
import type { ExtractedDocument, Part } from '../schemas.js';

// Words and marks chosen to hit the splitter's special cases: abbreviations, initials,
// numbers, quotes and brackets, bullets, hyphens at line ends, protective markings.
const WORDS = ['The', 'review', 'was', 'completed', 'Det.', 'Supt.', 'No.', '3', 'e.g.', 'J.', 'Smith', 'A.', 'D/Supt.', 'IDVA', 's.39A',
  '31.05.2017', 'monitor-', 'ing', '“live.”', '(see', 'Annex', 'B).', 'OFFICIAL', 'Page', '1', 'of', '2', '•', '1.', '2.1', 'etc.', '?!', '...', 'Q3', '2017/18'];
const SEPARATORS = [' ', ' ', ' ', '  ', '\n', '\t', '. ', '! ', '? ', '.\n'];

const texty = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 60 })
  .map((ws) => ws.map(([w, s]) => w + s).join(''));
const anyText = fc.oneof(texty, fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 120 }));

const strip = (s: string) => s.replace(/\s+/g, '');

describe('splitSentences (property)', () => {
  it('covers every visible character once, with trimmed, ordered spans in bounds', () => {
    fc.assert(fc.property(anyText, (text) => {
      const spans = splitSentences(text);
      let last = 0;
      for (const { start, end } of spans) {
        expect(start).toBeGreaterThanOrEqual(last);
        expect(end).toBeGreaterThan(start);
        expect(end).toBeLessThanOrEqual(text.length);
        expect(/\s/.test(text[start]) || /\s/.test(text[end - 1])).toBe(false);
        last = end;
      }
      // nothing visible falls between sentences
      expect(spans.map((s) => text.slice(s.start, s.end)).join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    }), { numRuns: 400 });
  });
});

const doc = (parts: Part[]): ExtractedDocument => ({ file: 'plan.pdf', sha256: 'x', bytes: 1, format: 'pdf', status: 'ok', notes: [], parts, meta: {}, extractor: 'test' });

const pageParts = fc.array(fc.array(texty, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 })
  .map((pages) => pages.map((lines, i): Part => ({ kind: 'page', text: lines.join('\n'), location: { page: i + 1 } })));
const blockParts = fc.array(fc.oneof(
  fc.record({ kind: fc.constant('paragraph' as const), text: anyText, location: fc.constant({}) }),
  fc.record({ kind: fc.constant('heading' as const), level: fc.integer({ min: 1, max: 4 }), text: texty, location: fc.constant({}) }),
  fc.array(texty, { minLength: 1, maxLength: 4 }).map((cells): Part => ({ kind: 'table-row', text: cells.filter(Boolean).join(' | '), cells, location: { sheet: 'Plan', row: 2 } })),
), { maxLength: 12 }).map((ps) => ps as Part[]);

describe('segment (property)', () => {
  it('never throws; each segment is whitespace-normalised and a slice of the paragraph it names', () => {
    fc.assert(fc.property(fc.oneof(pageParts, blockParts), (parts) => {
      const s = segment(doc(parts));
      for (const g of s.segments) {
        expect(g.text).toBe(g.text.replace(/\s+/g, ' ').trim());
        expect(g.text.length).toBeGreaterThan(0);
        const para = s.paragraphs[g.paragraph];
        expect(para, g.id).toBeDefined();
        expect(para.text.includes(g.text), `${JSON.stringify(g.text)} in ${JSON.stringify(para.text)}`).toBe(true);
      }
      // segment ids are unique, paragraphs indexed in order
      expect(new Set(s.segments.map((g) => g.id)).size).toBe(s.segments.length);
      s.paragraphs.forEach((p, i) => expect(p.index).toBe(i));
    }), { numRuns: 300 });
  });

  it('cites for a PDF sentence a page of the document, where the sentence starts', () => {
    fc.assert(fc.property(pageParts, (parts) => {
      const s = segment(doc(parts));
      const pages = new Map(parts.map((p) => [p.location.page!, strip(p.text)]));
      for (const g of s.segments) {
        expect(pages.has(g.location.page!), `page ${g.location.page}`).toBe(true);
        if (g.kind !== 'sentence') continue;
        // the first word (up to a hyphen: a word hyphenated over a page break spans two pages)
        const first = g.text.split(/[\s\-–]/)[0];
        if (first) expect(pages.get(g.location.page!)!.includes(first), `“${first}” of “${g.text}” on page ${g.location.page}`).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('keeps a table row as one segment, with its cells and location', () => {
    fc.assert(fc.property(blockParts, (parts) => {
      const rows = parts.filter((p) => p.kind === 'table-row' && p.text.trim());
      const segs = segment(doc(parts)).segments.filter((g) => g.kind === 'table-row');
      expect(segs.map((g) => g.text)).toEqual(rows.map((r) => r.text.replace(/\s+/g, ' ').trim()));
      segs.forEach((g, i) => {
        expect(g.cells).toEqual(rows[i].cells);
        expect(g.location).toMatchObject({ sheet: 'Plan', row: 2 });
      });
    }), { numRuns: 200 });
  });
});

describe('segment (a table in a PDF text layer)', () => {
  const pdf = (text: string): ExtractedDocument => ({
    file: 'slides.pdf', sha256: 'x', bytes: 1, format: 'pdf', status: 'ok', notes: [], meta: {}, extractor: 'test',
    parts: [{ kind: 'page', text, location: { page: 1 } }],
  });
  const texts = (text: string) => segment(pdf(text)).segments.map((s) => s.text);

  it('reads lines of cells with nothing between them as rows, not one sentence', () => {
    const rows = ['ACU capacity review Amber Report in draft; uplift needs funding decision', 'Protective monitoring Green Live force-wide; smartphones next', 'Partners Amber Two of five partner groups engaged'];
    expect(texts(['Status at a glance', ...rows].join('\n'))).toEqual(expect.arrayContaining(rows));
  });
  it('still unwraps prose whose lines run on, even past a capitalised name', () => {
    const prose = 'Every action in this annex is mapped to the four strands of the national strategy that Chief\nConstables’ Council agreed in April 2017, and the mapping is shown in the table at C5 of the\nAnnex, which the Board approved.';
    expect(texts(prose)).toEqual(['Every action in this annex is mapped to the four strands of the national strategy that Chief Constables’ Council agreed in April 2017, and the mapping is shown in the table at C5 of the Annex, which the Board approved.']);
  });
});
