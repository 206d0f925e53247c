// match(segments, rules) → rule hits per segment. Each segment is tokenised once, to integer
// word and stem ids (tokens.ts); each rule is compiled once into closures over those ids, and
// evaluated over the shared tokens in time linear in the segment's length. Hits carry the
// character spans that matched, for highlighting.
import { createHash } from 'node:crypto';
import type { Segment } from '../schemas.js';
import type { Condition, Match, Rule } from '../rules/schema.js';
import { findDates, relation, type DateSpan } from './dates.js';
import { lexicon as currentLexicon, renewLexicon, stem, tokenize, type Lexicon, type Tokens } from './tokens.js';

export interface RuleHit {
  ruleId: string;
  item: string | null;
  role: Rule['role'];
  /** [start, end) character spans in the segment text */
  spans: [number, number][];
}

/** [start, end) token indexes. Span lists returned by the evaluator are never changed
 * afterwards (they may be shared between a condition and the list that holds it). */
type Span = [number, number];

/** Everything a condition may look at in one segment, computed at most once. */
export class SegmentView {
  readonly tokens: Tokens;
  private dateSpans?: DateSpan[];
  private cellTokens?: Tokens[];
  private headerTokens?: Tokens[];
  private clauseIndex?: Int32Array;
  /** set by match(): which of the document's passages may hold a term of a list, and which
   * passage this is (without them, every list is looked for) */
  gates?: PassageGates;
  passage = -1;
  /** `tokens`: the segment's text's, when they were made with a whole document's */
  constructor(readonly segment: Pick<Segment, 'text' | 'kind' | 'cells' | 'header'>, readonly review: Date, lexicon: Lexicon = currentLexicon(), tokens?: Tokens) {
    this.tokens = tokens ?? lexicon.tokens(segment.text);
  }
  /** Whether a term of `list` can occur here: false only where the document's passage index
   * shows that none of the list's gate keys does. */
  mayHold(list: TermList): boolean {
    return !list.gate || !this.gates || this.gates.allows(list, this.passage);
  }
  dates(): DateSpan[] {
    return (this.dateSpans ??= findDates(this.segment.text, this.review));
  }
  /** the clause each token is in: how many clauses (see clauseRanges) end at or before it */
  clauses(): Int32Array {
    if (!this.clauseIndex) {
      const clauses = clauseRanges(this.segment.text);
      const { starts } = this.tokens;
      this.clauseIndex = new Int32Array(starts.length);
      // clause ends rise, as token starts do
      for (let i = 0, c = 0; i < starts.length; i++) {
        while (c < clauses.length && clauses[c][1] <= starts[i]) c++;
        this.clauseIndex[i] = c;
      }
    }
    return this.clauseIndex;
  }
  /** the tokens of table cell i ('' when the row has none) */
  cell(i: number): Tokens {
    this.cellTokens ??= [];
    return (this.cellTokens[i] ??= this.tokens.lexicon.tokens(this.segment.cells?.[i] ?? ''));
  }
  /** the tokens of the header of column i ('' when there is none) */
  header(i: number): Tokens {
    this.headerTokens ??= [];
    return (this.headerTokens[i] ??= this.tokens.lexicon.tokens(this.segment.header?.[i] ?? ''));
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

/** A term as written, read into a sequence of keys. A word is compared by its stem; `word*` by
 * prefix of the word; `=word` exactly (so "=established" does not also match "establishment");
 * `#` is any number ("# disclosures" matches "11 disclosures"). */
type Mode = 'stem' | 'prefix' | 'exact' | 'number';
interface TermKeys { keys: string[]; modes: Mode[] }

const termKeysCache = new Map<string, TermKeys>();
function termKeys(t: string): TermKeys {
  let c = termKeysCache.get(t);
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
    termKeysCache.set(t, c);
  }
  return c;
}

const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'several', 'many']);
const STEM = 0, PREFIX = 1, EXACT = 2, NUMBER = 3;
const MODE_CODE: Record<Mode, number> = { stem: STEM, prefix: PREFIX, exact: EXACT, number: NUMBER };

/** A term compiled for one lexicon: per key, its mode and the id it is compared with (a stem
 * id; a word id for =exact; for a prefix, the id of the prefix, whose text is kept too). */
interface Term { length: number; modes: Uint8Array; ids: Int32Array; prefixes: string[] }

/** Numbers for the ids that are some term's first key, so that a token that is none (most
 * are) is passed over with one array read, and a list can keep its first keys as a bitset. */
