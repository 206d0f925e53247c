// Run caches on the local disk of the run (document text never leaves it):
// - extraction: one JSON file per (content hash, extractor version); a second run of the same
//   drop skips extraction;
// - analysis: per (content hash, review date, segmenter+matcher version), two files: the
//   document's passages with their index, and what each rule gave on them (the memo). A rescore
//   re-evaluates only the rules that changed and rewrites only the memo, a few per cent of the
//   size. Written with v8.serialize (Maps and Sets, and about ten times faster to read back
//   than JSON of the same size).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ExtractedDocument } from '../pipeline/schemas.js';
import { EXTRACTOR_VERSION } from '../pipeline/extract/index.js';
import { ANALYSIS_VERSION, type AnalysisMemo, type Freshness } from '../pipeline/analyse.js';
import type { MatchMemo } from '../pipeline/match/index.js';

function atomicWrite(p: string, data: string | Buffer): void {
  const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, p);
}

export class ExtractCache {
  constructor(private dir: string) { mkdirSync(dir, { recursive: true }); }
  private path(sha: string) { return join(this.dir, `${sha}.${EXTRACTOR_VERSION}.json`); }
  get(sha: string, file: string): ExtractedDocument | undefined {
    try {
      const d = ExtractedDocument.parse(JSON.parse(readFileSync(this.path(sha), 'utf8')));
      return { ...d, file };
    } catch {
      return undefined;
    }
  }
  put(doc: ExtractedDocument): void {
    atomicWrite(this.path(doc.sha256), JSON.stringify(doc));
  }
}

/** The rule results of a kept analysis, per part; they belong to the passages made from the
 * extraction `extractor` (passage numbers index them), which is checked on reading, so the two
 * files, each replaced atomically, can never be combined wrongly: a memo that does not fit its
 * passages is dropped and the rules are evaluated again. */
interface KeptRules { version: string; extractor: string; passages: number[]; memos: (MatchMemo | undefined)[] }

export class AnalysisCache {
  constructor(private dir: string) { mkdirSync(dir, { recursive: true }); }
  private path(sha: string, reviewDate: string, half: 'passages' | 'rules') {
    return join(this.dir, `${sha}.${reviewDate}.${ANALYSIS_VERSION}${half === 'rules' ? '.rules' : ''}.v8`);
  }
  /** the kept analysis, or undefined (none yet, another version, or a damaged file); its rule
   * results are empty when they are missing or do not fit the passages */
  get(sha: string, reviewDate: string): AnalysisMemo | undefined {
    let m: AnalysisMemo;
    try {
      m = deserialize(readFileSync(this.path(sha, reviewDate, 'passages'))) as AnalysisMemo;
      if (m?.version !== ANALYSIS_VERSION || !Array.isArray(m.parts)) return undefined;
    } catch {
      return undefined;
    }
    let rules: KeptRules | undefined;
    try { rules = deserialize(readFileSync(this.path(sha, reviewDate, 'rules'))) as KeptRules; } catch { /* none yet, or damaged */ }
    const fits = rules?.version === ANALYSIS_VERSION && rules.extractor === extractorOf(m)
      && rules.memos.length === m.parts.length && m.parts.every((p, i) => (p.segmented?.segments.length ?? 0) === rules!.passages[i]);
    // (an analysis kept by an earlier version has no rules file: its results are inline)
    if (rules) m.parts.forEach((p, i) => { if (p.segmented) p.memo = fits ? rules!.memos[i] : undefined; });
    return m;
  }
  /** keeps the halves `fresh` says changed: the passages before the rule results they index */
  put(sha: string, reviewDate: string, memo: AnalysisMemo, fresh: Freshness): void {
    if (fresh.passages) {
      const passages: AnalysisMemo = { ...memo, parts: memo.parts.map(({ memo: _m, ...p }) => p) };
      atomicWrite(this.path(sha, reviewDate, 'passages'), serialize(passages));
    }
    if (fresh.passages || fresh.rules) {
      const rules: KeptRules = {
        version: ANALYSIS_VERSION, extractor: extractorOf(memo),
        passages: memo.parts.map((p) => p.segmented?.segments.length ?? 0), memos: memo.parts.map((p) => p.memo),
      };
      atomicWrite(this.path(sha, reviewDate, 'rules'), serialize(rules));
    }
  }
}

const extractorOf = (m: AnalysisMemo) => m.parts[0]?.doc.extractor ?? '';
