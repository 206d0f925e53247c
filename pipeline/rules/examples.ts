// Rule examples as tests. Every rule carries passages it must match (`hit`), must not match
// (`miss`) and should match but does not yet (`known_gap`). A known gap that starts matching
// fails too, so that it is promoted to `hit` and then guarded like any other example.
// A failure says what matched where, condition by condition, so a reviewer can see which
// words to add or remove without reading the matcher's code.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { evaluate, match, matchRule, SegmentView } from '../match/index.js';
import { relation } from '../match/dates.js';
import type { Segment } from '../schemas.js';
import type { Condition, Example, KnownGap, Rule } from './schema.js';
import type { Ruleset } from './load.js';

/** Examples are read against the project's default review date: "by September 2017" is after it. */
export const EXAMPLE_REVIEW_DATE = '2017-06-01';
const REVIEW = new Date(`${EXAMPLE_REVIEW_DATE}T00:00:00Z`);

export type ExampleKind = 'hit' | 'miss' | 'known_gap';

export interface ExampleResult {
  rule: string;
  kind: ExampleKind;
  index: number;
  text: string;
  passed: boolean;
  /** `file:line:col` of the example in its rule file (for failures only) */
  at?: string;
  /** what went wrong and what matched where (for failures only) */
  detail: string[];
}

type Passage = Pick<Segment, 'text' | 'kind' | 'cells' | 'header'>;

/** The passage an example stands for: a table row when it has a header or " | " between
 * cells, otherwise a sentence (or a heading, for a rule that reads only headings). */
export function examplePassage(ex: Example | KnownGap, scope: Rule['scope']): Passage {
  const text = typeof ex === 'string' ? ex : ex.text;
  const header = typeof ex === 'string' ? undefined : ex.header;
  if (header || text.includes(' | ')) return { text, kind: 'table-row', cells: text.split('|').map((c) => c.trim()), header };
  return { text, kind: !scope.includes('sentence') && scope.includes('heading') ? 'heading' : 'sentence' };
}

/** Runs one rule's examples. */
export function testRule(rule: Rule): ExampleResult[] {
  const out: ExampleResult[] = [];
  const kinds: [ExampleKind, (Example | KnownGap)[]][] = [['hit', rule.examples.hit], ['miss', rule.examples.miss], ['known_gap', rule.examples.known_gap]];
  for (const [kind, list] of kinds) {
    list.forEach((ex, index) => {
      const passage = examplePassage(ex, rule.scope);
      const view = new SegmentView(passage, REVIEW);
      const spans = matchRule(rule, view);
      const passed = kind === 'hit' ? spans !== null : spans === null;
      const r: ExampleResult = { rule: rule.id, kind, index, text: passage.text, passed, detail: [] };
      if (!passed) {
        r.at = exampleLocation(rule, kind, index);
        r.detail = [verdict(kind, rule, passage, view, spans), ...explain(rule, view)];
      }
      out.push(r);
    });
  }
  return out;
}

/** Runs every example of every rule, in rule id order. */
export function testExamples(ruleset: Pick<Ruleset, 'rules'>): ExampleResult[] {
  return ruleset.rules.flatMap(testRule);
}

function verdict(kind: ExampleKind, rule: Rule, passage: Passage, view: SegmentView, spans: [number, number][] | null): string {
  if (kind === 'hit' && !rule.scope.includes(passage.kind)) {
    return `expected a match, but this example is a ${passage.kind.replace('-', ' ')} and the rule's scope: is [${rule.scope.join(', ')}]`;
  }
  if (kind === 'hit') return 'expected a match, found none:';
  const marked = spans?.length ? `: ${mark(view, spans)}` : '';
  if (kind === 'miss') return `expected no match, but the rule matched${marked}`;
  return `this known gap now matches${marked}. Promote it: move it from known_gap: to hit: (and drop its why:)`;
}

/** What each condition of the rule found in the passage, in the order the matcher reads
 * them (all:, then any: near what all: found, then none:), nested lists indented. */
export function explain(rule: Pick<Rule, 'match'>, view: SegmentView): string[] {
  const lines: string[] = [];
  const m = rule.match;
  const acc = m.all ? trace(m.all, 'all', 'match.all', view, [], lines, 1) : [];
  if (acc === null) return lines;
  if (m.any) trace(m.any, 'any', 'match.any', view, acc, lines, 1);
  if (m.none) trace(m.none, 'none', 'match.none', view, [], lines, 1);
  return lines;
}

/** Describes each condition of one list as `evaluate` reads it; returns what an all: list
 * accumulated (null once a condition fails, after which the matcher reads no further). */
