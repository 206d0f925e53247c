// What the queued mode's jobs carry and return, parsed at both ends. Payloads hold references
// (paths, file names, hashes, limits, versions), never document text; return values are small
// summaries. Text goes to the run folder's disk (`<out>/cache/…`), which every worker shares.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { DocStatus } from '../pipeline/schemas.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const DocumentRef = z.object({ file: z.string(), sha256: Sha256 });
export type DocumentRef = z.infer<typeof DocumentRef>;

/** One force of a run, as discovered: what the assess job and run.json need. */
export const ForceRef = z.object({ slug: z.string(), name: z.string(), warnings: z.array(z.string()), documents: z.array(DocumentRef) });
export type ForceRef = z.infer<typeof ForceRef>;

/** What every job of a run needs: its folder, and the review date and rules it was queued with. */
const RunRef = z.object({ run: z.string(), out: z.string(), reviewDate: z.string(), rulesDir: z.string(), rulesetVersion: z.string() });

/** One document to extract and analyse (with the run's rules, as at its review date). `path`
 * must be the same on every worker (a shared volume). */
export const ExtractJob = RunRef.extend({
  force: z.string(),
  file: z.string(),
  path: z.string(),
  sha256: Sha256,
  /** EXTRACTOR_VERSION of the process that queued the run; a worker with another one refuses. */
  extractor: z.string(),
  /** ExtractLimits as given to the run; unknown keys are kept so readers added later see theirs. */
  limits: z.record(z.string(), z.union([z.number(), z.boolean()])),
});
export type ExtractJob = z.infer<typeof ExtractJob>;

export const ExtractSummary = z.object({ sha256: Sha256, status: DocStatus, format: z.string(), pages: z.number().optional(), cached: z.boolean() });
export type ExtractSummary = z.infer<typeof ExtractSummary>;

export const AssessJob = RunRef.extend({ force: ForceRef });
export type AssessJob = z.infer<typeof AssessJob>;

export const AssessSummary = z.object({ force: z.string(), category: z.string(), documents: z.number(), cached: z.number(), incomplete: z.number() });
export type AssessSummary = z.infer<typeof AssessSummary>;

export const OverviewJob = RunRef.extend({ warnings: z.array(z.string()), forces: z.array(ForceRef) });
export type OverviewJob = z.infer<typeof OverviewJob>;

export const OverviewSummary = z.object({ forces: z.number(), documents: z.number(), cached: z.number(), incomplete: z.number() });
export type OverviewSummary = z.infer<typeof OverviewSummary>;

// Job ids. BullMQ lets a job have one parent, and refuses a flow whose child id already exists
// under another live parent; so a document's job id is its content hash and extractor version,
// scoped by run and force (the same file sent by two forces is two jobs, one extraction: the
// second finds the first's result in the content-hash cache). Ids never contain ':'.
const key = (s: string) => (/^[a-z0-9-]{1,60}$/.test(s) ? s : `h${sha(s).slice(0, 16)}`);
export const jobIds = {
  overview: (run: string) => `overview.${run}`,
  assess: (run: string, force: string) => `assess.${run}.${key(force)}`,
  extract: (run: string, force: string, sha256: string, extractor: string) => `extract.${sha256}.${key(extractor)}.${run}.${key(force)}`,
};

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The run's caches (extract/ and analysis/ under it), shared by every worker. */
export const cacheDir = (out: string) => join(out, 'cache');
/** Each force's assessment of one run, written by its assess job and read by the overview. */
export const assessmentPath = (out: string, run: string, force: string) => join(out, 'cache', 'assess', run, `${key(force)}.json`);
/** Each force's letter (Markdown and Word) of one run, made by its assess job beside its
 * assessment, so the overview job, which runs alone at the end, only copies them. */
export const letterPath = (out: string, run: string, force: string, ext: 'md' | 'docx') => join(out, 'cache', 'assess', run, `${key(force)}.letter.${ext}`);
