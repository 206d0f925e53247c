// The extract job: one document, by reference. Reads the file, then extracts and analyses it as
// an embedded run's thread does (runTask: segments and rule hits with the run's rules, as at its
// review date), writing both to the run's content-hash caches (`<out>/cache/extract/` and
// `<out>/cache/analysis/`), or finds them there; returns a small summary. The force's assess job
// then only judges, from the analysis cache.
// - A document that cannot be read for good (corrupt, unsupported, over a limit) is data:
//   `extract` gives it a status and a note, which are cached and reach findings.json.
// - A file that cannot be opened right now (a share that went away, a permission being fixed)
//   throws, and BullMQ retries it with exponential back-off.
// - A file whose content changed since the run was queued, or a worker running another
//   extractor version, or rules other than the run's, fails at once (UnrecoverableError):
//   retrying cannot help.
import { readFile } from 'node:fs/promises';
import { UnrecoverableError } from 'bullmq';
import { DEFAULT_LIMITS, EXTRACTOR_VERSION, sha256, type ExtractLimits } from '../pipeline/extract/index.js';
import { runTask } from './analyse-thread.js';
import { cacheDir, type ExtractJob, type ExtractSummary } from './processors-jobs.js';
import { rulesetFor } from './processors-rules.js';

export async function processExtract(job: ExtractJob): Promise<ExtractSummary> {
  if (job.extractor !== EXTRACTOR_VERSION) {
    throw new UnrecoverableError(`this worker runs extractor ${EXTRACTOR_VERSION} but the run was queued with ${job.extractor}; update the workers (or the machine that queued the run) so both run the same version`);
  }
  const limits = { ...DEFAULT_LIMITS, ...job.limits } as ExtractLimits;
  const ruleset = rulesetFor(job.rulesDir, job.rulesetVersion);
  let bytes: Buffer;
  try {
    bytes = await readFile(job.path);
  } catch (err) {
    throw new Error(`cannot open ${job.force}/${job.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); every worker must see the submissions at ${job.path}`);
  }
  const found = sha256(bytes);
  if (found !== job.sha256) {
    throw new UnrecoverableError(`${job.force}/${job.file} changed after the run was queued (sha256 ${job.sha256.slice(0, 12)}… then, ${found.slice(0, 12)}… now); run again to assess the file as it is now`);
  }
  // as in the embedded mode: an extraction or analysis made under other limits (or without OCR)
  // is redone, and rules the kept analysis has not seen are evaluated and kept
  const r = await runTask({ file: job.file, limits, cacheDir: cacheDir(job.out) }, { rules: ruleset.rules, reviewDate: job.reviewDate }, bytes);
  if (r.status !== 'analysed') throw new Error(`${job.force}/${job.file} was read but not analysed`); // runTask always analyses bytes it is given
  const doc = r.analysis.parts[0].doc;
  return { sha256: found, status: doc.status, format: doc.format, ...(doc.pages === undefined ? {} : { pages: doc.pages }), cached: r.extracted !== 'now' };
}
