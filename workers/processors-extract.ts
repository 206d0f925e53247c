// The extract job: one document, by reference. Reads the file, extracts it (or finds it in the
// run's content-hash cache) and writes the result to that cache; returns a small summary.
// - A document that cannot be read for good (corrupt, unsupported, over a limit) is data:
//   `extract` gives it a status and a note, which are cached and reach findings.json.
// - A file that cannot be opened right now (a share that went away, a permission being fixed)
//   throws, and BullMQ retries it with exponential back-off.
// - A file whose content changed since the run was queued, or a worker running another
//   extractor version, fails at once (UnrecoverableError): retrying cannot help.
import { readFile } from 'node:fs/promises';
import { UnrecoverableError } from 'bullmq';
import { DEFAULT_LIMITS, EXTRACTOR_VERSION, extract, extractorId, sha256, type ExtractLimits } from '../pipeline/extract/index.js';
import type { ExtractedDocument } from '../pipeline/schemas.js';
import { ExtractCache } from './cache.js';
import { extractCacheDir, type ExtractJob, type ExtractSummary } from './processors-jobs.js';

export async function processExtract(job: ExtractJob): Promise<ExtractSummary> {
  if (job.extractor !== EXTRACTOR_VERSION) {
    throw new UnrecoverableError(`this worker runs extractor ${EXTRACTOR_VERSION} but the run was queued with ${job.extractor}; update the workers (or the machine that queued the run) so both run the same version`);
  }
  const limits = { ...DEFAULT_LIMITS, ...job.limits } as ExtractLimits;
  const cache = new ExtractCache(extractCacheDir(job.out));
  const hit = cache.get(job.sha256, job.file);
  // as in the embedded mode: an extraction made under other limits (or without OCR) is redone
  if (hit && hit.extractor === extractorId(limits)) return summary(hit, true);
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
  const doc = await extract({ file: job.file, bytes }, limits);
  cache.put(doc);
  return summary(doc, false);
}

function summary(doc: ExtractedDocument, cached: boolean): ExtractSummary {
  return { sha256: doc.sha256, status: doc.status, format: doc.format, ...(doc.pages === undefined ? {} : { pages: doc.pages }), cached };
}
