// analyse(document, rules, review date) → what assessment needs of one submitted document: the
// summaries of it and the documents inside it, their passages, and the rule hits on each
// passage. Pure: no files, no clock. It is the per-document half of assessment, so it runs in
// the extraction threads beside the parser, and its result (with the memo of rule results) is
// cached so a rescore re-evaluates only the rules that changed.
import type { ExtractedDocument, SegmentedDocument } from './schemas.js';
import { segment, SEGMENTER_VERSION } from './segment/index.js';
import { match, ruleKey, MATCHER_VERSION, type MatchMemo, type PassageIndex, type RuleHit } from './match/index.js';
import { withEmbedded } from './extract/embedded.js';
import type { Rule } from './rules/schema.js';

/** One document as assessment sees it: its summary (no text), and when it was read, its
 * passages with the hits on each. */
export interface AnalysedPart {
  doc: ExtractedDocument;
  segmented?: SegmentedDocument;
  hits?: RuleHit[][];
}

export interface DocumentAnalysis {
  /** the document, then the documents inside it (withEmbedded order) */
  parts: AnalysedPart[];
  /** milliseconds spent segmenting and matching (0 for what the memo had) */
  timings: { segment: number; match: number };
}

/** What is kept between runs for one document (content hash) at one review date: per part,
 * its summary, passages, their index and what each rule gave on them. Enough to assess the
 * document again under changed rules without its extraction. */
export interface AnalysisMemo {
  version: string;
  file: string;
  parts: { doc: ExtractedDocument; segmented?: SegmentedDocument; index?: PassageIndex; memo?: MatchMemo }[];
}

export const ANALYSIS_VERSION = `${SEGMENTER_VERSION}+${MATCHER_VERSION}`;

/** Which halves of a kept analysis a new one changed: the passages (with their summaries and
 * index), segmented anew; the rule results, when a rule was evaluated or one came or went. They
 * are kept apart (workers/cache.ts), so a rescore after a rule change rewrites only the small
 * second half. A kept analysis serves the same bytes under any file name, so a rename is neither. */
export interface Freshness { passages: boolean; rules: boolean }

/** The document with its text dropped: what crosses back from a thread and what drafting needs. */
export function summaryOf(d: ExtractedDocument): ExtractedDocument {
  const { embedded: _e, ...rest } = d;
  return { ...rest, parts: [] };
}

/** Renames a cached analysis made for `from` to the file name `to` (the same bytes may be
 * submitted under other names). */
function renamed(s: SegmentedDocument, from: string, to: string): SegmentedDocument {
  if (from === to) return s;
  const name = (n: string) => renameFile(n, from, to);
  return {
    document: name(s.document),
    paragraphs: s.paragraphs.map((p) => ({ ...p, document: name(p.document) })),
    segments: s.segments.map((g) => ({ ...g, document: name(g.document), id: `${name(g.document)}${g.id.slice(g.document.length)}` })),
  };
}

/**
 * Analyses `doc` with `rules` as at `review`. `previous` (kept from an earlier analysis of the
 * same bytes at the same review date) saves segmenting, indexing and every rule evaluation it
 * already has; with it, `doc` may be just the file name. The returned `memo` is what to keep
 * for the next time, and `fresh` says which of its halves differ from `previous`.
 */
export function analyse(doc: ExtractedDocument | string, rules: Rule[], review: Date, previous?: AnalysisMemo): { analysis: DocumentAnalysis; memo: AnalysisMemo; fresh: Freshness } {
  const reusable = previous?.version === ANALYSIS_VERSION ? previous : undefined;
  const file = typeof doc === 'string' ? doc : doc.file;
  if (typeof doc === 'string' && !reusable) throw new Error(`no analysis of ${file} to start from`);
  const docs = typeof doc === 'string' ? reusable!.parts.map((p) => renamedDoc(p.doc, reusable!.file, file)) : withEmbedded(doc);
  const memo: AnalysisMemo = { version: ANALYSIS_VERSION, file, parts: [] };
  const timings = { segment: 0, match: 0 };
  const fresh: Freshness = { passages: !reusable, rules: !reusable };
  const parts = docs.map((d, i): AnalysedPart => {
    const summary = summaryOf(d);
    if (d.status !== 'ok') { memo.parts.push({ doc: summary }); return { doc: summary }; }
    const kept = reusable?.parts[i];
    const t0 = performance.now();
    const segmented = kept?.segmented ? renamed(kept.segmented, reusable!.file, file) : segment(d);
    const keptKeys = [...(kept?.memo?.keys() ?? [])].sort().join();
    const ctx = { memo: kept?.memo ?? new Map(), index: kept?.index, evaluated: 0 };
    const t1 = performance.now();
    const matched = match(segmented.segments, rules, review, ctx);
    timings.segment += t1 - t0;
    timings.match += performance.now() - t1;
    // judging needs the passages only: paragraphs (the context the review workspace rebuilds
    // from the extraction) would double what is kept and what crosses back from a thread
    const passages = { ...segmented, paragraphs: [] };
    const keep = pruned(ctx.memo, rules);
    // what is kept changes when something was segmented or evaluated, or a rule came or went
    if (!kept?.segmented) fresh.passages = fresh.rules = true;
    if (ctx.evaluated || [...keep.keys()].sort().join() !== keptKeys) fresh.rules = true;
    memo.parts.push({ doc: summary, segmented: passages, index: ctx.index, memo: keep });
    return { doc: summary, segmented: passages, hits: matched.map((m) => m.hits) };
  });
  return { analysis: { parts, timings }, memo, fresh };
}

const renameFile = (n: string, from: string, to: string) => (n === from ? to : n.startsWith(`${from} › `) ? `${to}${n.slice(from.length)}` : n);
function renamedDoc(d: ExtractedDocument, from: string, to: string): ExtractedDocument {
  return { ...d, file: renameFile(d.file, from, to), duplicateOf: d.duplicateOf && renameFile(d.duplicateOf, from, to) };
}

/** Keeps only the results of the rules in use, so the memo does not grow with every edit. */
function pruned(memo: MatchMemo, rules: Rule[]): MatchMemo {
  const used = new Set(rules.map(ruleKey));
  return new Map([...memo].filter(([k]) => used.has(k)));
}
