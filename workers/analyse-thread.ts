// Worker-thread side of the embedded run and of rescore: for one document, find or make its
// extraction (cached by content hash), then analyse it (segments and rule hits, cached with the
// memo of rule results) and send back the analysis, without the document's raw text. Only paths,
// hashes and results cross the thread boundary; nothing is logged.
import { isMainThread, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { extract, extractorId, sha256, type ExtractLimits } from '../pipeline/extract/index.js';
import { analyse, type DocumentAnalysis } from '../pipeline/analyse.js';
import type { Rule } from '../pipeline/rules/schema.js';
import type { ExtractedDocument } from '../pipeline/schemas.js';
import { AnalysisCache, ExtractCache } from './cache.js';
import { threadServe } from './pool.js';

/** Given once per thread: the rules and the review date every task is analysed with. */
export interface AnalyseSetup { rules: Rule[]; reviewDate: string }

export interface AnalyseTask {
  file: string;
  /** the submitted file to read; absent in a rescore, which works from the caches alone */
  path?: string;
  /** the content hash, when there is no path */
  sha256?: string;
  /** a document that could not be read at all, standing in for the file (rescore) */
  unread?: ExtractedDocument;
  limits: ExtractLimits;
  /** the run's cache folder (cache/extract and cache/analysis under it) */
  cacheDir: string;
}

export type AnalyseOutcome =
  | { status: 'analysed'; sha256: string; analysis: DocumentAnalysis; extracted: 'cache' | 'now' | 'analysis-cache'; extractMs: number }
  | { status: 'missing'; sha256: string };

/** One task, in whichever thread runs it. Exported for tests and the single-threaded path. */
export async function runTask(task: AnalyseTask, setup: AnalyseSetup): Promise<AnalyseOutcome> {
  const review = new Date(`${setup.reviewDate}T00:00:00Z`);
  const extracts = new ExtractCache(`${task.cacheDir}/extract`);
  const analyses = new AnalysisCache(`${task.cacheDir}/analysis`);
  const bytes = task.path ? await readFile(task.path) : undefined;
  const sha = bytes ? sha256(bytes) : task.sha256!;
  const previous = analyses.get(sha, setup.reviewDate);
  let doc: ExtractedDocument | undefined;
  let extracted: 'cache' | 'now' | 'analysis-cache' = 'analysis-cache';
  let extractMs = 0;
  // the kept analysis stands for the extraction only if it was made from the same extractor
  const usable = previous && (!bytes || previous.parts[0]?.doc.extractor === extractorId(task.limits)) ? previous : undefined;
  if (!usable) {
    doc = extracts.get(sha, task.file);
    if (doc && bytes && doc.extractor !== extractorId(task.limits)) doc = undefined; // other limits, or without OCR
    extracted = 'cache';
    if (!doc && task.unread) doc = task.unread;
    if (!doc) {
      if (!bytes) return { status: 'missing', sha256: sha };
      const t0 = performance.now();
      doc = await extract({ file: task.file, bytes }, task.limits);
      extractMs = performance.now() - t0;
      if (doc.extractor !== 'none') extracts.put(doc);
      extracted = 'now';
    }
  }
  const { analysis, memo, fresh } = analyse(doc ?? task.file, setup.rules, review, usable);
  if (fresh && memo.parts[0]?.doc.extractor !== 'none') analyses.put(sha, setup.reviewDate, memo);
  return { status: 'analysed', sha256: sha, analysis, extracted, extractMs };
}

if (!isMainThread && workerData?.setup) {
  const setup = workerData.setup as AnalyseSetup;
  threadServe((task: AnalyseTask) => runTask(task, setup));
}
