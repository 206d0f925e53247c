// match(segments, rules) → rule hits per segment. Each segment is tokenised once; each rule's
// condition tree is evaluated over the shared tokens in time linear in the segment's length
// times the number of terms. Hits carry the character spans that matched, for highlighting.
import type { Segment } from '../schemas.js';
import type { Condition, Rule } from '../rules/schema.js';
import { findDates, relation, type DateSpan } from './dates.js';
import { tokenize, type Tokens } from './tokens.js';

export interface RuleHit {
  ruleId: string;
  item: string | null;
  role: Rule['role'];
  /** [start, end) character spans in the segment text */
  spans: [number, number][];
}

/** Everything a condition may look at in one segment, computed at most once. */
export class SegmentView {
  readonly tokens: Tokens;
  private stemIndex?: Map<string, number[]>;
  private dateSpans?: DateSpan[];
  private cellTokens = new Map<number, Tokens>();
  constructor(readonly segment: Pick<Segment, 'text' | 'kind' | 'cells' | 'header'>, readonly review: Date) {
    this.tokens = tokenize(segment.text);
  }
  stemSet(): Map<string, number[]> {
    this.positions('');
    return this.stemIndex!;
  }
  positions(stem: string): number[] {
    if (!this.stemIndex) {
      this.stemIndex = new Map();
      this.tokens.stems.forEach((s, i) => {
        const l = this.stemIndex!.get(s);
        if (l) l.push(i); else this.stemIndex!.set(s, [i]);
      });
    }
    return this.stemIndex.get(stem) ?? [];
  }
  dates(): DateSpan[] {
    return (this.dateSpans ??= findDates(this.segment.text, this.review));
  }
  cell(i: number): Tokens {
    let t = this.cellTokens.get(i);
    if (!t) { t = tokenize(this.segment.cells?.[i] ?? ''); this.cellTokens.set(i, t); }
    return t;
  }
}

/** A compiled term: a sequence of keys. A word is compared by its stem; `word*` by prefix of
 * the word; `=word` exactly (so "=established" does not also match "establishment"); `#` is any
 * number ("# disclosures" matches "11 disclosures"). */
type Mode = 'stem' | 'prefix' | 'exact' | 'number';
type Term = { keys: string[]; modes: Mode[] };

const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'several', 'many']);
const termCache = new Map<string, Term>();
function compileTerm(t: string): Term {
  let c = termCache.get(t);
  if (!c) {
    const keys: string[] = [];
    const modes: Mode[] = [];
    for (const w of t.trim().split(/\s+/)) {
      if (w === '#') { keys.push('#'); modes.push('number'); continue; }
      const mode: Mode = w.endsWith('*') ? 'prefix' : w.startsWith('=') ? 'exact' : 'stem';
      const toks = tokenize(mode === 'prefix' ? w.slice(0, -1) : mode === 'exact' ? w.slice(1) : w);
      toks.stems.forEach((s, i) => {
        const last = i === toks.stems.length - 1;
        const m: Mode = mode === 'prefix' && !last ? 'stem' : mode;
        keys.push(m === 'stem' ? s : toks.words[i]);
        modes.push(m);
      });
    }
    c = { keys, modes };
    termCache.set(t, c);
  }
  return c;
}

/** A list of terms compiled once: terms whose first key is a stem, grouped by that stem (so a
 * segment is checked through its own few distinct stems, not every term of every rule), and
 * the others (prefix, exact or number first word), which are scanned. */
interface CompiledList { byFirst: Map<string, Term[]>; scan: Term[] }
const lists = new WeakMap<readonly string[], CompiledList>();
const phrases = new Map<string, CompiledList>();
function compileList(list: readonly string[]): CompiledList {
  const byFirst = new Map<string, Term[]>();
  const scan: Term[] = [];
  for (const t of list) {
    const term = compileTerm(t);
    if (!term.keys.length) continue;
    if (term.modes[0] === 'stem') {
      const l = byFirst.get(term.keys[0]);
      if (l) l.push(term); else byFirst.set(term.keys[0], [term]);
    } else scan.push(term);
  }
  return { byFirst, scan };
}
function listOf(list: readonly string[]): CompiledList {
  let c = lists.get(list);
  if (!c) { c = compileList(list); lists.set(list, c); }
  return c;
}
function phraseList(p: string): CompiledList {
  let c = phrases.get(p);
  if (!c) { c = compileList([p]); phrases.set(p, c); }
  return c;
}

function matchesAt(term: Term, tokens: Tokens, i: number): boolean {
  const n = term.keys.length;
  if (i + n > tokens.stems.length) return false;
  for (let k = 0; k < n; k++) {
    const m = term.modes[k];
    const w = tokens.words[i + k];
    const ok = m === 'stem' ? tokens.stems[i + k] === term.keys[k] : m === 'exact' ? w === term.keys[k] : m === 'number' ? /^\d[\d,]*$/.test(w) || NUMBER_WORDS.has(w) : w.startsWith(term.keys[k]);
    if (!ok) return false;
  }
  return true;
}