class KeyNumbers {
  private numberOf = new Int32Array(0);
  /** how many ids have a number */
  count = 0;
  constructor(private readonly lexicon: Lexicon) {}
  /** the key number of `id`, or -1 */
  of(id: number): number {
    return id < this.numberOf.length ? this.numberOf[id] : -1;
  }
  /** the key number of `id`, given one if it has none */
  add(id: number): number {
    if (id >= this.numberOf.length) {
      const grown = new Int32Array(Math.max(this.lexicon.size, 2 * this.numberOf.length)).fill(-1);
      grown.set(this.numberOf);
      this.numberOf = grown;
    }
    if (this.numberOf[id] < 0) this.numberOf[id] = this.count++;
    return this.numberOf[id];
  }
}

/** Terms by the id of their first key, with those ids' key numbers as a bitset. */
class FirstIndex {
  readonly terms = new Map<number, Term[]>();
  private bits = new Uint32Array(0);
  constructor(private readonly numbers: KeyNumbers) {}
  add(term: Term): void {
    const id = term.ids[0];
    const l = this.terms.get(id);
    if (l) { l.push(term); return; }
    this.terms.set(id, [term]);
    const n = this.numbers.add(id);
    if (n >= 32 * this.bits.length) {
      const grown = new Uint32Array((n >>> 5) + 1);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[n >>> 5] |= 1 << (n & 31);
  }
  /** the terms whose first key is `id` (undefined: none) */
  get(id: number): Term[] | undefined {
    const n = this.numbers.of(id);
    return n >= 0 && n >>> 5 < this.bits.length && this.bits[n >>> 5] & (1 << (n & 31)) ? this.terms.get(id) : undefined;
  }
}

/** A list of terms compiled once: terms whose first key is a stem, an =exact word or a prefix,
 * by that key (so a token is checked against the few terms that can start with it), and terms
 * that start with a number (#), tried at numbers. */
interface TermList { byStem: FirstIndex; byWord: FirstIndex; byPrefix: FirstIndex; numbered: Term[]; gate: ListGate | null; /** its number in the compiler */ n: number }

/** A list's gate: per term, the keys a passage must all hold for the term to occur in it
 * (a stem, an =exact word, a word starting with a prefix; a number constrains nothing), each
 * as a key number (Compiler.gateKeys) times 4 plus its kind (GATE_STEM, GATE_WORD,
 * GATE_PREFIX). Null when some term has no such key. */
type ListGate = Int32Array[];
const GATE_STEM = 0, GATE_WORD = 1, GATE_PREFIX = 2;

/** A condition compiled: the token spans that matched, or null for no match. Conditions that
 * match without a position (none, date, column) give an empty list. */
type Eval = (view: SegmentView, prior: Span[]) => Span[] | null;
type MatchEval = (view: SegmentView) => Span[] | null;

/** Everything compiled against one lexicon (ids differ between lexicons): terms, term lists,
 * conditions and rules, each cached by what it was made from. */
class Compiler {
  private terms = new Map<string, Term>();
  private lists = new WeakMap<readonly string[], TermList>();
  listCount = 0;
  /** lists by their terms (a phrase is a list of one) */
  private phrases = new Map<string, TermList>();
  private conditions = new WeakMap<Condition, Eval>();
  private matches = new WeakMap<Match, MatchEval>();
  /** per word id: 0 not yet known, 1 not a number, 2 a number */
  private numbers = new Uint8Array(0);
  private readonly stemKeys: KeyNumbers;
  private readonly wordKeys: KeyNumbers;
  private readonly prefixKeys: KeyNumbers;
  /** the stem, word and prefix ids that are a key of some list's gate (by kind) */
  readonly gateKeys: KeyNumbers[];
  /** the ids of the prefixes that start a term of some list */
  private prefixes: number[] = [];
  /** per word id, which of `prefixSets` holds the prefixes it starts with: 0 not yet known
   * (every word, again, once a prefix is added) */
  private prefixSetOf = new Int32Array(0);
  private prefixSets: (readonly number[])[] = [[], []];
  constructor(readonly lexicon: Lexicon) {
    this.stemKeys = new KeyNumbers(lexicon);
    this.wordKeys = new KeyNumbers(lexicon);
    this.prefixKeys = new KeyNumbers(lexicon);
    this.gateKeys = [new KeyNumbers(lexicon), new KeyNumbers(lexicon), new KeyNumbers(lexicon)];
  }

  term(t: string): Term {
    let c = this.terms.get(t);
    if (!c) {
      const { keys, modes } = termKeys(t);
      c = {
        length: keys.length,
        modes: Uint8Array.from(modes, (m) => MODE_CODE[m]),
        ids: Int32Array.from(keys, (k, i) => (modes[i] === 'number' ? -1 : this.lexicon.id(k))),
        prefixes: keys.map((k, i) => (modes[i] === 'prefix' ? k : '')),
      };
      this.terms.set(t, c);
    }
    return c;
  }

