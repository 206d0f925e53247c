// Worker-thread entry of rescore: each task is one force, assessed from the run's caches
// (workers/assess-cached.ts). The passages stay in the thread; the assessment and the
// exclusions a diff needs come back.
import { isMainThread, workerData } from 'node:worker_threads';
import { assessCached, type AssessSetup, type ForceTask } from './assess-cached.js';
import { threadServeSetup } from './pool.js';

if (!isMainThread && workerData?.entry === import.meta.url) {
  // the setup (rules) may come after the thread started: rescore loads the rules meanwhile
  threadServeSetup((setup: AssessSetup) => (task: ForceTask) => assessCached(task, setup));
}
