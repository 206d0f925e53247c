// Properties of the matchers over generated input (fast-check): tokens, dates and rule hits
// never throw, their offsets stay in bounds, and each span is the text it claims to be — a
// token's slice is its word, a date's text is in the sentence, a hit's span starts and ends
// on token boundaries and covers a word of one of the rule's terms.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tokenize, stem } from './tokens.js';
import { findDates } from './dates.js';
import { match, matchRule, SegmentView } from './index.js';
import { loadRuleset } from '../rules/load.js';
import type { Condition, Rule } from '../rules/schema.js';
import type { Segment } from '../schemas.js';

const ruleset = loadRuleset('rules');
const REVIEW = new Date('2017-06-01T00:00:00Z');
const PSEUDO = '(not: pseudo-negation)';

/** Words the rules look for (so that rules fire), dates in the forms forces write them, and
 * noise: contractions, possessives, curly quotes, accents, digits, stray punctuation. */
const RULE_WORDS = [...new Set(ruleset.rules.flatMap((r) => JSON.stringify(r.match).match(/[A-Za-z][A-Za-z'’-]+/g) ?? []))]
  .filter((w) => !['terms', 'phrase', 'near', 'within', 'all', 'any', 'none', 'not_after', 'column', 'name', 'date', 'starts', 'after_review', 'on_or_before_review', 'spanning_review'].includes(w));
const NOISE = ['the', 'force', "force's", 'hasn’t', "don't", 'café', 'Q3', '2017/18', 'by September 2017', 'on 02/05/2017', 'in March 2017',
  'later this year', 'the autumn', 'financial year 2017/18', '31 May', '—', '(', ')', ',', ';', '“', '”', '12', 'x', 'A'];
const word = fc.oneof(fc.constantFrom(...RULE_WORDS), fc.constantFrom(...NOISE), fc.string({ maxLength: 8 }));
const jumble = fc.array(fc.tuple(word, fc.constantFrom(' ', ' ', ', ', '  ', '-', '. ')), { maxLength: 40 })
  .map((ws) => ws.map(([w, s]) => w + s).join('').trim());
/** The rules' own hit examples, with words of noise put in at random places. */
const EXAMPLES = ruleset.rules.flatMap((r) => r.examples.hit.map((e) => (typeof e === 'string' ? e : e.text)));
const example = fc.tuple(fc.constantFrom(...EXAMPLES), fc.array(fc.tuple(fc.nat(), word), { maxLength: 4 })).map(([text, inserts]) => {
  const ws = text.split(' ');
  for (const [at, w] of inserts) ws.splice(at % (ws.length + 1), 0, w);
  return ws.join(' ');
});
const sentence = fc.oneof(jumble, example);
const anyText = fc.oneof(sentence, fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }));

describe('tokenize (property)', () => {
  it('gives tokens in order, in bounds, each the lower-cased slice it claims (or a split-off “not”)', () => {
    fc.assert(fc.property(anyText, (text) => {
      const t = tokenize(text);
      expect(t.words.length).toBe(t.offsets.length);
      expect(t.stems.length).toBe(t.words.length);
      let last = 0;
      t.offsets.forEach(([a, b], i) => {
        expect(a).toBeGreaterThanOrEqual(last);
        expect(b).toBeGreaterThan(a);
        expect(b).toBeLessThanOrEqual(text.length);
        last = b;
        const slice = text.slice(a, b).toLowerCase();
        if (t.words[i] === 'not' && /^n['’]t$/.test(slice)) return;
        // the "not" of "not only", the "no" of "no later than": a word no rule can name
        if (t.words[i] === PSEUDO) { expect(['not', 'no']).toContain(slice.replace(/^n['’]t$/, 'not')); return; }
        // possessives and contractions are cut off the word: "force's" → "force"
        expect(slice.startsWith(t.words[i]), `${JSON.stringify(slice)} / ${t.words[i]}`).toBe(true);
        expect(t.stems[i]).toBe(stem(t.words[i]));
      });
    }), { numRuns: 500 });
  });
});

describe('findDates (property)', () => {
  it('never throws; each date is quoted from the text, and starts before it ends', () => {
    let found = 0;
    fc.assert(fc.property(anyText, (text) => {
      for (const d of findDates(text, REVIEW)) {
        found++;
        expect(text.includes(d.text), `${JSON.stringify(d.text)} in ${JSON.stringify(text)}`).toBe(true);
        expect(d.start.getTime()).toBeLessThanOrEqual(d.end.getTime());
      }
    }), { numRuns: 300 });
    expect(found, 'the generated text holds dates').toBeGreaterThan(20);
  });
});

const seg = (text: string, i = 0, kind: Segment['kind'] = 'sentence', extra: Partial<Segment> = {}): Segment =>
  ({ id: `d#${i}`, kind, text, document: 'd', paragraph: Math.floor(i / 2), location: {}, ...extra });

/** Checks a hit's character spans against the segment: sorted, apart, in bounds, on token
 * boundaries, each covering at least one token. */
function spansHold(text: string, spans: [number, number][]) {
  const t = tokenize(text);
  const starts = new Set(t.offsets.map((o) => o[0]));
  const ends = new Set(t.offsets.map((o) => o[1]));
  let last = -1;
  for (const [a, b] of spans) {
    expect(a).toBeGreaterThan(last);
    expect(b).toBeGreaterThan(a);
    expect(b).toBeLessThanOrEqual(text.length);
    expect(starts.has(a) && ends.has(b), `[${a}, ${b}) of ${JSON.stringify(text)}`).toBe(true);
    last = b;
  }
}

describe('match with the project\'s rules (property)', () => {
  const ids = new Set(ruleset.rules.map((r) => r.id));
  it('never throws; every hit names a rule and quotes whole words of the segment', () => {
    let hits = 0;
    fc.assert(fc.property(fc.array(sentence, { minLength: 1, maxLength: 6 }), (texts) => {
      const out = match(texts.map((t, i) => seg(t, i)), ruleset.rules, REVIEW);
      expect(out.map((m) => m.segment.text)).toEqual(texts);
      for (const m of out) {
        for (const h of m.hits) {
          hits += h.spans.length;
          expect(ids.has(h.ruleId)).toBe(true);
          spansHold(m.segment.text, h.spans);
        }
      }
    }), { numRuns: 150 });
    expect(hits, 'the generated sentences make rules fire').toBeGreaterThan(100);
  });

  it('reads table rows by column without throwing, whatever the header', () => {
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), fc.array(word, { maxLength: 5 }), (cells, header) => {
      const row = seg(cells.join(' | '), 0, 'table-row', { cells, header });
      for (const m of match([row], ruleset.rules, REVIEW)) for (const h of m.hits) spansHold(row.text, h.spans);
    }), { numRuns: 150 });
  });
});

// Random condition trees over a small vocabulary, with the three kinds of term (stem, prefix*
// and =exact), so that every branch of the evaluator runs.
const VOCAB = ['monitor', 'monitoring software', 'audit*', '=live', 'review', 'not', 'partner', 'IDVA', 'will', 'x'];
const terms = fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 3 });
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    terms.map((t) => ({ terms: t })),
    fc.constantFrom(...VOCAB).map((p) => ({ phrase: p })),
    terms.map((t) => ({ starts: t })),
    fc.tuple(terms, fc.integer({ min: 1, max: 40 })).map(([t, w]) => ({ near: { terms: t, within: w } })),
    fc.tuple(terms, fc.integer({ min: 1, max: 10 })).map(([t, w]) => ({ not_after: { terms: t, within: w } })),
    fc.constantFrom('after_review', 'on_or_before_review', 'spanning_review', 'any').map((d) => ({ date: d as Condition['date'] })),
    fc.tuple(terms, terms).map(([n, t]) => ({ column: { name: n, terms: t } })),
    fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((c) => ({ all: c })),
    fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((c) => ({ any: c })),
    fc.array(tie('c'), { minLength: 1, maxLength: 2 }).map((c) => ({ none: c })),
  ),
})).c;

describe('matchRule with generated conditions (property)', () => {
  it('never throws, and a match points at tokens of the segment', () => {
    const text = fc.array(fc.constantFrom(...VOCAB.map((v) => v.replace(/[*=]/g, '')), 'by September 2017', 'in May 2017', 'we', ',', 'the'), { maxLength: 25 }).map((w) => w.join(' '));
    let matched = 0;
    fc.assert(fc.property(condition, condition, text, (a, b, t) => {
      const rule = { match: { all: [a], any: [b] }, scope: ['sentence', 'table-row'] } as unknown as Pick<Rule, 'match' | 'scope'>;
      const view = new SegmentView({ kind: 'table-row', text: t, cells: t.split(' , '), header: ['Status', 'Action'] }, REVIEW);
      const spans = matchRule(rule, view);
      if (spans?.length) matched++;
      if (spans) for (const [s, e] of spans) {
        expect(s).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(view.tokens.words.length);
        expect(e).toBeGreaterThan(s);
      }
    }), { numRuns: 400 });
    expect(matched, 'some generated rules match').toBeGreaterThan(5);
  });
});
