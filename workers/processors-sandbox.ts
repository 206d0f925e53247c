// Entry of BullMQ's sandboxed extract processor: runs in a child process of the worker (one per
// concurrency slot), so parsing a 500-page PDF never blocks the worker's event loop, which keeps
// renewing the job's lock. Loaded only in those children: `.ts` under tsx, `.js` from dist/.
import type { SandboxedJob } from 'bullmq';
import { ExtractJob, type ExtractSummary } from './processors-jobs.js';
import { processExtract } from './processors-extract.js';

// A worker killed with SIGKILL cannot stop its children; they notice the closed IPC channel and
// go, rather than finish a job nobody will record (another worker will take it up).
process.once('disconnect', () => process.exit(0));

export default async function extractInSandbox(job: SandboxedJob): Promise<ExtractSummary> {
  return processExtract(ExtractJob.parse(job.data));
}