  list(list: readonly string[]): TermList {
    let c = this.lists.get(list);
    if (!c) {
      // the same terms in another rule share the list (and its passages, see PassageGates)
      const key = list.join('\u0000');
      c = this.phrases.get(key);
      if (!c) { c = this.compileList(list); this.phrases.set(key, c); }
      this.lists.set(list, c);
    }
    return c;
  }

  phrase(p: string): TermList {
    let c = this.phrases.get(p);
    if (!c) { c = this.compileList([p]); this.phrases.set(p, c); }
    return c;
  }

  private compileList(list: readonly string[]): TermList {
    const c: TermList = { byStem: new FirstIndex(this.stemKeys), byWord: new FirstIndex(this.wordKeys), byPrefix: new FirstIndex(this.prefixKeys), numbered: [], gate: null, n: this.listCount++ };
    for (const t of list) {
      const term = this.term(t);
      if (!term.length) continue;
      if (term.modes[0] === STEM) c.byStem.add(term);
      else if (term.modes[0] === EXACT) c.byWord.add(term);
      else if (term.modes[0] === NUMBER) c.numbered.push(term);
      else { this.addPrefix(term.ids[0]); c.byPrefix.add(term); }
    }
    c.gate = this.gateOf(list);
    return c;
  }

  private gateOf(list: readonly string[]): ListGate | null {
    const gate: ListGate = [];
    for (const t of list) {
      const term = this.term(t);
      if (!term.length) continue; // never matches
      const keys: number[] = [];
      for (let j = 0; j < term.length; j++) {
        const m = term.modes[j], id = term.ids[j];
        if (m === NUMBER) continue;
        const kind = m === STEM ? GATE_STEM : m === EXACT ? GATE_WORD : GATE_PREFIX;
        if (kind === GATE_PREFIX) this.addPrefix(id); // so that prefixesOf names it
        keys.push(this.gateKeys[kind].add(id) * 4 + kind);
      }
      if (!keys.length) return null;
      gate.push(Int32Array.from(keys));
    }
    return gate;
  }

  condition(c: Condition): Eval {
    let e = this.conditions.get(c);
    if (!e) { e = compileCondition(c, this); this.conditions.set(c, e); }
    return e;
  }

  match(m: Match): MatchEval {
    let e = this.matches.get(m);
    if (!e) { e = compileMatch(m, this); this.matches.set(m, e); }
    return e;
  }

  private addPrefix(id: number): void {
    if (this.prefixes.includes(id)) return;
    this.prefixes.push(id);
    this.prefixSetOf.fill(0);
    this.prefixSets = [[], []];
  }

  /** the ids of the term prefixes that word `word` starts with (worked out once per word) */
  prefixesOf(word: number): readonly number[] {
    if (!this.prefixes.length) return this.prefixSets[1];
    if (word >= this.prefixSetOf.length) {
      const grown = new Int32Array(Math.max(this.lexicon.size, 2 * this.prefixSetOf.length));
      grown.set(this.prefixSetOf);
      this.prefixSetOf = grown;
    }
    if (!this.prefixSetOf[word]) {
      const w = this.lexicon.text(word);
      const found = this.prefixes.filter((p) => w.startsWith(this.lexicon.text(p)));
      this.prefixSetOf[word] = found.length ? this.prefixSets.push(found) - 1 : 1;
    }
    return this.prefixSets[this.prefixSetOf[word]];
  }

