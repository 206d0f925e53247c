// match(segments, rules) → rule hits per segment. Each segment is tokenised once; each rule's
// condition tree is evaluated over the shared tokens in time linear in the segment's length
// times the number of terms. Hits carry the character spans that matched, for highlighting.
import { createHash } from 'node:crypto';
import type { Segment } from '../schemas.js';
import type { Condition, Rule } from '../rules/schema.js';
import { findDates, relation, type DateSpan } from './dates.js';
import { stem, tokenize, type Tokens } from './tokens.js';

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
  private clauseIndex?: Int32Array;
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
  /** the clause each token is in (see clauseRanges) */
  clauses(): Int32Array {
    if (!this.clauseIndex) {
      const clauses = clauseRanges(this.segment.text);
      this.clauseIndex = Int32Array.from(this.tokens.offsets, ([start]) => clauses.filter(([, end]) => end <= start).length);
    }
    return this.clauseIndex;
  }
  cell(i: number): Tokens {
    let t = this.cellTokens.get(i);
    if (!t) { t = tokenize(this.segment.cells?.[i] ?? ''); this.cellTokens.set(i, t); }
    return t;
  }
}

/** Where a clause ends inside a sentence: a semicolon, a spaced dash, a bullet, or a comma
 * before a contrasting conjunction. Shared with the judge, which reads each item's cues in
 * its own clauses. */
const CLAUSE_BREAK = /;\s+|\s[–—]\s|\s•\s|,\s+(?=(?:but|while|whereas|although|though|however)\b)/g;

/** The clauses of `text` between `from` and `to`, as [start, end) character ranges. */
export function clauseRanges(text: string, from = 0, to = text.length): [number, number][] {
  const out: [number, number][] = [];
  let at = from;
  for (const m of text.slice(from, to).matchAll(CLAUSE_BREAK)) { out.push([at, from + m.index!]); at = from + m.index! + m[0].length; }
  out.push([at, to]);
  return out;
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
    // keeps the earlier siblings' matches that no listed term precedes within N tokens in the
    // same clause (a negation's reach ends at a semicolon: "…not started yet; the software went live")
    const blockers = termSpans(view, tk, listOf(c.not_after.terms), true);
    const clause = blockers.length ? view.clauses() : undefined;
    const kept = prior.filter(([a]) => !blockers.some(([bs, b]) => b <= a && a - b < c.not_after!.within && clause![bs] === clause![a]));
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

/** A rule's gate: stems of which a passage must contain at least one for the rule to be able to
 * match, or null when no such set can be read off the rule (prefix-only terms, dates, columns).
 * Sound by construction: a term matches only where its stem or exact keys occur, so a passage
 * without any gate stem cannot match, and skipping the rule there changes no hit. */
type Gate = Set<string> | null;
function listGate(list: readonly string[]): Gate {
  const g = new Set<string>();
  for (const t of list) {
    const term = compileTerm(t);
    // any key of the term will do; a rare one lets fewer passages through
    // (a prefix key `*word` lets through passages with a word starting so)
    const keys = term.keys.map((k, i) => term.modes[i] === 'stem' ? k : term.modes[i] === 'exact' ? stem(k) : term.modes[i] === 'prefix' && k.length >= 3 ? `*${k}` : null).filter((k): k is string => k !== null);
    if (!keys.length) return null;
    g.add(keys.find((k) => !COMMON.has(k) && !k.startsWith('*')) ?? keys.find((k) => !COMMON.has(k)) ?? keys[0]);
  }
  return g.size ? g : null;
}
/** Stems of function words found in most passages: poor gates. */
const COMMON = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'as', 'by', 'for', 'with', 'from', 'is', 'ar', 'be', 'been', 'wa', 'were', 'ha', 'have', 'had', 'will', 'would', 'it', 'our', 'we', 'thi', 'that', 'these', 'not', 'no', 'do', 'doe', 'all', 'ani', 'can', 'mai', 'should', 'which', 'who', 'there', 'their', 'when', 'where', 'upon', 'after', 'into', 'within', 'an', 'so', 'on', 'us', 'polic', 'forc', 'offic', 'staff']);
const cost = (g: Set<string>) => [...g].reduce((a, k) => a + (COMMON.has(k) ? 100 : 1), 0);
const smallest = (gs: Gate[]): Gate => gs.filter((g): g is Set<string> => g !== null).sort((a, b) => cost(a) - cost(b))[0] ?? null;
function gateOf(c: Condition): Gate {
  if (c.phrase !== undefined) return listGate([c.phrase]);
  if (c.terms) return listGate(c.terms);
  if (c.starts) return listGate(c.starts);
  if (c.near) return listGate(c.near.terms);
  if (c.all) return smallest(c.all.map(gateOf));
  if (c.any) {
    const u = new Set<string>();
    for (const child of c.any) { const g = gateOf(child); if (!g) return null; g.forEach((s) => u.add(s)); }
    return u;
  }
  return null; // none, not_after, date, column constrain nothing positively
}
export function ruleGate(rule: Pick<Rule, 'match'>): Gate {
  return smallest([rule.match.all ? gateOf({ all: rule.match.all }) : null, rule.match.any ? gateOf({ any: rule.match.any }) : null]);
}

/** One document's passages indexed by stem and by word: which passages a rule's gate lets
 * through, found without tokenising the passages again (kept with the cached analysis). */
export interface PassageIndex { stems: Map<string, number[]>; words: Map<string, number[]> }

