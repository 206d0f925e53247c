// Before a kept analysis is matched again under changed rules: the passages on which a rule that
// the memo does not know yet (a changed or new evidence or hint rule) cannot match, read off the
// passage index alone, are entered in the memo as tried without a hit, so the matcher evaluates
// the rule only where it can match (a rescore after a one-line change: about 14k evaluations of
// the changed rule instead of 112k on the 450-document bench drop).
//
// The matcher's own gates (index.ts: a rule's gate takes the smallest key set of one condition,
// a list's gate the rarest key of each term) are coarser; this one takes every condition that
// constrains words positively, and every word of each term. It reads terms into keys as the
// matcher's compiler does; the two are meant to become one gate (until then, a change to how
// terms match must change both, and prefilter.test.ts fails when they part):
//   - a term (phrase, terms, starts, near) matches only where each of its words occurs (by
//     stem; "=word" also by its stem; "word*" by a word that starts so, if 3 letters or more),
//   - a list of terms where one of them does; `all` where every constrained child does; `any`
//     where one child does (unconstrained if one of them is);
//   - `none`, `not_after`, `date` and `column` constrain nothing here.
// So it is sound by the same argument as the matcher's gate: a passage it sets aside lacks a
// word that every way of matching the rule needs. pipeline/match/prefilter.test.ts checks that the
// hits are the same with and without it.
import type { AnalysisMemo } from '../analyse.js';
import { ruleKey, union, type MatchMemo, type PassageIndex, type Postings } from './index.js';
import { stem, tokenize } from './tokens.js';
import type { Condition, Rule } from '../rules/schema.js';

/** A necessary condition on a passage's words: a stem key ("*prefix" for a word prefix), all of
 * the gates, or one of them. null: no constraint. */
type Gate = string | { and: Gate[] } | { or: Gate[] };

const termGates = new Map<string, Gate | null>();
/** Every key one term needs; null when it needs none that can be looked up (e.g. "#"). */
function termGate(t: string): Gate | null {
  let g = termGates.get(t);
  if (g !== undefined) return g;
  const keys: string[] = [];
  for (const w of t.trim().split(/\s+/)) {
    if (w === '#' || !w) continue;
    const mode = w.endsWith('*') ? 'prefix' : w.startsWith('=') ? 'exact' : 'stem';
    const toks = tokenize(mode === 'prefix' ? w.slice(0, -1) : mode === 'exact' ? w.slice(1) : w);
    toks.stems.forEach((s, i) => {
      const last = i === toks.stems.length - 1;
      if (mode === 'stem' || (mode === 'prefix' && !last)) keys.push(s);
      else if (mode === 'exact') keys.push(stem(toks.words[i]));
      else if (toks.words[i].length >= 3) keys.push(`*${toks.words[i]}`);
    });
  }
  g = keys.length === 0 ? null : keys.length === 1 ? keys[0] : { and: [...new Set(keys)] };
  termGates.set(t, g);
  return g;
}

function listGate(list: readonly string[]): Gate | null {
  const parts: Gate[] = [];
  for (const t of list) {
    const g = termGate(t);
    if (!g) return null;
    parts.push(g);
  }
  return parts.length === 1 ? parts[0] : { or: parts };
}

function conditionGate(c: Condition): Gate | null {
  if (c.phrase !== undefined) return listGate([c.phrase]);
  if (c.terms) return listGate(c.terms);
  if (c.starts) return listGate(c.starts);
  if (c.near) return listGate(c.near.terms);
  if (c.all) return andGate(c.all.map(conditionGate));
  if (c.any) {
    const parts = c.any.map(conditionGate);
    return parts.some((p) => p === null) ? null : { or: parts as Gate[] };
  }
  return null;
}

function andGate(parts: (Gate | null)[]): Gate | null {
  const constrained = parts.filter((p): p is Gate => p !== null);
  return constrained.length === 0 ? null : constrained.length === 1 ? constrained[0] : { and: constrained };
}

const ruleGates = new WeakMap<Rule, Gate | null>();
export function ruleGateOf(rule: Pick<Rule, 'match'>): Gate | null {
  let g = ruleGates.get(rule as Rule);
  if (g === undefined) {
    g = andGate([rule.match.all ? conditionGate({ all: rule.match.all }) : null, rule.match.any ? conditionGate({ any: rule.match.any }) : null]);
    ruleGates.set(rule as Rule, g);
  }
  return g;
}

const EMPTY = new Int32Array(0);

function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0, j = 0, n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else { out[n++] = a[i]; i++; j++; }
  }
  return out.subarray(0, n);
}

/** Looks keys up in one part's index: stems by key, prefixes over its words. */
class Lookup {
  private stems?: Map<string, number>;
  private prefixes = new Map<string, Int32Array>();
  constructor(private index: PassageIndex) {}
  private slice(p: Postings, k: number): Int32Array { return p.passages.subarray(p.at[k], p.at[k + 1]); }
  passages(key: string): Int32Array {
    if (key.startsWith('*')) {
      let r = this.prefixes.get(key);
      if (!r) {
        const prefix = key.slice(1);
        const words = this.index.words;
        const parts: Int32Array[] = [];
        for (let k = 0; k < words.keys.length; k++) if (words.keys[k].startsWith(prefix)) parts.push(this.slice(words, k));
        r = union(parts);
        this.prefixes.set(key, r);
      }
      return r;
    }
    if (!this.stems) {
      this.stems = new Map();
      const keys = this.index.stems.keys;
      for (let k = 0; k < keys.length; k++) this.stems.set(keys[k], k);
    }
    const k = this.stems.get(key);
    return k === undefined ? EMPTY : this.slice(this.index.stems, k);
  }
}

function passagesOf(g: Gate, at: Lookup): Int32Array {
  if (typeof g === 'string') return at.passages(g);
  if ('and' in g) {
    let r: Int32Array | undefined;
    for (const p of g.and) {
      r = r ? intersect(r, passagesOf(p, at)) : passagesOf(p, at);
      if (!r.length) break;
    }
    return r ?? EMPTY;
  }
  return union(g.or.map((p) => passagesOf(p, at)));
}

/** Marks, in each part's memo, the passages where an evidence or hint rule the memo does not
 * know cannot match as tried without a hit (creating the memo if the part has none). Changes
 * nothing where the memo knows every rule, or a part has no index. Returns whether it entered
 * any rule (the memo to keep then differs from the one read, even where no passage was left
 * to evaluate). */
export function prefilter(kept: AnalysisMemo, rules: Rule[]): boolean {
  let entered = false;
  const topical = rules.filter((r) => r.role === 'evidence' || r.role === 'hint');
  for (const part of kept.parts) {
    if (!part.segmented || !part.index) continue;
    const memo: MatchMemo = part.memo ?? new Map();
    const unknown = topical.filter((r) => !memo.has(ruleKey(r)));
    if (!unknown.length) continue;
    part.memo = memo;
    const at = new Lookup(part.index);
    const n = part.segmented.segments.length;
    for (const rule of unknown) {
      const key = ruleKey(rule);
      if (memo.has(key)) continue; // two rules with the same conditions
      const g = ruleGateOf(rule);
      if (!g) continue;
      const can = passagesOf(g, at);
      const tried = new Set<number>();
      for (let i = 0, c = 0; i < n; i++) {
        if (c < can.length && can[c] === i) { c++; continue; }
        tried.add(i);
      }
      memo.set(key, { tried, hits: new Map() });
      entered = true;
    }
  }
  return entered;
}