function trace(list: Condition[], kind: 'all' | 'any' | 'none', path: string, view: SegmentView, prior: [number, number][], lines: string[], depth: number): [number, number][] | null {
  let acc: [number, number][] = [];
  const pad = '  '.repeat(depth);
  for (const [i, c] of list.entries()) {
    const before = kind === 'all' && (acc.length || c.not_after) ? acc : prior;
    const s = evaluate(c, view, before);
    lines.push(`${pad}${path}[${i}] ${label(c)}: ${found(c, view, s, kind === 'none')}`);
    const nested = c.all ? 'all' : c.any ? 'any' : c.none ? 'none' : null;
    if (nested && depth < 4) trace(c[nested]!, nested, `${path}[${i}].${nested}`, view, before, lines, depth + 1);
    if (kind !== 'all') continue;
    if (!s) {
      if (i < list.length - 1) lines.push(`${pad}(the rest of this all: list is not read once a condition fails)`);
      return null;
    }
    acc = c.not_after ? s : acc.concat(s);
  }
  return acc;
}

function label(c: Condition): string {
  const list = (xs: string[]) => `[${xs.slice(0, 4).join(', ')}${xs.length > 4 ? `, … ${xs.length - 4} more` : ''}]`;
  if (c.phrase !== undefined) return `phrase "${c.phrase}"`;
  if (c.terms) return `terms ${list(c.terms)}`;
  if (c.starts) return `starts ${list(c.starts)}`;
  if (c.near) return `near ${list(c.near.terms)} within ${c.near.within}`;
  if (c.not_after) return `not_after ${list(c.not_after.terms)} within ${c.not_after.within}`;
  const n = (xs: unknown[]) => `${xs.length} condition${xs.length === 1 ? '' : 's'}`;
  if (c.all) return `all (${n(c.all)})`;
  if (c.any) return `any (${n(c.any)})`;
  if (c.none) return `none (${n(c.none)})`;
  if (c.date) return `date ${c.date}`;
  if (c.column) return `column ${list(c.column.name)} has ${list(c.column.terms)}`;
  return '(empty condition)';
}

function found(c: Condition, view: SegmentView, s: [number, number][] | null, blocking: boolean): string {
  const block = blocking && s ? ' (so the rule does not match)' : '';
  if (c.date) {
    const dates = view.dates().map((d) => `"${d.text}" (${relation(d, view.review).replace(/_/g, ' ')})`);
    return `${s ? 'holds' : 'does not hold'}; dates found: ${dates.length ? dates.join(', ') : 'none'}${block}`;
  }
  if (c.column) {
    const cells = (view.segment.header ?? []).map((h, i) => `${h} = "${view.segment.cells?.[i] ?? ''}"`);
    return `${s ? 'holds' : 'does not hold'}; ${cells.length ? cells.join(', ') : 'the row has no header'}${block}`;
  }
  if (c.not_after) return s ? `kept ${mark(view, s)}` : 'every earlier match comes just after one of these words';
  if (!s) return c.none ? 'one of its conditions matched' : 'no match';
  if (c.none) return 'holds (none of its conditions matched)';
  return s.length ? `${mark(view, s)}${block}` : `holds${block}`;
}

/** The passage with the matched words in «guillemets». */
export function mark(view: SegmentView, spans: [number, number][]): string {
  const text = view.segment.text;
  const chars = spans
    .map(([a, b]) => [view.tokens.starts[a], view.tokens.ends[b - 1]] as [number, number])
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const c of chars) {
    const last = merged[merged.length - 1];
    // neighbouring words read as one phrase: «monitoring software», not «monitoring» «software»
    if (last && (c[0] <= last[1] || !text.slice(last[1], c[0]).trim())) last[1] = Math.max(last[1], c[1]);
    else merged.push([...c]);
  }
  let out = '';
  let at = 0;
  for (const [a, b] of merged) { out += `${text.slice(at, a)}«${text.slice(a, b)}»`; at = b; }
  return `"${out}${text.slice(at)}"`;
}

/** `file:line:col` of examples.<kind>[index] in the rule's file. */
function exampleLocation(rule: Rule, kind: ExampleKind, index: number): string {
  try {
    const text = readFileSync(resolve(rule.file), 'utf8');
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc });
    const node = doc.getIn(['examples', kind, index], true) as { range?: [number, number] } | undefined;
    const pos = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
    return `${rule.file}:${pos.line}:${pos.col}`;
  } catch {
    return rule.file;
  }
}

export function formatResult(r: ExampleResult): string {
  if (r.passed) return `ok   ${r.rule} ${r.kind}[${r.index}]`;
  return [`FAIL ${r.rule} ${r.kind}[${r.index}]  ${r.at ?? ''}`.trimEnd(), `     "${r.text}"`, ...r.detail.map((d) => `     ${d}`)].join('\n');
}

export function summary(passed: number, failed: number): string {
  return `${passed} passed, ${failed} failed`;
}

/** How many passages each rule fires on when the pipeline's matcher reads `documents` (each
 * a document's segments, in order); stage cues are read only beside evidence, as in a run. */
export function ruleFirings(rules: Rule[], documents: Segment[][], reviewDate = EXAMPLE_REVIEW_DATE): Map<string, number> {
  const counts = new Map<string, number>(rules.map((r) => [r.id, 0]));
  const review = new Date(`${reviewDate}T00:00:00Z`);
  for (const segments of documents) {
    for (const m of match(segments, rules, review)) {
      for (const id of new Set(m.hits.map((h) => h.ruleId))) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}
