// Examples as tests: a hit must match, a miss must not, a known gap must not match yet; a
// failure says which example, where it is and what matched where.
import { describe, expect, it } from 'vitest';
import { SegmentView } from '../match/index.js';
import { tokenize } from '../match/tokens.js';
import { examplePassage, explain, mark, ruleFirings, testRule } from './examples.js';
import { loadRuleset } from './load.js';
import type { Rule } from './schema.js';
import { ruleTree } from './test-helpers/tree.js';

/** Loads one rule file (plus the project's settings) and returns its rule. */
function rule(path: string, yaml: string): Rule {
  const dir = ruleTree({ [path]: yaml });
  return loadRuleset(dir).rules[0];
}

const MONITORING = `message: Monitoring software
match:
  all:
    - terms: [monitor, audit]
    - near: { terms: [software, system], within: 4 }
  none:
    - phrase: internal audit
examples:
  hit:
    - The new monitoring software audits every search.
  miss:
    - Internal audit will examine the finance system.
  known_gap:
    - text: Keystrokes are now captured centrally.
      why: no monitoring word
`;

const STATUS_DONE = `message: Status column says done
stage: in_place
scope: [table-row]
match:
  any:
    - column: { name: [status], terms: [done] }
examples:
  hit: [{ text: "1 | Buy software | Done", header: [Ref, Action, Status] }]
  miss: [{ text: "1 | Buy software | Open", header: [Ref, Action, Status] }, "Done | 1 | Buy software"]
`;

describe('testRule', () => {
  it('passes a rule whose hits match, misses do not and known gaps do not yet', () => {
    const results = testRule(rule('it_monitoring/monitoring-software.yaml', MONITORING));
    expect(results.map((r) => [r.kind, r.index, r.passed])).toEqual([['hit', 0, true], ['miss', 0, true], ['known_gap', 0, true]]);
    expect(results.every((r) => r.detail.length === 0 && r.at === undefined)).toBe(true);
  });

  it('fails a miss that matches, showing the matched words and the line of the example', () => {
    const yaml = MONITORING.replace('Internal audit will examine the finance system.', 'The audit system is new.');
    const [, miss] = testRule(rule('it_monitoring/monitoring-software.yaml', yaml));
    expect(miss.passed).toBe(false);
    expect(miss.at).toMatch(/it_monitoring\/monitoring-software\.yaml:12:7$/);
    expect(miss.detail[0]).toBe('expected no match, but the rule matched: "The «audit system» is new."');
    expect(miss.detail).toContain('  match.all[0] terms [monitor, audit]: "The «audit» system is new."');
    expect(miss.detail).toContain('  match.all[1] near [software, system] within 4: "The audit «system» is new."');
  });

  it('fails a hit that does not match, naming the condition that found nothing', () => {
    const yaml = MONITORING.replace('The new monitoring software audits every search.', 'Monitoring of every search made on the database.');
    const [hit] = testRule(rule('it_monitoring/monitoring-software.yaml', yaml));
    expect(hit.passed).toBe(false);
    expect(hit.at).toMatch(/:10:7$/);
    expect(hit.detail).toEqual([
      'expected a match, found none:',
      '  match.all[0] terms [monitor, audit]: "«Monitoring» of every search made on the database."',
      '  match.all[1] near [software, system] within 4: no match',
    ]);
  });

  it('fails a hit blocked by none:, naming the blocking condition', () => {
    const yaml = MONITORING.replace('The new monitoring software audits every search.', 'Internal audit software is used.');
    const [hit] = testRule(rule('it_monitoring/monitoring-software.yaml', yaml));
    expect(hit.passed).toBe(false);
    expect(hit.detail.at(-1)).toBe('  match.none[0] phrase "internal audit": "«Internal audit» software is used." (so the rule does not match)');
  });

  it('fails a known gap that now matches and says to promote it', () => {
    const yaml = MONITORING.replace('Keystrokes are now captured centrally.', 'Keystrokes are audited by the system.');
    const gap = testRule(rule('it_monitoring/monitoring-software.yaml', yaml))[2];
    expect(gap.passed).toBe(false);
    expect(gap.kind).toBe('known_gap');
    expect(gap.detail[0]).toMatch(/^this known gap now matches: "Keystrokes are «audited» by the «system»\."\. Promote it: move it from known_gap: to hit:/);
  });

  it('reads a table row with its header for column: conditions, and says why a date rule held', () => {
    const status = rule('stage/status-done.yaml', STATUS_DONE);
    expect(testRule(status).every((r) => r.passed)).toBe(true);
    const dated = rule('stage/later.yaml', `message: A later date
stage: planned
match:
  all:
    - date: after_review
examples:
  hit: [The review will report by 30 September 2017.]
  miss: [The review will report by 30 September 2016.]
`);
    const [, miss] = testRule({ ...dated, examples: { ...dated.examples, miss: ['It reports in October 2017.'] } });
    expect(miss.passed).toBe(false);
    expect(miss.detail[1]).toBe('  match.all[0] date after_review: holds; dates found: "October 2017" (after review)');
  });

  it('fails a hit written as a sentence for a rule that reads only table rows', () => {
    const r = rule('stage/status-done.yaml', STATUS_DONE.replace('hit: [{ text: "1 | Buy software | Done", header: [Ref, Action, Status] }]', 'hit: [The status is done.]'));
    expect(testRule(r)[0].detail[0]).toBe("expected a match, but this example is a sentence and the rule's scope: is [table-row]");
  });
});

