// Entry of BullMQ's sandboxed extract processor: runs in a child process of the worker (one per
// concurrency slot), so parsing and analysing a 500-page PDF never blocks the worker's event
// loop, which keeps renewing the job's lock. Loaded only in those children: `.ts` under tsx, `.js` from dist/.
import type { SandboxedJob } from 'bullmq';
import { ExtractJob, type ExtractSummary } from './processors-jobs.js';
import { processExtract } from './processors-extract.js';

// A worker killed with SIGKILL cannot stop its children; they notice the closed IPC channel and
// go, rather than finish a job nobody will record (another worker will take it up).
process.once('disconnect', () => process.exit(0));

/** Heap size (total) past which a child collects its garbage once a job is done. */
const LARGE_HEAP = 128 * 2 ** 20;

export default async function extractInSandbox(job: SandboxedJob): Promise<ExtractSummary> {
  try {
    return await processExtract(ExtractJob.parse(job.data));
  } finally {
    // A child lives for many jobs. After a long document, most of its heap is garbage that V8
    // keeps until the next long one, whose analysis then grows the heap on top of it (the eight
    // largest PDFs of the benchmark drop one after another peak at 343 MB without this, 239 MB
    // with it), and that the worker's assess job, starting as this job ends, finds still held.
    // Only after a large job: a full collection of a small heap is cheap, but 450 are not free.
    if (process.memoryUsage().heapTotal > LARGE_HEAP) globalThis.gc?.();
  }
}
