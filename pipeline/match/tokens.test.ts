// Pseudo-negation: "not only", "no later than" and the like deny nothing, so the tokeniser gives
// their "not"/"no" a word of its own that negation terms do not match; a real negation keeps it.
import { describe, expect, it } from 'vitest';
import { tokenize } from './tokens.js';
import { loadRuleset } from '../rules/load.js';
import { matchRule, SegmentView } from './index.js';

const PSEUDO = '(not: pseudo-negation)';
const words = (text: string) => tokenize(text).words;

describe('pseudo-negation', () => {
  it.each([
    ['The scheme is not only a leaflet but also a route.', 'not'],
    ['The review will report no later than 30 September.', 'no'],
    ['There is no doubt the unit needs an analyst.', 'no'],
    ['The posts were not just advertised but filled.', 'not'],
    ['It runs on no fewer than six systems.', 'no'],
  ])('%s: its "%s" is not a negation', (text, neg) => {
    const w = words(text);
    expect(w).toContain(PSEUDO);
    expect(w).not.toContain(neg);
  });

  it.each([
    'The posts have not been filled.',
    'No analysts have been recruited to date.',
    'The force no longer relies on audits.',
    'The review has not only started late; it has not started at all',
  ])('a real negation stays one: %s', (text) => {
    const w = words(text);
    expect(w.some((x) => x === 'not' || x === 'no')).toBe(true);
  });

  it('"no longer" without "than" is a negation, with "than" it is not', () => {
    expect(words('The unit no longer audits on request.')).toContain('no');
    expect(words('It will take no longer than a month.')).toContain(PSEUDO);
  });

  it('lets a cue with a negation none-list fire past "not only"', () => {
    const rule = loadRuleset('rules').rules.find((r) => r.id === 'stage.since-past')!;
    const review = new Date('2017-06-01T00:00:00Z');
    const hit = (text: string) => matchRule(rule, new SegmentView({ kind: 'sentence', text }, review)) !== null;
    expect(hit('The scheme is not only a leaflet but also a route: since October 2016 named officers have been the contacts for the refuges.')).toBe(true);
    expect(hit('Since October 2016 no officer has been the contact for the refuges.')).toBe(false);
  });
});
