// The queued mode when things break mid-run: a worker process killed with SIGKILL, and Redis
// itself killed and restarted. Workers here are real `plan-assessor worker` processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTRACTOR_VERSION, sha256 } from '../pipeline/extract/index.js';
import { runEmbedded } from './run.js';
import { enqueueRun, openQueues, planRun, runQueued, waitForRun } from './queue.js';
import { jobIds } from './processors-jobs.js';
import {
  completions, copyForces, dropPrefix, expectSameOutputs, expectedJobs, longPdf, spawnWorker, startRedisServer,
  removeTmpDirs, snapshotRules, stopPrivateRedis, testRedis, tmpDir, uniquePrefix, waitFor, type WorkerProcess,
} from './test-helpers/queue.js';

const ruleset = snapshotRules();
const reviewDate = '2017-06-01';
let redis: string;
let appendix: Buffer;
let drop: string;
let embedded: string;
const prefixes: string[] = [];
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await testRedis();
  // three devset forces, one of them with a 200-page appendix that keeps a worker busy for a
  // while; both tests compare with one embedded run of it
  appendix = await longPdf(200);
  drop = copyForces('fixtures/devset/submissions', ['cambridgeshire', 'cleveland', 'dyfed-powys']);
  writeFileSync(join(drop, 'cleveland', 'appendix-f-fleet-schedule.pdf'), appendix);
  embedded = tmpDir('embedded');
  await runEmbedded({ submissions: drop, out: embedded, reviewDate, ruleset, threads: 1 });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  for (const p of prefixes) await dropPrefix(redis, p);
  await stopPrivateRedis();
  removeTmpDirs();
});

describe('a queued run survives', () => {
  it('a worker killed with SIGKILL mid-run: another worker finishes, and every document is assessed exactly once', async () => {
    const prefix = uniquePrefix('sigkill');
    prefixes.push(prefix);
    const out = tmpDir('queued');
    const plan = planRun({ submissions: drop, out, reviewDate, ruleset });
    const queues = openQueues({ redis, prefix });
    // short locks so the dead worker's job comes back within seconds, not the default 30 s
    const opts = ['--concurrency', '1', '--lock-ms', '5000', '--stalled-ms', '1000'];
    try {
      const first = spawnWorker(redis, prefix, opts);
      workers.push(first);
      await enqueueRun(plan, queues);
      const big = jobIds.extract(plan.run, 'cleveland', sha256(appendix), EXTRACTOR_VERSION);
      await waitFor(async () => (await queues.extract.getJobState(big)) === 'active', 120_000, 'the first worker to start on the appendix');
      await first.kill('SIGKILL');
      expect(await queues.extract.getJobState(big)).toBe('active'); // held by a dead worker

      const second = spawnWorker(redis, prefix, opts);
      workers.push(second);
      await waitForRun(plan, queues, { pollMs: 200, timeoutMs: 150_000 });
      expectSameOutputs(out, embedded);

      const taken = await queues.extract.getJob(big);
      expect(taken?.processedBy).toBe(second.name);
      expect(first.output()).not.toContain('done extract cleveland/appendix');
      // each job completed once: no document was assessed twice, none was lost
      const jobs = new Map([...await completions(redis, prefix, 'extract'), ...await completions(redis, prefix, 'assess'), ...await completions(redis, prefix, 'overview')]);
      expect(jobs.size).toBe(expectedJobs(drop));
      expect([...jobs.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await queues.close();
    }
  }, 240_000);

  it('Redis killed and restarted mid-run: the run completes without anyone doing anything', async () => {
    const own = await startRedisServer({ aof: true });
    const prefix = uniquePrefix('restart');
    const out = tmpDir('queued');
    const worker = spawnWorker(own.url, prefix, ['--concurrency', '1']);
    workers.push(worker);
    try {
      const notices: string[] = [];
      const running = runQueued({ submissions: drop, out, reviewDate, ruleset, redis: own.url, prefix, pollMs: 200, localWorkers: false, onNotice: (l) => notices.push(l) });
      const plan = planRun({ submissions: drop, out, reviewDate, ruleset });
      const big = jobIds.extract(plan.run, 'cleveland', sha256(appendix), EXTRACTOR_VERSION);
      const queues = openQueues({ redis: own.url, prefix });
      try {
        await waitFor(async () => (await queues.extract.getJobState(big)) === 'active', 120_000, 'the worker to start on the appendix');
      } finally { await queues.close(); }
      await own.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      await own.start();

      const result = await running;
      expect(notices.join('\n')).toMatch(/Redis is unreachable[\s\S]*Redis is back/);
      expect(result.incomplete).toBe(0);
      expectSameOutputs(out, embedded);
      const extracted = await completions(own.url, prefix, 'extract');
      expect(extracted.get(big)).toBe(1);
    } finally {
      await worker.stop();
      await own.stop();
    }
  }, 240_000);
});