  /** a number: digits (a word has no commas), or a number word */
  isNumber(word: number): boolean {
    if (word >= this.numbers.length) {
      const grown = new Uint8Array(Math.max(this.lexicon.size, 2 * this.numbers.length));
      grown.set(this.numbers);
      this.numbers = grown;
    }
    if (!this.numbers[word]) {
      const w = this.lexicon.text(word);
      this.numbers[word] = /^\d[\d,]*$/.test(w) || NUMBER_WORDS.has(w) ? 2 : 1;
    }
    return this.numbers[word] === 2;
  }
}

const compilers = new WeakMap<Lexicon, Compiler>();
function compilerFor(lexicon: Lexicon): Compiler {
  let c = compilers.get(lexicon);
  if (!c) { c = new Compiler(lexicon); compilers.set(lexicon, c); }
  return c;
}

function matchesAt(term: Term, tokens: Tokens, i: number, k: Compiler): boolean {
  const n = term.length;
  if (i + n > tokens.length) return false;
  for (let j = 0; j < n; j++) {
    switch (term.modes[j]) {
      case STEM: if (tokens.stems[i + j] !== term.ids[j]) return false; break;
      case EXACT: if (tokens.words[i + j] !== term.ids[j]) return false; break;
      case NUMBER: if (!k.isNumber(tokens.words[i + j])) return false; break;
      default: if (!tokens.lexicon.text(tokens.words[i + j]).startsWith(term.prefixes[j])) return false;
    }
  }
  return true;
}

/** The terms of `list` that occur starting at token i: their spans are added to `out`, or
 * with no `out` the first found ends the search. Whether any was found. */
function spansAt(tokens: Tokens, i: number, list: TermList, k: Compiler, out: Span[] | null): boolean {
  let found = tryTerms(list.byStem.get(tokens.stems[i]), tokens, i, k, out);
  if (found && !out) return true;
  found = tryTerms(list.byWord.get(tokens.words[i]), tokens, i, k, out) || found;
  if (found && !out) return true;
  if (list.numbered.length && k.isNumber(tokens.words[i])) found = tryTerms(list.numbered, tokens, i, k, out) || found;
  if (found && !out) return true;
  if (list.byPrefix.terms.size) {
    for (const p of k.prefixesOf(tokens.words[i])) {
      found = tryTerms(list.byPrefix.get(p), tokens, i, k, out) || found;
      if (found && !out) return true;
    }
  }
  return found;
}

function tryTerms(terms: Term[] | undefined, tokens: Tokens, i: number, k: Compiler, out: Span[] | null): boolean {
  if (!terms) return false;
  let found = false;
  for (const term of terms) {
    if (!matchesAt(term, tokens, i, k)) continue;
    if (!out) return true;
    out.push([i, i + term.length]);
    found = true;
  }
  return found;
}

/** Token spans where any term of `list` occurs in `tokens` (as a set: the order is not part of
 * the contract, every consumer sorts). */
function termSpans(tokens: Tokens, list: TermList, k: Compiler): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < tokens.length; i++) spansAt(tokens, i, list, k, out);
  return out;
}

/** Whether any term of `list` occurs in `tokens`. */
function hasTerm(tokens: Tokens, list: TermList, k: Compiler): boolean {
  for (let i = 0; i < tokens.length; i++) if (spansAt(tokens, i, list, k, null)) return true;
  return false;
}

/** The spans of terms of `list` that start at the first token. */
function startSpans(tokens: Tokens, list: TermList, k: Compiler): Span[] {
  const out: Span[] = [];
  if (tokens.length) spansAt(tokens, 0, list, k, out);
  return out;
}

const nonEmpty = (s: Span[]): Span[] | null => (s.length ? s : null);

function compileCondition(c: Condition, k: Compiler): Eval {
  if (c.phrase !== undefined) {
    const list = k.phrase(c.phrase);
    return (v) => (v.mayHold(list) ? nonEmpty(termSpans(v.tokens, list, k)) : null);
  }
  if (c.terms) {
    const list = k.list(c.terms);
    return (v) => (v.mayHold(list) ? nonEmpty(termSpans(v.tokens, list, k)) : null);
  }
  if (c.starts) {
    const list = k.list(c.starts);
    return (v) => nonEmpty(startSpans(v.tokens, list, k));
  }
  if (c.near) {
    const list = k.list(c.near.terms);
    const within = c.near.within;
    // a term within `within` tokens of what the earlier conditions matched (none: no match)
    return (v, prior) => (prior.length && v.mayHold(list) ? nonEmpty(termSpans(v.tokens, list, k).filter(([a, b]) =>
      prior.some(([pa, pb]) => a - pb < within && pa - b < within))) : null);
  }
  if (c.not_after) {
    const list = k.list(c.not_after.terms);
    const within = c.not_after.within;
    // keeps the earlier siblings' matches that no listed term precedes within N tokens in the
    // same clause (a negation's reach ends at a semicolon: "…not started yet; the software went live")
    return (v, prior) => {
      if (!prior.length) return null;
      if (!v.mayHold(list)) return prior;
      const blockers = termSpans(v.tokens, list, k);
      if (!blockers.length) return prior;
      const clause = v.clauses();
      return nonEmpty(prior.filter(([a]) => !blockers.some(([bs, b]) => b <= a && a - b < within && clause[bs] === clause[a])));
    };
  }
  if (c.all) {
    const children = c.all.map((child) => k.condition(child));
    const narrows = c.all.map((child) => child.not_after !== undefined);
    // each condition sees what the earlier ones matched (or, before any did, the list's own
    // prior); a not_after narrows that instead of adding to it
    return (v, prior) => {
      let acc: Span[] = [];
      for (let i = 0; i < children.length; i++) {
        if (narrows[i]) {
          const kept = children[i](v, acc);
          if (!kept) return null;
          acc = kept;
          continue;
        }
        const s = children[i](v, acc.length ? acc : prior);
        if (!s) return null;
        acc = acc.length ? acc.concat(s) : s;
      }
      return acc;
    };
  }
  if (c.any) {
    const children = c.any.map((child) => k.condition(child));
    // every child is read: the spans of all that match are kept
    return (v, prior) => {
      let acc: Span[] | null = null;
      for (const child of children) {
        const s = child(v, prior);
        if (s) acc = acc ? acc.concat(s) : s;
      }
      return acc;
    };
  }
  if (c.none) {
    const children = c.none.map((child) => k.condition(child));
    return (v, prior) => {
      for (const child of children) if (child(v, prior)) return null;
      return [];
    };
  }
  if (c.date) {
    const want = c.date;
    return (v) => (v.dates().some((d) => want === 'any' || relation(d, v.review) === want) ? [] : null);
  }
  if (c.column) {
    const names = k.list(c.column.name);
    const terms = k.list(c.column.terms);
    // a cell under a column whose header names it holds one of the terms
    return (v) => {
      const { header, cells } = v.segment;
      if (!header || !cells) return null;
      for (let i = 0; i < header.length; i++) {
        if (hasTerm(v.header(i), names, k) && hasTerm(v.cell(i), terms, k)) return [];
      }
      return null;
    };
  }
  return () => null;
}