describe('examplePassage', () => {
  it('treats " | " or a header as a table row with cells, anything else as a sentence', () => {
    expect(examplePassage('a | b', ['sentence'])).toEqual({ text: 'a | b', kind: 'table-row', cells: ['a', 'b'], header: undefined });
    expect(examplePassage({ text: 'x', header: ['H'] }, ['table-row'])).toEqual({ text: 'x', kind: 'table-row', cells: ['x'], header: ['H'] });
    expect(examplePassage('Plain text.', ['sentence', 'table-row']).kind).toBe('sentence');
    expect(examplePassage('Plain heading', ['heading']).kind).toBe('heading');
  });
});

describe('explain and mark', () => {
  it('marks merged spans and reports any: near what all: found', () => {
    const view = new SegmentView({ text: 'The ACU will buy monitoring software.', kind: 'sentence' }, new Date('2017-06-01T00:00:00Z'));
    const t = tokenize('The ACU will buy monitoring software.');
    const at = (w: string) => t.words.indexOf(w);
    expect(mark(view, [[at('monitoring'), at('monitoring') + 1], [at('software'), at('software') + 1]])).toBe('"The ACU will buy «monitoring software»."');
    const lines = explain({ match: { all: [{ terms: ['acu'] }], any: [{ near: { terms: ['software'], within: 2 } }, { near: { terms: ['software'], within: 5 } }] } }, view);
    expect(lines).toEqual([
      '  match.all[0] terms [acu]: "The «ACU» will buy monitoring software."',
      '  match.any[0] near [software] within 2: no match',
      '  match.any[1] near [software] within 5: "The ACU will buy monitoring «software»."',
    ]);
  });
});

describe('ruleFirings', () => {
  it('counts the passages each rule fires on, reading stage cues only beside evidence', () => {
    const dir = ruleTree({
      'it_monitoring/software.yaml': 'message: Software\nmatch: { any: [ { terms: [software] } ] }\nexamples: { hit: [software], miss: [hardware] }\n',
      'stage/live.yaml': 'message: Live\nstage: in_place\nmatch: { any: [ { terms: [live] } ] }\nexamples: { hit: [It is live.], miss: [It is dead.] }\n',
    });
    const rs = loadRuleset(dir);
    const seg = (i: number, text: string, paragraph: number) => ({ id: `d#${i}`, kind: 'sentence' as const, text, document: 'd', paragraph, location: {} });
    const firings = ruleFirings(rs.rules, [[seg(0, 'The software is live.', 0), seg(1, 'The canteen is live.', 1), seg(2, 'More software.', 2)]]);
    expect(Object.fromEntries(firings)).toEqual({ 'it_monitoring.software': 2, 'stage.live': 1 });
  });
});