/** Token index spans [start, end) where any of the terms occurs in `tokens`. */
function termSpans(view: SegmentView, tokens: Tokens, c: CompiledList, indexed: boolean): [number, number][] {
  const out: [number, number][] = [];
  if (indexed) {
    // walk whichever is smaller: the segment's distinct stems or the list's first keys
    const stems = view.stemSet();
    if (stems.size < c.byFirst.size) {
      for (const s of stems.keys()) {
        const terms = c.byFirst.get(s);
        if (terms) for (const term of terms) for (const i of view.positions(s)) if (matchesAt(term, tokens, i)) out.push([i, i + term.keys.length]);
      }
    } else {
      for (const [s, terms] of c.byFirst) {
        const pos = view.positions(s);
        if (pos.length) for (const term of terms) for (const i of pos) if (matchesAt(term, tokens, i)) out.push([i, i + term.keys.length]);
      }
    }
  } else {
    for (const terms of c.byFirst.values()) for (const term of terms) for (let i = 0; i < tokens.words.length; i++) if (matchesAt(term, tokens, i)) out.push([i, i + term.keys.length]);
  }
  for (const term of c.scan) for (let i = 0; i < tokens.words.length; i++) if (matchesAt(term, tokens, i)) out.push([i, i + term.keys.length]);
  return out;
}

/** Evaluates a condition: the token spans that matched, or null for no match. Conditions that
 * match without a position (none, date, column) return an empty list. */
export function evaluate(c: Condition, view: SegmentView, prior: [number, number][] = []): [number, number][] | null {
  const tk = view.tokens;
  if (c.phrase !== undefined) { const s = termSpans(view, tk, phraseList(c.phrase), true); return s.length ? s : null; }
  if (c.terms) { const s = termSpans(view, tk, listOf(c.terms), true); return s.length ? s : null; }
  if (c.starts) {
    const s = termSpans(view, tk, listOf(c.starts), true).filter(([a]) => a === 0);
    return s.length ? s : null;
  }
  if (c.near) {
    const s = termSpans(view, tk, listOf(c.near.terms), true).filter(([a, b]) =>
      prior.some(([pa, pb]) => a - pb < c.near!.within && pa - b < c.near!.within));
    return s.length ? s : null;
  }
  if (c.not_after) {
    // keeps the earlier siblings' matches that no listed term precedes within N tokens
    const blockers = termSpans(view, tk, listOf(c.not_after.terms), true);
    const kept = prior.filter(([a]) => !blockers.some(([, b]) => b <= a && a - b < c.not_after!.within));
    return kept.length ? kept : null;
  }
  if (c.all) {
    let acc: [number, number][] = [];
    for (const child of c.all) {
      if (child.not_after) {
        const kept = evaluate(child, view, acc);
        if (!kept) return null;
        acc = kept;
        continue;
      }
      const s = evaluate(child, view, acc.length ? acc : prior);
      if (!s) return null;
      acc = acc.concat(s);
    }
    return acc;
  }
  if (c.any) {
    let acc: [number, number][] | null = null;
    for (const child of c.any) {
      const s = evaluate(child, view, prior);
      if (s) acc = [...(acc ?? []), ...s];
    }
    return acc;
  }
  if (c.none) {
    for (const child of c.none) if (evaluate(child, view, prior)) return null;
    return [];
  }
  if (c.date) {
    const ds = view.dates();
    return ds.some((d) => c.date === 'any' || relation(d, view.review) === c.date) ? [] : null;
  }
  if (c.column) {
    const { header, cells } = view.segment;
    if (!header || !cells) return null;
    for (let i = 0; i < header.length; i++) {
      const h = tokenize(header[i] ?? '');
      if (!termSpans(view, h, listOf(c.column.name), false).length) continue;
      if (termSpans(view, view.cell(i), listOf(c.column.terms), false).length) return [];
    }
    return null;
  }
  return null;
}

export function matchRule(rule: Pick<Rule, 'match' | 'scope'>, view: SegmentView): [number, number][] | null {
  if (!rule.scope.includes(view.segment.kind)) return null;
  const m = rule.match;
  let acc: [number, number][] = [];
  if (m.all) {
    const s = evaluate({ all: m.all }, view);
    if (!s) return null;
    acc = s;
  }
  if (m.any) {
    const s = evaluate({ any: m.any }, view, acc);
    if (!s) return null;
    acc = acc.concat(s);
  }
  if (m.none && !evaluate({ none: m.none }, view)) return null;
  return acc;
}

/** Character spans of token spans, merged. */
function charSpans(view: SegmentView, spans: [number, number][]): [number, number][] {
  const cs = spans
    .map(([a, b]) => [view.tokens.offsets[a][0], view.tokens.offsets[b - 1][1]] as [number, number])
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const s of cs) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([...s]);
  }
  return out;
}

export interface MatchedSegment { segment: Segment; hits: RuleHit[]; view: SegmentView }

/** Stage cues are read only where they can matter: in segments with evidence for an item,
 * and in the sentence after one (which may say "This work has not yet started."). */
export function match(segments: Segment[], rules: Rule[], review: Date): MatchedSegment[] {
  const topical = rules.filter((r) => r.role !== 'stage');
  const stage = rules.filter((r) => r.role === 'stage');
  const run = (view: SegmentView, list: Rule[], hits: RuleHit[]) => {
    for (const rule of list) {
      const s = matchRule(rule, view);
      if (s) hits.push({ ruleId: rule.id, item: rule.item, role: rule.role, spans: charSpans(view, s) });
    }
  };
  const out: MatchedSegment[] = segments.map((segment) => {
    const view = new SegmentView(segment, review);
    const hits: RuleHit[] = [];
    run(view, topical, hits);
    return { segment, hits, view };
  });
  out.forEach((m, i) => {
    const prev = out[i - 1];
    const near = prev && prev.segment.document === m.segment.document && prev.segment.paragraph === m.segment.paragraph;
    if (m.hits.some((h) => h.role === 'evidence') || (near && prev.hits.some((h) => h.role === 'evidence'))) run(m.view, stage, m.hits);
  });
  return out;
}