/** A rule's match: all: first, then any: near what all: found, then none:. The date
 * conditions of all: are read last, after none: — reading a passage's dates (chrono) costs more
 * than the rest of most rules — which changes nothing: a date condition adds no span and looks
 * at no earlier match, so where it stands in all: only decides when it is read. */
function compileMatch(m: Match, k: Compiler): MatchEval {
  const positional = m.all?.filter((c) => c.date === undefined) ?? [];
  const dated = m.all?.filter((c) => c.date !== undefined).map((c) => k.condition(c)) ?? [];
  const all = positional.length ? compileCondition({ all: positional }, k) : undefined;
  const any = m.any && compileCondition({ any: m.any }, k);
  const none = m.none && compileCondition({ none: m.none }, k);
  return (v) => {
    let acc: Span[] = [];
    if (all) {
      const s = all(v, []);
      if (!s) return null;
      acc = s;
    }
    if (any) {
      const s = any(v, acc);
      if (!s) return null;
      acc = acc.length ? acc.concat(s) : s;
    }
    if (none && !none(v, [])) return null;
    for (const date of dated) if (!date(v, [])) return null;
    return acc;
  };
}

/** Evaluates a condition: the token spans that matched, or null for no match. Conditions that
 * match without a position (none, date, column) return an empty list. */
export function evaluate(c: Condition, view: SegmentView, prior: [number, number][] = []): [number, number][] | null {
  return compilerFor(view.tokens.lexicon).condition(c)(view, prior);
}

export function matchRule(rule: Pick<Rule, 'match' | 'scope'>, view: SegmentView): [number, number][] | null {
  if (!rule.scope.includes(view.segment.kind)) return null;
  return compilerFor(view.tokens.lexicon).match(rule.match)(view);
}