export function indexPassages(views: SegmentView[]): PassageIndex {
  const stems = new Map<string, number[]>();
  const words = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (!l) m.set(k, [i]); else if (l[l.length - 1] !== i) l.push(i);
  };
  views.forEach((v, i) => {
    for (const s of v.tokens.stems) add(stems, s, i);
    for (const w of v.tokens.words) add(words, w, i);
  });
  return { stems, words };
}

/** The passages a gate lets through, in order; null means every passage. */
function gated(gate: Gate, index: PassageIndex): number[] | null {
  if (!gate) return null;
  const out = new Set<number>();
  for (const g of gate) {
    if (g.startsWith('*')) {
      const p = g.slice(1);
      for (const [w, l] of index.words) if (w.startsWith(p)) for (const i of l) out.add(i);
    } else for (const i of index.stems.get(g) ?? []) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** What rules gave on one document's passages, by rule fingerprint: the passages tried
 * ('all' = every passage the gate lets through) and the character spans where it matched.
 * Kept between runs, so a rescore evaluates only the rules whose conditions changed. */
export interface RuleMemo { tried: 'all' | Set<number>; hits: Map<number, [number, number][]> }
export type MatchMemo = Map<string, RuleMemo>;

/** Bump when a change to the matcher can change what a rule gives on a passage. */
export const MATCHER_VERSION = 'match-5';
const keys = new WeakMap<Rule, string>();
/** A rule's fingerprint: what decides where it matches (its conditions and scope). */
export function ruleKey(rule: Rule): string {
  let k = keys.get(rule);
  if (!k) {
    k = `${MATCHER_VERSION}:${createHash('sha1').update(JSON.stringify([rule.match, rule.scope])).digest('base64url')}`;
    keys.set(rule, k);
  }
  return k;
}

export interface MatchedSegment { segment: Segment; hits: RuleHit[] }

interface Roles { topical: Rule[]; exclude: Rule[]; stage: Rule[]; gates: Map<Rule, Gate> }
const roles = new WeakMap<Rule[], Roles>();
function rolesOf(rules: Rule[]): Roles {
  let x = roles.get(rules);
  if (!x) {
    const of = (...r: Rule['role'][]) => rules.filter((rule) => r.includes(rule.role));
    x = { topical: of('evidence', 'hint'), exclude: of('exclude'), stage: of('stage'), gates: new Map(rules.map((r) => [r, ruleGate(r)])) };
    roles.set(rules, x);
  }
  return x;
}

export interface MatchContext {
  /** results of earlier runs, read and added to */
  memo?: MatchMemo;
  /** the passages' index: read if given, set when built */
  index?: PassageIndex;
  /** counts the rule evaluations the memo did not have */
  evaluated?: number;
}

/** Matches one document's passages. Exclusions and stage cues are read only where they can
 * matter: an item's exclusions in passages with evidence for that item; stage cues in passages
 * with evidence for any item, and in the sentence after one (which may say "This work has not
 * yet started."). Rules are tried only where their gate lets them, and not at all where the
 * memo already has their result. */
export function match(segments: Segment[], rules: Rule[], review: Date, ctx: MatchContext = {}): MatchedSegment[] {
  const { topical, exclude, stage, gates } = rolesOf(rules);
  const memo = ctx.memo ?? new Map();
  const views: SegmentView[] = [];
  const viewOf = (i: number) => (views[i] ??= new SegmentView(segments[i], review));
  let index = ctx.index;
  const indexed = () => {
    if (!index) { segments.forEach((_, i) => viewOf(i)); index = ctx.index = indexPassages(views); }
    return index;
  };
  const out: MatchedSegment[] = segments.map((segment) => ({ segment, hits: [] }));
  const all = segments.map((_, i) => i);
  /** tries `rule` on the passages of `domain` (null: all) its gate lets through */
  const apply = (rule: Rule, domain: ((i: number) => boolean) | null) => {
    const key = ruleKey(rule);
    let m = memo.get(key);
    if (!m) { m = { tried: new Set(), hits: new Map() }; memo.set(key, m); }
    if (m.tried === 'all' && !domain) {
      // known on every passage (a rescore with this rule unchanged): no gate, no index
      for (const [i, spans] of m.hits) out[i].hits.push({ ruleId: rule.id, item: rule.item, role: rule.role, spans });
      return;
    }
    const through = gated(gates.get(rule)!, indexed()) ?? all;
    for (const i of through) {
      if (domain && !domain(i)) continue;
      if (m.tried === 'all' || m.tried.has(i)) {
        const spans = m.hits.get(i);
        if (spans) out[i].hits.push({ ruleId: rule.id, item: rule.item, role: rule.role, spans });
        continue;
      }
      const view = viewOf(i);
      const s = rule.scope.includes(view.segment.kind) ? matchRule(rule, view) : null;
      m.tried.add(i);
      ctx.evaluated = (ctx.evaluated ?? 0) + 1;
      if (s) {
        const spans = charSpans(view, s);
        m.hits.set(i, spans);
        out[i].hits.push({ ruleId: rule.id, item: rule.item, role: rule.role, spans });
      }
    }
    if (!domain) m.tried = 'all';
  };
  for (const rule of topical) apply(rule, null);
  const evidence = out.map((o) => new Set(o.hits.filter((h) => h.role === 'evidence').map((h) => h.item)));
  for (const rule of exclude) apply(rule, (i) => evidence[i].has(rule.item));
  const cued = out.map((m, i) => {
    const prev = out[i - 1];
    const near = prev && prev.segment.document === m.segment.document && prev.segment.paragraph === m.segment.paragraph;
    return evidence[i].size > 0 || (near && evidence[i - 1].size > 0);
  });
  for (const rule of stage) apply(rule, (i) => cued[i]);
  return out;
}
