// Worker-thread entry of rescore: each task is one force, assessed from the run's caches
// (workers/assess-cached.ts). The passages stay in the thread; the assessment and the
// exclusions a diff needs come back.
import { isMainThread, workerData } from 'node:worker_threads';
import { assessCached, type AssessSetup, type ForceTask } from './assess-cached.js';
import { threadServe } from './pool.js';

if (!isMainThread && workerData?.entry === import.meta.url) {
  const setup = workerData.setup as AssessSetup;
  threadServe((task: ForceTask) => assessCached(task, setup));
}