/** Character spans of token spans, merged. */
function charSpans(view: SegmentView, spans: Span[]): [number, number][] {
  const { starts, ends } = view.tokens;
  const cs = spans.map(([a, b]) => [starts[a], ends[b - 1]] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const s of cs) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push(s);
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
    const term = termKeys(t);
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

/** Which passages of a document hold a key: key k (keys[k]) is in passages[at[k]] up to
 * passages[at[k + 1]], ascending. Kept on disk with the analysis, so keys are strings. */
export interface Postings { keys: string[]; at: Int32Array; passages: Int32Array }

/** One document's passages indexed by stem and by word: which passages a rule's gate lets
 * through, found without tokenising the passages again (kept with the cached analysis). */
export interface PassageIndex { stems: Postings; words: Postings }

/** The lexicon ids of a Postings' keys, for the postings built or read in this thread. */
const keyIds = new WeakMap<Postings, { lexicon: Lexicon; ids: Int32Array }>();
function idsOfKeys(p: Postings, lexicon: Lexicon): Int32Array {
  let k = keyIds.get(p);
  if (k?.lexicon !== lexicon) {
    k = { lexicon, ids: Int32Array.from(p.keys, (s) => lexicon.id(s)) };
    keyIds.set(p, k);
  }
  return k.ids;
}

/** lexicon id → its key's slot in the postings being built; -1 (all of it) between builds */
let slotOf = new Int32Array(0);

/** Postings of the ids in `lists` (one list per passage), keys in order of first occurrence. */
function postingsOf(lists: Int32Array[], lexicon: Lexicon): Postings {
  if (slotOf.length < lexicon.size) {
    const grown = new Int32Array(Math.max(lexicon.size, 2 * slotOf.length)).fill(-1);
    slotOf = grown;
  }
  const ids: number[] = [];
  const count: number[] = [];
  const last: number[] = [];
  lists.forEach((list, p) => {
    for (let t = 0; t < list.length; t++) {
      let s = slotOf[list[t]];
      if (s < 0) { s = slotOf[list[t]] = ids.length; ids.push(list[t]); count.push(0); last.push(-1); }
      if (last[s] !== p) { last[s] = p; count[s]++; }
    }
  });
  const at = new Int32Array(ids.length + 1);
  for (let s = 0; s < ids.length; s++) at[s + 1] = at[s] + count[s];
  const passages = new Int32Array(at[ids.length]);
  const fill = at.slice(0, ids.length);
  lists.forEach((list, p) => {
    for (let t = 0; t < list.length; t++) {
      const s = slotOf[list[t]];
      if (fill[s] === at[s] || passages[fill[s] - 1] !== p) passages[fill[s]++] = p;
    }
  });
  for (const id of ids) slotOf[id] = -1;
  const postings: Postings = { keys: ids.map((id) => lexicon.text(id)), at, passages };
  keyIds.set(postings, { lexicon, ids: Int32Array.from(ids) });
  return postings;
}

export function indexPassages(views: SegmentView[]): PassageIndex {
  const lexicon = views[0]?.tokens.lexicon ?? currentLexicon();
  return { stems: postingsOf(views.map((v) => v.tokens.stems), lexicon), words: postingsOf(views.map((v) => v.tokens.words), lexicon) };
}

/** Every gate key of a rule set, compiled for one lexicon: stems by id, and `*prefix` keys. */
interface GateTable {
  size: number;
  /** stem id → its gate key's number, or -1 (ids interned after the table was made are no gate key) */
  stemSlot: Int32Array;
  prefixes: { slot: number; prefix: string }[];
  /** per rule, the numbers of its gate's keys; null: the rule has no gate */
  rules: Map<Rule, number[] | null>;
}

function gateTable(rules: Rule[], gates: Map<Rule, Gate>, lexicon: Lexicon): GateTable {
  const slots = new Map<string, number>();
  const slot = (key: string) => { let s = slots.get(key); if (s === undefined) { s = slots.size; slots.set(key, s); } return s; };
  const table: GateTable = { size: 0, stemSlot: new Int32Array(0), prefixes: [], rules: new Map() };
  for (const rule of rules) {
    const g = gates.get(rule)!;
    table.rules.set(rule, g ? [...g].map(slot) : null);
  }
  const stemIds = new Map<number, number>();
  for (const [key, s] of slots) {
    if (key.startsWith('*')) table.prefixes.push({ slot: s, prefix: key.slice(1) });
    else stemIds.set(lexicon.id(key), s);
  }
  table.size = slots.size;
  table.stemSlot = new Int32Array(lexicon.size).fill(-1);
  for (const [id, s] of stemIds) table.stemSlot[id] = s;
  return table;
}

/** The passages of `index` that hold each gate key (undefined: none). */
function gatePostings(index: PassageIndex, table: GateTable, lexicon: Lexicon): (Int32Array | undefined)[] {
  const out: (Int32Array | undefined)[] = new Array(table.size).fill(undefined);
  const passagesAt = (p: Postings, k: number) => p.passages.subarray(p.at[k], p.at[k + 1]);
  const ids = idsOfKeys(index.stems, lexicon);
  for (let k = 0; k < ids.length; k++) {
    const s = ids[k] < table.stemSlot.length ? table.stemSlot[ids[k]] : -1;
    if (s >= 0) out[s] = passagesAt(index.stems, k);
  }
  for (const { slot, prefix } of table.prefixes) {
    const parts: Int32Array[] = [];
    index.words.keys.forEach((w, k) => { if (w.startsWith(prefix)) parts.push(passagesAt(index.words, k)); });
    if (parts.length) out[slot] = union(parts);
  }
  return out;
}

/** The union of ascending passage lists, ascending. */
export function union(parts: Int32Array[]): Int32Array {
  if (parts.length <= 1) return parts[0] ?? new Int32Array(0);
  const all = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let n = 0;
  for (const p of parts) { all.set(p, n); n += p.length; }
  all.sort();
  let u = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[u++] = all[i];
  return all.subarray(0, u);
}

/** The passages a rule's gate lets through, ascending; null means every passage. */
function gated(slots: number[] | null, postings: (Int32Array | undefined)[]): Int32Array | null {
  if (!slots) return null;
  return union(slots.map((s) => postings[s]).filter((p): p is Int32Array => p !== undefined));
}

/** What rules gave on one document's passages, by rule fingerprint: the passages tried
 * ('all' = every passage the gate lets through) and the character spans where it matched.
 * Kept between runs, so a rescore evaluates only the rules whose conditions changed. */
export interface RuleMemo { tried: 'all' | Set<number>; hits: Map<number, [number, number][]> }
export type MatchMemo = Map<string, RuleMemo>;

/** Bump when a change to the matcher can change what a rule gives on a passage, or the form of
 * what is kept (match-6: the passage index as postings arrays). */
export const MATCHER_VERSION = 'match-7';
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

/** One document's passages by list gate: which passages hold the rarest key of some term of a
 * list (a passage without it cannot hold the term), read off the passage index once per list
 * and document, so that a list is looked for only in passages that can hold one of its terms
 * (most lists are in few passages: 1.66 M lists looked for on the 450 bench documents, 1.36 M
 * of them in vain; 0.58 M through these gates). */
export class PassageGates {
  /** per key kind, key number → the passages that hold the key (ascending), or null */
  private keyPassages: (Int32Array | null)[][] = [[], [], []];
  /** how many keys of each kind keyPassages was read for */
  private read = [-1, -1, -1];
  /** by list number: the passages that may hold a term of the list (1), once worked out */
  private readonly bitmaps: (Uint8Array | undefined)[] = [];
  /** by list number: how many passages the list was looked for in before that */
  private readonly asked: number[] = [];
  constructor(private readonly index: PassageIndex, private readonly k: Compiler, private readonly passages: number) {}

  /** Whether passage `passage` may hold a term of `list` (which has a gate). A list looked for
   * in only a few passages of the document is just looked for there: its passages are worked
   * out once it has been asked about in more passages than a sixteenth of its terms, when that
   * is likely to cost less than reading them. */
  allows(list: TermList, passage: number): boolean {
    const b = this.bitmaps[list.n];
    if (b) return b[passage] === 1;
    const asked = (this.asked[list.n] ?? 0) + 1;
    this.asked[list.n] = asked;
    if (asked * 16 <= list.gate!.length) return true;
    return (this.bitmaps[list.n] = this.bitmap(list.gate!))[passage] === 1;
  }

  private bitmap(gate: ListGate): Uint8Array {
    const b = new Uint8Array(this.passages);
    const found: Int32Array[] = [];
    for (const keys of gate) {
      // every key's passages, the fewest first; a key in no passage rules the term out
      found.length = 0;
      let shortest = 0;
      for (let j = 0; j < keys.length; j++) {
        const ps = this.passagesOf(keys[j]);
        if (!ps) break;
        if (ps.length < found[shortest]?.length) shortest = found.length;
        found.push(ps);
      }
      if (found.length < keys.length) continue;
      // a passage with the rarest key may hold the term (a superset of the passages with them
      // all, which costs little more to look through and less to work out)
      const first = found[shortest];
      for (let i = 0; i < first.length; i++) b[first[i]] = 1;
    }
    return b;
  }

  /** the passages that hold gate key `key` (number × 4 + kind), null: none */
  private passagesOf(key: number): Int32Array | null {
    const kind = key & 3, n = key >> 2;
    if (n >= this.read[kind] || this.read[kind] < 0) this.readKeys(kind);
    return this.keyPassages[kind][n];
  }

  private readKeys(kind: number): void {
    const numbers = this.k.gateKeys[kind];
    const out: (Int32Array | null)[] = new Array(numbers.count).fill(null);
    const postings = kind === GATE_STEM ? this.index.stems : this.index.words;
    const ids = idsOfKeys(postings, this.k.lexicon);
    const at = (r: number) => postings.passages.subarray(postings.at[r], postings.at[r + 1]);
    if (kind !== GATE_PREFIX) {
      for (let r = 0; r < ids.length; r++) {
        const n = numbers.of(ids[r]);
        if (n >= 0) out[n] = at(r);
      }
    } else {
      const parts: Int32Array[][] = [];
      for (let r = 0; r < ids.length; r++) {
        for (const p of this.k.prefixesOf(ids[r])) {
          const n = numbers.of(p);
          if (n >= 0) (parts[n] ??= []).push(at(r));
        }
      }
      parts.forEach((ps, n) => { out[n] = union(ps); });
    }
    this.keyPassages[kind] = out;
    this.read[kind] = numbers.count;
  }
}

export interface MatchedSegment { segment: Segment; hits: RuleHit[] }

interface Roles { topical: Rule[]; exclude: Rule[]; stage: Rule[]; gates: Map<Rule, Gate>; tables: WeakMap<Lexicon, GateTable> }
const roles = new WeakMap<Rule[], Roles>();
function rolesOf(rules: Rule[]): Roles {
  let x = roles.get(rules);
  if (!x) {
    const of = (...r: Rule['role'][]) => rules.filter((rule) => r.includes(rule.role));
    x = { topical: of('evidence', 'hint'), exclude: of('exclude'), stage: of('stage'), gates: new Map(rules.map((r) => [r, ruleGate(r)])), tables: new WeakMap() };
    roles.set(rules, x);
  }
  return x;
}
function gateTableOf(rules: Rule[], x: Roles, lexicon: Lexicon): GateTable {
  let t = x.tables.get(lexicon);
  if (!t) { t = gateTable(rules, x.gates, lexicon); x.tables.set(lexicon, t); }
  return t;
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
  const x = rolesOf(rules);
  const { topical, exclude, stage } = x;
  // every view of this document interns in one lexicon, which its index and gates use too
  const lexicon = renewLexicon();
  const gates = gateTableOf(rules, x, lexicon);
  const compiler = compilerFor(lexicon);
  const memo = ctx.memo ?? new Map();
  const views: SegmentView[] = [];
  // compiled before any passage is read, so that every list's gate keys are numbered before
  // the passage gates read them
  for (const rule of rules) compiler.match(rule.match);
  let listGates: PassageGates | undefined;
  const viewOf = (i: number) => {
    let v = views[i];
    if (!v) { v = views[i] = new SegmentView(segments[i], review, lexicon); v.passage = i; }
    // the index is read (gateKeyPassages) before any passage is
    v.gates ??= (listGates ??= new PassageGates(ctx.index!, compiler, segments.length));
    return v;
  };
  let postings: (Int32Array | undefined)[] | undefined;
  const gateKeyPassages = () => {
    if (!postings) {
      if (!ctx.index) {
        const tokens = lexicon.tokensOfAll(segments.map((g) => g.text));
        segments.forEach((g, i) => { views[i] ??= new SegmentView(g, review, lexicon, tokens[i]); views[i].passage = i; });
        ctx.index = indexPassages(views);
      }
      postings = gatePostings(ctx.index, gates, lexicon);
    }
    return postings;
  };
  const out: MatchedSegment[] = segments.map((segment) => ({ segment, hits: [] }));
  const all = segments.map((_, i) => i);
  let evaluated = 0;
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
    const through = gated(gates.rules.get(rule)!, gateKeyPassages()) ?? all;
    const test = compiler.match(rule.match);
    for (let t = 0; t < through.length; t++) {
      const i = through[t];
      if (domain && !domain(i)) continue;
      if (m.tried === 'all' || m.tried.has(i)) {
        const spans = m.hits.get(i);
        if (spans) out[i].hits.push({ ruleId: rule.id, item: rule.item, role: rule.role, spans });
        continue;
      }
      const view = viewOf(i);
      const s = rule.scope.includes(view.segment.kind) ? test(view) : null;
      if (domain) m.tried.add(i); // read on every passage, it is marked 'all' below
      evaluated++;
      if (s) {
        const spans = charSpans(view, s);
        m.hits.set(i, spans);
        out[i].hits.push({ ruleId: rule.id, item: rule.item, role: rule.role, spans });
      }
    }
    if (!domain) m.tried = 'all';
  };
  for (const rule of topical) apply(rule, null);
  // most passages have no hit: they share one empty set (never added to)
  const none = new Set<string | null>();
  const evidence = out.map((o) => (o.hits.length ? new Set(o.hits.filter((h) => h.role === 'evidence').map((h) => h.item)) : none));
  for (const rule of exclude) apply(rule, (i) => evidence[i].has(rule.item));
  const cued = out.map((m, i) => {
    const prev = out[i - 1];
    const near = prev && prev.segment.document === m.segment.document && prev.segment.paragraph === m.segment.paragraph;
    return evidence[i].size > 0 || (near && evidence[i - 1].size > 0);
  });
  for (const rule of stage) apply(rule, (i) => cued[i]);
  if (evaluated) ctx.evaluated = (ctx.evaluated ?? 0) + evaluated;
  return out;
}
