// The pure parts of review: joining decisions to draft findings, triage order, and finding a
// quote inside its paragraph.
import { describe, expect, it } from 'vitest';
import { loadRuleset } from '../../pipeline/rules/load.js';
import type { Criterion, ForceAssessment, Item, SegmentedDocument } from '../../pipeline/schemas.js';
import { forceView, signOffBlockers, triage, type Decision } from './state.js';
import { quoteInContext } from './run-folder.js';

const outcome = loadRuleset('rules').outcome;

function draft(force: string, statuses: Record<Item, Criterion['status']>, confidence: Partial<Record<Item, number>> = {}): ForceAssessment {
  const crit = (i: Item): Criterion => ({ status: statuses[i], confidence: confidence[i] ?? 0.9, explanation: '', evidence: [] });
  return {
    force, name: force, category: 'plans_commenced', documents: [], warnings: [],
    criteria: { national_strategy: crit('national_strategy'), ccu_capability: crit('ccu_capability'), it_monitoring: crit('it_monitoring'), partner_relationships: crit('partner_relationships') },
  };
}

const decision = (force: string, item: Item, status: Decision['status'], draftStatus: Decision['status']): Decision => ({
  force, item, status, draftStatus, action: status === draftStatus ? 'accept' : 'override', reason: 'r', reviewer: 'A', at: '2017-06-12T09:00:00Z', evidence: [], rulesetVersion: 'v',
});

const COMMENCED = { national_strategy: 'reflected', ccu_capability: 'commenced', it_monitoring: 'planned', partner_relationships: 'planned' } as const;

describe('forceView', () => {
  it('keeps the draft category until a status changes, then applies the outcome mapping', () => {
    const d = draft('a', COMMENCED);
    expect(forceView(d, [], undefined, outcome).category).toBe('plans_commenced');
    const v = forceView(d, [decision('a', 'ccu_capability', 'no_information', 'commenced'), decision('a', 'it_monitoring', 'no_information', 'planned')], undefined, outcome);
    expect(v.category).toBe('insufficient_information');
    expect(v.items.ccu_capability.source).toBe('overridden');
    expect(v.state).toBe('in_review');
    expect(v.open).toEqual(['national_strategy', 'partner_relationships']);
    expect(signOffBlockers(v)).toHaveLength(2);
  });

  it('ignores decisions about other forces', () => {
    const v = forceView(draft('a', COMMENCED), [decision('b', 'ccu_capability', 'in_place', 'commenced')], undefined, outcome);
    expect(v.items.ccu_capability.status).toBe('commenced');
    expect(v.state).toBe('not_started');
  });

  it('treats a sign-off as stale when a rescore flags a decision behind it', () => {
    const d = draft('a', COMMENCED);
    const all = (['national_strategy', 'ccu_capability', 'it_monitoring', 'partner_relationships'] as const).map((i) => decision('a', i, COMMENCED[i], COMMENCED[i]));
    const signOff = { force: 'a', reviewer: 'A', at: '2017-06-13T09:00:00Z', statuses: { ...COMMENCED } };
    expect(forceView(d, all, signOff, outcome).state).toBe('signed_off');
    const rescored = draft('a', { ...COMMENCED, it_monitoring: 'commenced' });
    const v = forceView(rescored, all, signOff, outcome);
    expect(v.state).toBe('in_review');
    expect(v.signOffStale).toBe(true);
    expect(v.items.it_monitoring.status).toBe('planned');
  });
});

describe('triage', () => {
  it('puts the least certain open verdicts first and fully reviewed forces last', () => {
    const sure = draft('sure', COMMENCED, { it_monitoring: 0.8 });
    const unsure = draft('unsure', COMMENCED, { partner_relationships: 0.4 });
    const reviewedLow = draft('reviewed', COMMENCED, { ccu_capability: 0.3 });
    const decisions = (['national_strategy', 'ccu_capability', 'it_monitoring', 'partner_relationships'] as const).map((i) => decision('reviewed', i, COMMENCED[i], COMMENCED[i]));
    const views = [sure, unsure, reviewedLow].map((d) => forceView(d, decisions, undefined, outcome));
    expect(triage(views, {}).map((v) => v.draft.force)).toEqual(['unsure', 'sure', 'reviewed']);
    expect(triage(views, { state: 'not_started' }).map((v) => v.draft.force)).toEqual(['unsure', 'sure']);
    expect(triage(views, { status: 'in_place' })).toEqual([]);
    expect(triage(views, { sort: 'name' }).map((v) => v.draft.force)).toEqual(['reviewed', 'sure', 'unsure']);
  });
});

describe('quoteInContext', () => {
  const doc = (text: string): SegmentedDocument => ({
    document: 'd.txt',
    paragraphs: [{ index: 0, document: 'd.txt', text, location: {} }],
    segments: [],
  });

  it('splits the paragraph around the quote, whitespace normalised', () => {
    expect(quoteInContext(doc('First  one.\nThe quote   here. Last.'), 'The quote here.')).toEqual({ before: 'First one. ', quote: 'The quote here.', after: ' Last.', found: true });
  });

  it('cuts a long paragraph at a word on each side of the quote', () => {
    const words = (n: number, w: string) => Array.from({ length: n }, () => w).join(' ');
    const c = quoteInContext(doc(`${words(200, 'before')} The quote. ${words(200, 'after')}`), 'The quote.');
    expect(c.before.startsWith('…before ')).toBe(true);
    expect(c.after.endsWith(' after…')).toBe(true);
    expect(c.before.length).toBeLessThan(400);
    expect(c.after.length).toBeLessThan(400);
  });

  it('says when the quote is not in the document', () => {
    expect(quoteInContext(doc('Something else.'), 'The quote.').found).toBe(false);
    expect(quoteInContext(undefined, 'The quote.')).toEqual({ before: '', quote: 'The quote.', after: '', found: false });
  });
});
