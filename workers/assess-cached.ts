// One force assessed from the run's caches: each document's kept analysis (passages and what
// every rule gave on them; rules that changed since are evaluated again and the memo rewritten),
// else its cached extraction, else the stand-in for a document that was never read; then judged
// and drafted. Runs where the passages are, so only the assessment and a few lines per verdict
// leave it: in rescore's threads (workers/assess-thread.ts) and in the queued assess job, after
// the extract jobs' children analysed every document (workers/processors.ts).
import { assessAnalysed } from '../pipeline/assess.js';
import type { DocumentAnalysis } from '../pipeline/analyse.js';
import { DEFAULT_LIMITS } from '../pipeline/extract/index.js';
import type { ItemJudgement } from '../pipeline/judge/index.js';
import type { Ruleset } from '../pipeline/rules/load.js';
import type { ExtractedDocument, ForceAssessment, Item } from '../pipeline/schemas.js';
import { runTask } from './analyse-thread.js';

/** Given once per thread (or per job): the rules and review date to assess with. */
export interface AssessSetup { ruleset: Ruleset; reviewDate: string }

export interface ForceTask {
  slug: string;
  name: string;
  warnings: string[];
  documents: { file: string; sha256: string; unread?: ExtractedDocument }[];
  /** the run's cache folder (cache/extract and cache/analysis under it) */
  cacheDir: string;
}

/** Per item, the passages an exclude rule set aside, with those rules' ids: what a rescore's
 * diff needs of the judgements (their other parts hold every passage of the force). */
export type Exclusions = Record<Item, { text: string; rules: string[] }[]>;

export interface ForceOutcome {
  assessment: ForceAssessment;
  excluded: Exclusions;
  /** files with neither a kept analysis nor an extraction nor a stand-in (not assessed) */
  missing: string[];
  /** documents assessed as their stand-in (never read) */
  unread: number;
}

export async function assessCached(task: ForceTask, setup: AssessSetup): Promise<ForceOutcome> {
  const rules = { rules: setup.ruleset.rules, reviewDate: setup.reviewDate };
  const analyses: DocumentAnalysis[] = [];
  const missing: string[] = [];
  let unread = 0;
  // the rule results kept anew are written while the next documents are read and the force is
  // judged, and are all on disk before its assessment is returned
  const writes: Promise<void>[] = [];
  let result: ReturnType<typeof assessAnalysed>;
  try {
    for (const d of task.documents) {
      // no path: nothing is read or extracted, so the limits are never used
      const r = await runTask({ file: d.file, sha256: d.sha256, unread: d.unread, limits: DEFAULT_LIMITS, cacheDir: task.cacheDir }, rules, undefined, writes);
      if (writes.length) await new Promise(setImmediate); // lets the writes move on
      if (r.status !== 'analysed') { missing.push(d.file); continue; }
      if (r.extracted === 'unread') unread++;
      analyses.push(r.analysis);
    }
    result = assessAnalysed({ slug: task.slug, name: task.name, warnings: task.warnings, analyses }, setup.ruleset);
  } finally {
    await Promise.allSettled(writes);
  }
  await Promise.all(writes); // a write that failed fails the force, as it would have written at once
  const { assessment, judgements } = result;
  return { assessment, excluded: exclusionsOf(judgements), missing, unread };
}

export function exclusionsOf(judgements: Record<Item, ItemJudgement>): Exclusions {
  const out = {} as Exclusions;
  for (const [item, j] of Object.entries(judgements) as [Item, ItemJudgement][]) {
    out[item] = j.excluded.map((x) => ({ text: x.segment.text, rules: x.rules.map((r) => r.id) }));
  }
  return out;
}
