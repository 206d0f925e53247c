// One document's analysis, wherever it runs: in the embedded run's threads (this module is their
// entry), in a queued extract job's sandboxed child (workers/processors-extract.ts), and per
// force in the assessment from the caches (workers/assess-cached.ts: rescore's threads and the
// queued assess job). Find or make the document's extraction (cached by content hash), analyse
// it (segments and rule hits, cached with the memo of rule results) and return the analysis,
// without the document's raw text. Only paths, hashes and results cross the thread boundary;
// nothing is logged.
import { isMainThread, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { extract, extractorId, sha256, type ExtractLimits } from '../pipeline/extract/index.js';
import { analyse, type DocumentAnalysis } from '../pipeline/analyse.js';
import type { Rule } from '../pipeline/rules/schema.js';
import type { ExtractedDocument } from '../pipeline/schemas.js';
import { AnalysisCache, ExtractCache } from './cache.js';
import { threadServe } from './pool.js';
import { prefilter } from '../pipeline/match/prefilter.js';

/** Given once per thread: the rules and the review date every task is analysed with. */
export interface AnalyseSetup { rules: Rule[]; reviewDate: string }

export interface AnalyseTask {
  file: string;
  /** the submitted file to read; absent in a rescore, which works from the caches alone */
  path?: string;
  /** the content hash, when there is no path */
  sha256?: string;
  /** a document that could not be read at all, standing in for the file when neither cache has
   * it (rescore; a queued document whose extract job failed for good) */
  unread?: ExtractedDocument;
  limits: ExtractLimits;
  /** the run's cache folder (cache/extract and cache/analysis under it) */
  cacheDir: string;
}

/** Where the document came from: extracted now, its cached extraction, its kept analysis, or the
 * task's `unread` stand-in. */
export type Source = 'now' | 'cache' | 'analysis-cache' | 'unread';

export type AnalyseOutcome =
  | { status: 'analysed'; sha256: string; analysis: DocumentAnalysis; extracted: Source; extractMs: number }
  | { status: 'missing'; sha256: string };

/** One task, in whichever thread or process runs it. `given` is the file's content when the
 * caller has read it already (the queued extract job, which checks it against the hash the run
 * was queued with); otherwise it is read from `task.path`, if any. Either way, the
 * caches are written: the extraction, and the analysis with its memo of rule results (the
 * analysis in the background when `writes` is given: the caller awaits them). */
export async function runTask(task: AnalyseTask, setup: AnalyseSetup, given?: Buffer, writes?: Promise<void>[]): Promise<AnalyseOutcome> {
  const review = new Date(`${setup.reviewDate}T00:00:00Z`);
  const extracts = new ExtractCache(`${task.cacheDir}/extract`);
  const analyses = new AnalysisCache(`${task.cacheDir}/analysis`, writes);
  const bytes = given ?? (task.path ? await readFile(task.path) : undefined);
  const sha = bytes ? sha256(bytes) : task.sha256!;
  const previous = analyses.get(sha, setup.reviewDate);
  let doc: ExtractedDocument | undefined;
  let extracted: Source = 'analysis-cache';
  let extractMs = 0;
  // the kept analysis stands for the extraction only if it was made from the same extractor
  const usable = previous && (!bytes || previous.parts[0]?.doc.extractor === extractorId(task.limits)) ? previous : undefined;
  if (!usable) {
    doc = extracts.get(sha, task.file);
    if (doc && bytes && doc.extractor !== extractorId(task.limits)) doc = undefined; // other limits, or without OCR
    extracted = 'cache';
    if (!doc && task.unread) { doc = task.unread; extracted = 'unread'; }
    if (!doc) {
      if (!bytes) return { status: 'missing', sha256: sha };
      const t0 = performance.now();
      doc = await extract({ file: task.file, bytes }, task.limits);
      extractMs = performance.now() - t0;
      if (doc.extractor !== 'none') extracts.put(doc);
      extracted = 'now';
    }
  }
  // rules the kept analysis has no results for are tried only where its index says they can match
  const entered = usable ? prefilter(usable, setup.rules) : false;
  const { analysis, memo, fresh } = analyse(doc ?? task.file, setup.rules, review, usable);
  if (entered) fresh.rules = true;
  if (memo.parts[0]?.doc.extractor !== 'none') analyses.put(sha, setup.reviewDate, memo, fresh);
  return { status: 'analysed', sha256: sha, analysis, extracted, extractMs };
}

// the thread's entry only when the pool started it on this module (assess-thread imports it too)
if (!isMainThread && workerData?.entry === import.meta.url) {
  const setup = workerData.setup as AnalyseSetup;
  threadServe((task: AnalyseTask) => runTask(task, setup));
}
