// The kept analysis: a document analysed again from what was kept gives the same passages and
// hits as a fresh analysis, without evaluating any rule again; a changed rule is evaluated
// again, and only it.
import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.js';
import { loadRuleset } from './rules/load.js';
import { textToParts } from './extract/text.js';
import type { ExtractedDocument } from './schemas.js';
import type { Rule } from './rules/schema.js';

const { rules } = loadRuleset('rules');
const review = new Date('2017-06-01T00:00:00Z');
const text = [
  'The review of the anti-corruption unit’s capacity has not started yet; protective monitoring software went live on every desktop in March 2017.',
  'Two additional analysts joined the Counter Corruption Unit in April 2017.',
  'The ACU will approach the women’s refuge to agree a route for concerns about officers.',
  'Internal audit will review the force’s financial systems in the autumn.',
].join('\n\n');
const doc: ExtractedDocument = { file: 'plan.txt', sha256: 'x', bytes: text.length, format: 'txt', status: 'ok', notes: [], meta: {}, parts: textToParts(text, false), extractor: 'test' };
const hitsOf = (a: ReturnType<typeof analyse>) => a.analysis.parts.flatMap((p) => p.hits ?? []).map((hs) => hs.map((h) => h.ruleId).sort());

describe('analyse with a kept analysis', () => {
  const first = analyse(doc, rules, review);

  it('gives the same hits from the memo alone, evaluating nothing, under another file name', () => {
    const again = analyse('renamed.txt', rules, review, first.memo);
    // the kept copy serves any name, so nothing needs writing again
    expect(again.fresh).toEqual({ passages: false, rules: false });
    expect(hitsOf(again)).toEqual(hitsOf(first));
    expect(again.analysis.parts[0].segmented!.segments.every((s) => s.document === 'renamed.txt' && s.id.startsWith('renamed.txt#'))).toBe(true);
    expect(first.fresh).toEqual({ passages: true, rules: true });
  });

  it('evaluates a changed rule again, and its new hits replace the old', () => {
    const id = 'it_monitoring.monitoring-capability';
    // the rule now needs a word the passages do not have
    const changed: Rule[] = rules.map((r) => (r.id === id ? { ...r, match: { all: [{ terms: ['zephyrometer'] }] } } : r));
    const again = analyse('plan.txt', changed, review, first.memo);
    expect(again.fresh).toEqual({ passages: false, rules: true }); // only the rule results are written again
    expect(hitsOf(first).flat()).toContain(id);
    expect(hitsOf(again).flat()).not.toContain(id);
    expect(hitsOf(again)).toEqual(hitsOf(analyse(doc, changed, review)));
  });
});
